package io.djlkernel.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.djlkernel.api.display.MimeBundle;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.api.LinePlot;
import tech.tablesaw.plotly.components.Axis;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.traces.BarTrace;
import tech.tablesaw.plotly.traces.HeatmapTrace;
import tech.tablesaw.plotly.traces.HistogramTrace;
import tech.tablesaw.plotly.traces.PieTrace;
import tech.tablesaw.plotly.traces.ScatterTrace;

/** Real tablesaw-jsplot figures (the version in the root pom), converted and drawn. */
class PlotlyFiguresTest {

    @Test
    @SuppressWarnings("unchecked")
    void linePlotBecomesPlotlyJsonWithModernTitlesAndItsPoints() {
        Table table = Table.create("sin", DoubleColumn.create("x", 0, 1, 2, 3), DoubleColumn.create("y", 0, 0.84, 0.91, 0.14));
        Figure figure = LinePlot.create("Sine \"wave\"", table, "x", "y");

        Map<String, Object> plotly = PlotlyFigures.toPlotly(figure);

        List<Object> data = (List<Object>) plotly.get("data");
        assertEquals(1, data.size());
        Map<String, Object> trace = (Map<String, Object>) data.get(0);
        assertEquals("scatter", trace.get("type"));
        assertEquals("lines", trace.get("mode"));
        assertEquals(4, ((List<?>) trace.get("y")).size());
        assertEquals(0.91, SvgPlot.number(((List<?>) trace.get("y")).get(2)));
        Map<String, Object> layout = (Map<String, Object>) plotly.get("layout");
        assertEquals(Map.of("text", "Sine \"wave\""), layout.get("title"));
        assertEquals(Map.of("text", "x"), ((Map<String, Object>) layout.get("xaxis")).get("title"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyTraceKindIsReadEvenWhereTheWholeFiguresScriptIsBroken() {
        double[] y = {4, 5, 6.5};
        Figure figure = new Figure(Layout.builder().title("mixed").build(),
                ScatterTrace.builder(new double[] {1, 2, 3}, y).mode(ScatterTrace.Mode.MARKERS).name("pts").build(),
                BarTrace.builder(new String[] {"a", "b", "c"}, y).build(),
                HistogramTrace.builder(y).build(),
                // tablesaw 0.43 names this trace0 in the figure's script whatever its index
                HeatmapTrace.builder(new Object[] {"a", "b"}, new Object[] {"c", "d"}, new double[][] {{1, 2}, {3, 4}}).build());

        List<Object> data = (List<Object>) PlotlyFigures.toPlotly(figure).get("data");

        List<Object> types = new ArrayList<>();
        for (Object t : data) types.add(((Map<String, Object>) t).get("type"));
        assertEquals(List.of("scatter", "bar", "histogram", "heatmap"), types);
        assertEquals("pts", ((Map<String, Object>) data.get(0)).get("name"));
        assertFalse(((Map<String, Object>) data.get(1)).containsKey("name"), "empty names are left to plotly");
        assertEquals(List.of(List.of(1.0, 2.0), List.of(3.0, 4.0)), ((Map<String, Object>) data.get(3)).get("z"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void stringBooleansAndRangesBecomeWhatPlotlyExpects() {
        Layout layout = Layout.builder().xAxis(Axis.builder().range(0, 10).build()).build();
        Figure figure = new Figure(layout, ScatterTrace.builder(new double[] {1}, new double[] {2}).build());
        Map<String, Object> xaxis = (Map<String, Object>) ((Map<String, Object>) PlotlyFigures.toPlotly(figure).get("layout")).get("xaxis");
        assertEquals(List.of(0.0, 10.0), xaxis.get("range"));
        assertEquals(false, xaxis.get("autorange"));
    }

    @Test
    void addToFillsPlotlySvgAndTextOrOnlyWhatIsWanted() throws Exception {
        Figure figure = new Figure(ScatterTrace.builder(new double[] {1, 2}, new double[] {3, 4}).build());
        MimeBundle all = new MimeBundle();
        PlotlyFigures.addTo(figure, all);
        assertEquals(Set.of(PlotlyFigures.PLOTLY_MIME, PlotlyFigures.SVG_MIME, MimeBundle.TEXT_PLAIN), all.data().keySet());
        assertEquals("<Figure: 1 trace (scatter)>", all.data().get(MimeBundle.TEXT_PLAIN));

        MimeBundle htmlOnly = MimeBundle.requesting(MimeBundle.TEXT_HTML);
        PlotlyFigures.addTo(figure, htmlOnly);
        assertEquals(Set.of(MimeBundle.TEXT_PLAIN), htmlOnly.data().keySet());
    }

    @Test
    void notAFigureIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PlotlyFigures.toPlotly("text"));
        assertTrue(e.getMessage().contains("not a tablesaw figure: java.lang.String"), e.getMessage());
    }

    @Test
    void svgDrawsTheLineThroughItsPointsWithAxesTitleAndLegend() throws Exception {
        Figure figure = new Figure(Layout.builder().title("Two lines").xAxis(Axis.builder().title("epoch").build()).build(),
                ScatterTrace.builder(new double[] {0, 1, 2, 3}, new double[] {1, 3, 2, 4}).mode(ScatterTrace.Mode.LINE).name("train").build(),
                ScatterTrace.builder(new double[] {0, 1, 2, 3}, new double[] {0, 1, 1, 2}).mode(ScatterTrace.Mode.LINE_AND_MARKERS).name("test").build());

        Document svg = parse(SvgPlot.render(PlotlyFigures.toPlotly(figure)));

        List<Element> lines = byClass(svg, "path", "line");
        assertEquals(2, lines.size());
        List<double[]> points = pathPoints(lines.get(0).getAttribute("d"));
        assertEquals(4, points.size());
        for (int i = 1; i < points.size(); i++) assertTrue(points.get(i)[0] > points.get(i - 1)[0], "x grows left to right");
        // y = 1, 3, 2, 4: SVG y grows downwards
        assertTrue(points.get(1)[1] < points.get(0)[1] && points.get(2)[1] > points.get(1)[1] && points.get(3)[1] < points.get(1)[1]);
        assertEquals(4, byClass(svg, "circle", "point").size(), "markers only for the lines+markers trace");
        assertEquals("Two lines", byClass(svg, "text", "title").get(0).getTextContent());
        assertEquals("epoch", byClass(svg, "text", "xtitle").get(0).getTextContent());
        List<String> legend = new ArrayList<>();
        for (Element e : byClass(svg, "text", "legend-label")) legend.add(e.getTextContent());
        assertEquals(List.of("train", "test"), legend);
        List<String> yTicks = new ArrayList<>();
        for (Element e : byClass(svg, "text", "ytick-label")) yTicks.add(e.getTextContent());
        assertTrue(yTicks.contains("0") && yTicks.contains("4"), yTicks.toString());
        assertTrue(byClass(svg, "text", "not-drawn").isEmpty());
    }

    @Test
    void svgDrawsBarsAndHistogramsAndNamesWhatItCannotDraw() throws Exception {
        Figure bars = new Figure(BarTrace.builder(new String[] {"cat", "dog", "emu"}, new double[] {3, 1, 2}).build());
        Document barSvg = parse(SvgPlot.render(PlotlyFigures.toPlotly(bars)));
        List<Element> rects = byClass(barSvg, "rect", "bar");
        assertEquals(3, rects.size());
        double h0 = Double.parseDouble(rects.get(0).getAttribute("height"));
        double h1 = Double.parseDouble(rects.get(1).getAttribute("height"));
        double h2 = Double.parseDouble(rects.get(2).getAttribute("height"));
        assertEquals(3.0, h0 / h1, 0.01);
        assertEquals(2.0, h2 / h1, 0.01);
        List<String> categories = new ArrayList<>();
        for (Element e : byClass(barSvg, "text", "xtick-label")) categories.add(e.getTextContent());
        assertEquals(List.of("cat", "dog", "emu"), categories);

        Figure histogram = new Figure(HistogramTrace.builder(new double[] {1, 1, 1, 2, 9}).nBinsX(4).build());
        List<Element> bins = byClass(parse(SvgPlot.render(PlotlyFigures.toPlotly(histogram))), "rect", "bar");
        assertEquals(4, bins.size());
        assertTrue(Double.parseDouble(bins.get(0).getAttribute("height")) > Double.parseDouble(bins.get(3).getAttribute("height")));

        Figure pie = new Figure(PieTrace.builder(new String[] {"a", "b"}, new double[] {1, 2}).build());
        Document pieSvg = parse(SvgPlot.render(PlotlyFigures.toPlotly(pie)));
        assertTrue(byClass(pieSvg, "text", "not-drawn").get(0).getTextContent().contains("pie"));
    }

    @Test
    void svgHeatmapColoursCellsByValue() throws Exception {
        Figure heat = new Figure(HeatmapTrace.builder(new Object[] {"a", "b"}, new Object[] {"c", "d"},
                new double[][] {{1, 2}, {3, 4}}).build());
        List<Element> cells = byClass(parse(SvgPlot.render(PlotlyFigures.toPlotly(heat))), "rect", "cell");
        assertEquals(4, cells.size());
        Set<String> fills = new java.util.HashSet<>();
        for (Element c : cells) fills.add(c.getAttribute("fill"));
        assertEquals(4, fills.size());
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        assertNotNull(doc.getDocumentElement().getAttribute("viewBox"));
        return doc;
    }

    private static List<Element> byClass(Document doc, String tag, String cls) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = doc.getElementsByTagNameNS("*", tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            if (List.of(e.getAttribute("class").split(" ")).contains(cls)) found.add(e);
        }
        return found;
    }

    private static List<double[]> pathPoints(String d) {
        List<double[]> points = new ArrayList<>();
        for (String part : d.split("(?=[ML])")) {
            String[] xy = part.substring(1).split(",");
            points.add(new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])});
        }
        return points;
    }
}
