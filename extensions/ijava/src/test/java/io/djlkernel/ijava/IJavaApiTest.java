package io.djlkernel.ijava;

import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.api.display.Renderer;
import io.djlkernel.api.display.RendererRegistry;
import io.djlkernel.api.magic.CellMagic;
import io.djlkernel.api.magic.LineMagic;
import io.djlkernel.api.magic.MagicRegistry;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.DisplayDataRenderable;
import io.github.spencerpark.jupyter.kernel.display.RenderContext;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import io.github.spencerpark.jupyter.kernel.magic.common.Shell;
import io.github.spencerpark.jupyter.kernel.magic.registry.Magics;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The IJava API over a registry and magics that behave like the kernel's (lookup by class, then interfaces). */
class IJavaApiTest {
    /** The kernel's registry contract in small: most specific class, then interfaces; text/plain always. */
    static final class Registry implements RendererRegistry {
        final Map<Class<?>, Renderer<?>> renderers = new HashMap<>();

        @Override
        public <T> void register(Class<T> type, Renderer<? super T> renderer) {
            renderers.put(type, renderer);
        }

        @Override
        public MimeBundle render(Object value) {
            return render(value, new MimeBundle());
        }

        @Override
        public MimeBundle render(Object value, String... mimeTypes) {
            if (mimeTypes.length == 0) return render(value);
            return render(value, MimeBundle.requesting(mimeTypes)).only(mimeTypes);
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private MimeBundle render(Object value, MimeBundle out) {
            Renderer r = null;
            for (Class<?> c = value.getClass(); c != null && r == null; c = c.getSuperclass()) r = renderers.get(c);
            for (Class<?> i : value.getClass().getInterfaces()) if (r == null) r = renderers.get(i);
            if (r != null) r.render(value, out);
            if (!out.data().containsKey(MimeBundle.TEXT_PLAIN)) out.put(MimeBundle.TEXT_PLAIN, String.valueOf(value));
            return out;
        }
    }

    static final class MagicTable implements MagicRegistry {
        final Map<String, LineMagic> lines = new HashMap<>();
        final Map<String, CellMagic> cells = new HashMap<>();

        @Override
        public void registerLine(String name, String summary, String usage, LineMagic magic) {
            lines.put(name, magic);
        }

        @Override
        public void registerCell(String name, String summary, String usage, CellMagic magic) {
            cells.put(name, magic);
        }
    }

    record Point(int x, int y) {
    }

    private final Registry registry = new Registry();
    private final io.github.spencerpark.jupyter.kernel.display.Renderer renderer =
            new io.github.spencerpark.jupyter.kernel.display.Renderer(registry);

    @Test
    void aRegistrationLikeD2lsPlotUtilsRendersItsPreferredTypeFromTheNextOutputOn() {
        assertEquals(Set.of("text/plain"), registry.render(new Point(1, 2)).data().keySet());
        renderer.createRegistration(Point.class)
                .preferring(MIMEType.TEXT_HTML)
                .register((p, ctx) -> ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> "<b>" + p.x() + "</b>"));
        MimeBundle shown = registry.render(new Point(1, 2));
        assertEquals("<b>1</b>", shown.data().get("text/html"));
        assertEquals("Point[x=1, y=2]", shown.data().get("text/plain"), "text/plain stays as a fallback");
    }

