package io.djlkernel.kernel.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.djlkernel.api.display.MimeBundle;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SupplementaryRenderersTest {
    static final String PLOT = "application/vnd.example.plot+json";

    interface Chart {
    }

    static class LineChart implements Chart {
        @Override
        public String toString() {
            return "LineChart";
        }
    }

    static class DerivedLineChart extends LineChart {
    }

    @Test
    void supplementAddsItsTypesBesideTheUsersRendererWhichWinsOnConflicts() {
        DefaultRendererRegistry registry = new DefaultRendererRegistry();
        registry.registerSupplement(LineChart.class.getName(), (chart, out) -> {
            out.put(PLOT, "plot of " + chart);
            out.put(MimeBundle.TEXT_HTML, "<i>supplement html</i>");
            out.put(MimeBundle.TEXT_PLAIN, "supplement text");
        });
        registry.register(LineChart.class, (chart, out) -> out.put(MimeBundle.TEXT_HTML, "<b>user html</b>"));

        MimeBundle bundle = registry.render(new LineChart());

        assertEquals("<b>user html</b>", bundle.data().get(MimeBundle.TEXT_HTML));
        assertEquals("plot of LineChart", bundle.data().get(PLOT));
        // the user renderer gave no text/plain: the supplement's is better than toString
        assertEquals("supplement text", bundle.data().get(MimeBundle.TEXT_PLAIN));
    }

    @Test
    void supplementServesValuesWithNoRendererAndMatchesSubclassesAndInterfacesByName() {
        DefaultRendererRegistry registry = new DefaultRendererRegistry();
        registry.registerSupplement(Chart.class.getName(), (chart, out) -> out.put(PLOT, "chart"));

        assertEquals("chart", registry.render(new DerivedLineChart()).data().get(PLOT));
        assertEquals("LineChart", registry.render(new LineChart()).data().get(MimeBundle.TEXT_PLAIN));
        assertFalse(registry.render("a string").data().containsKey(PLOT));
    }

    @Test
    void requestedTypesReachTheSupplementAndFilterItsOutput() {
        DefaultRendererRegistry registry = new DefaultRendererRegistry();
        registry.registerSupplement(LineChart.class.getName(), (chart, out) -> {
            assertFalse(out.wants(PLOT), "only text/html was asked for");
            out.put(MimeBundle.TEXT_HTML, "<p>chart</p>");
            if (out.wants(PLOT)) out.put(PLOT, "expensive");
        });

        MimeBundle html = registry.render(new LineChart(), MimeBundle.TEXT_HTML);
        assertEquals(Set.of(MimeBundle.TEXT_HTML), html.data().keySet());
    }

    @Test
    void supplementStandingInForHtmlJoinsARequestForHtmlOnly() {
        DefaultRendererRegistry registry = new DefaultRendererRegistry();
        registry.register(LineChart.class, (chart, out) -> {
            if (out.wants(MimeBundle.TEXT_HTML)) out.put(MimeBundle.TEXT_HTML, "<script src=cdn>");
            if (out.wants("text/latex")) out.put("text/latex", "x");
        });
        registry.registerSupplement(LineChart.class.getName(), Set.of(MimeBundle.TEXT_HTML), (chart, out) -> {
            out.put(PLOT, "p");
            out.put("image/svg+xml", "<svg/>");
            out.put(MimeBundle.TEXT_PLAIN, "chart");
        });

        MimeBundle html = registry.render(new LineChart(), MimeBundle.TEXT_HTML);
        assertEquals(java.util.List.of(MimeBundle.TEXT_HTML, PLOT, "image/svg+xml"), new java.util.ArrayList<>(html.data().keySet()));
        assertEquals("<script src=cdn>", html.data().get(MimeBundle.TEXT_HTML));

        MimeBundle latex = registry.render(new LineChart(), "text/latex");
        assertEquals(Set.of("text/latex"), latex.data().keySet(), "other requests stay as asked");
    }

    @Test
    void failingSupplementKeepsTheMainOutputAndSaysWhatFailed() {
        DefaultRendererRegistry registry = new DefaultRendererRegistry();
        registry.register(LineChart.class, (chart, out) -> out.put(MimeBundle.TEXT_HTML, "<b>kept</b>"));
        registry.registerSupplement(LineChart.class.getName(), (chart, out) -> {
            out.put(PLOT, "half done");
            throw new IllegalStateException("no axes");
        });
        registry.registerSupplement(LineChart.class.getName(), (chart, out) -> out.put("image/svg+xml", "<svg/>"));

        MimeBundle bundle = registry.render(new LineChart());

        assertEquals("<b>kept</b>", bundle.data().get(MimeBundle.TEXT_HTML));
        assertFalse(bundle.data().containsKey(PLOT));
        assertEquals("<svg/>", bundle.data().get("image/svg+xml"));
        assertTrue(bundle.data().get(MimeBundle.TEXT_PLAIN).toString().contains("no axes"));
    }

    @Test
    void registeringAnotherRendererLaterKeepsSupplements() {
        DefaultRendererRegistry registry = new DefaultRendererRegistry();
        registry.registerSupplement(LineChart.class.getName(), (chart, out) -> out.put(PLOT, "p"));
        registry.render(new LineChart());
        registry.register(Chart.class, (chart, out) -> out.put(MimeBundle.TEXT_HTML, "h"));
        MimeBundle bundle = registry.render(new LineChart());
        assertEquals("p", bundle.data().get(PLOT));
        assertEquals("h", bundle.data().get(MimeBundle.TEXT_HTML));
    }
}