    @Test
    void supportedTypesAreRenderedOnlyWhenAskedFor() {
        int[] pngRenders = {0};
        renderer.createRegistration(Point.class)
                .preferring(MIMEType.TEXT_HTML)
                .supporting(MIMEType.IMAGE_PNG)
                .register((p, ctx) -> {
                    ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> "<i>p</i>");
                    ctx.renderIfRequested(MIMEType.IMAGE_PNG, () -> {
                        pngRenders[0]++;
                        return "iVBOR";
                    });
                });
        assertFalse(registry.render(new Point(0, 0)).data().containsKey("image/png"));
        assertEquals(0, pngRenders[0], "a supported type nobody asked for is not computed");
        MimeBundle png = registry.render(new Point(0, 0), "image/png");
        assertEquals("iVBOR", png.data().get("image/png"));
        assertFalse(png.data().containsKey("text/html"));
        DisplayData viaApi = renderer.renderAs(new Point(0, 0), "image/png");
        assertEquals("iVBOR", viaApi.getData(MIMEType.IMAGE_PNG));
        assertEquals("Point[x=0, y=0]", viaApi.getData(MIMEType.TEXT_PLAIN), "renderAs keeps the plain fallback");
    }

    @Test
    void onTypeAndOnlyForAddTypesAndSeveralFunctionsPerTypeAllRun() {
        record Other(String s) {
        }
        renderer.createRegistration(Object.class).onType(Point.class).onlyFor(Other.class)
                .preferring("text/markdown")
                .register((v, ctx) -> ctx.renderIfRequested(MIMEType.TEXT_MARKDOWN, () -> "**" + v + "**"));
        renderer.createRegistration(Point.class).preferring(MIMEType.TEXT_LATEX)
                .register((p, ctx) -> ctx.renderIfRequested(MIMEType.TEXT_LATEX, () -> "$x$"));
        MimeBundle point = registry.render(new Point(1, 1));
        assertEquals("**Point[x=1, y=1]**", point.data().get("text/markdown"));
        assertEquals("$x$", point.data().get("text/latex"));
        assertEquals("**Other[s=a]**", registry.render(new Other("a")).data().get("text/markdown"));
    }

    @Test
    void aFunctionWithoutDeclaredTypesAnswersWhatIsAsked() {
        renderer.createRegistration(Point.class).register((p, ctx) -> {
            ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> "<p>html</p>");
            ctx.renderIfRequested(MIMEType.APPLICATION_JSON, type -> Map.of("x", p.x()));
        });
        MimeBundle html = registry.render(new Point(5, 0), "text/html");
        assertEquals("<p>html</p>", html.data().get("text/html"));
        MimeBundle json = registry.render(new Point(5, 0), "application/json");
        assertEquals(Map.of("x", 5), json.data().get("application/json"));
    }

    @Test
    void displayDataAndRenderablesShowAsTheyAre() {
        DisplayData data = new DisplayData("plain");
        data.putHTML("<i>it</i>");
        data.putMarkdown("*it*");
        data.putJSON("{\"a\": [1, 2]}", true);
        data.setDisplayId("my-id");
        MimeBundle shown = registry.render(data);
        assertEquals(List.of("text/plain", "text/html", "text/markdown", "application/json"), List.copyOf(shown.data().keySet()));
        assertEquals("[1,2]", ((com.google.gson.JsonObject) shown.data().get("application/json")).get("a").toString());
        assertEquals(Map.of("expanded", true), shown.metadata().get("application/json"));
        assertEquals("my-id", data.getDisplayId());
        assertThrows(IllegalArgumentException.class, () -> new DisplayData().putJSON("{not json"));

        DisplayDataRenderable renderable = new DisplayDataRenderable() {
            @Override
            public Set<MIMEType> getPreferredRenderTypes() {
                return Set.of(MIMEType.TEXT_HTML);
            }

            @Override
            public void render(RenderContext context) {
                context.renderIfRequested(MIMEType.TEXT_HTML, () -> "<u>self</u>");
                context.renderIfRequested(MIMEType.TEXT_MARKDOWN, () -> "_self_");
            }
        };
        MimeBundle self = registry.render(renderable);
        assertEquals("<u>self</u>", self.data().get("text/html"));
        assertFalse(self.data().containsKey("text/markdown"), "only the preferred type unless asked");
        assertEquals("_self_", registry.render(renderable, "text/markdown").data().get("text/markdown"));
    }

    @Test
    void mimeTypesParseLikeIJavasAndMatchWildcards() {
        MIMEType plotly = MIMEType.parse("application/vnd.plotly.v1+json; charset=utf-8");
        assertEquals("application", plotly.getGroup());
        assertEquals("vnd", plotly.getTree());
        assertEquals("plotly.v1", plotly.getSubtype());
        assertEquals("json", plotly.getSuffix());
        assertEquals("application/vnd.plotly.v1+json", plotly.toString());
        assertEquals(MIMEType.IMAGE_SVG, MIMEType.parse("IMAGE/SVG+XML"));
        assertTrue(MIMEType.parse("image/*").matches(MIMEType.IMAGE_PNG));
        assertTrue(MIMEType.ANY.matches(MIMEType.TEXT_HTML));
        assertFalse(MIMEType.TEXT_HTML.matches(MIMEType.TEXT_PLAIN));
        for (String bad : new String[]{"html", "text/", "/html", "a/b/c", "text/ html"}) {
            assertThrows(IllegalArgumentException.class, () -> MIMEType.parse(bad), bad);
        }
        assertEquals(MIMEType.TEXT_HTML, org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_HTML,
                "JJava's constants are IJava's types");
    }

    public static class Greetings {
        private final String greeting;

        public Greetings(String greeting) {
            this.greeting = greeting;
        }

        @io.github.spencerpark.jupyter.kernel.magic.registry.LineMagic(aliases = {"hey"})
        public String hello(List<String> args) {
            return greeting + " " + String.join("+", args);
        }

        @io.github.spencerpark.jupyter.kernel.magic.registry.CellMagic("shout")
        public String loud(List<String> args, String body) {
            return args + body.toUpperCase();
        }

        @io.github.spencerpark.jupyter.kernel.magic.registry.LineMagic
        @io.github.spencerpark.jupyter.kernel.magic.registry.CellMagic
        public String both(List<String> args, String body) {
            return body == null ? "line " + args : "cell " + args + " " + body;
        }
    }

    @Test
    void annotatedMagicsBecomeKernelMagicsWithShellLikeArguments() throws Exception {
        MagicTable table = new MagicTable();
        Magics magics = new Magics(table, null);
        magics.registerMagics(new Greetings("hi"));
        assertEquals("hi a+b c", table.lines.get("hello").run("a \"b c\"", null));
        assertEquals("hi x", table.lines.get("hey").run("x", null), "aliases register too");
        assertEquals("[-v]BODY", table.cells.get("shout").run("-v", "body", null));
        assertEquals("line [1]", table.lines.get("both").run("1", null));
        assertEquals("cell [1] b", table.cells.get("both").run("1", "b", null));
        assertThrows(IllegalArgumentException.class, () -> magics.registerMagics(Greetings.class),
                "instance methods need an instance: the error says so");

        magics.registerMagics(Shell.class);
        assertEquals(List.of("one two"), table.lines.get("sh").run("echo \"one two\"", null));
        magics.registerLineMagic("up", args -> String.join(" ", args).toUpperCase());
        assertEquals("A B", table.lines.get("up").run("a b", null));
    }

    @Test
    void magicCallsQuoteEachArgumentSoTheKernelSplitsThemBack() {
        String line = MagicCalls.quoted(List.of("a b", "say \"hi\"", "back\\slash", ""));
        assertEquals(List.of("a b", "say \"hi\"", "back\\slash", ""), io.djlkernel.api.magic.MagicArgs.split(line));
        assertThrows(IllegalArgumentException.class, () -> MagicCalls.quoted(List.of("two\nlines")));
    }

    @Test
    void outsideAKernelTheApiSaysSo() {
        IllegalStateException e = assertThrows(IllegalStateException.class, io.github.spencerpark.ijava.IJava::getKernelInstance);
        assertTrue(e.getMessage().contains("inside a running djl-kernel"), e.getMessage());
        assertNull(DisplayData.emptyIfNull(null).getDisplayId());
    }
}
