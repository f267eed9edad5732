package io.djlkernel.kernel.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.djlkernel.api.display.Display;
import io.djlkernel.api.display.DisplayPublisher;
import io.djlkernel.api.display.MimeBundle;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.VarSnippet;
import org.junit.jupiter.api.Test;

/**
 * Runs the code cells of notebooks/getting-started.ipynb through JShell in this JVM, with Display bound to the
 * kernel's registry, the way the kernel will (a cell split into snippets; the last expression rendered). It
 * guards the notebook before the kernel's end-to-end nbclient run exists, and on every JDK the build uses.
 */
public class GettingStartedCellsTest {
    /** The value of the cell's last expression, handed over from the snippet. */
    public static volatile Object last;

    private final List<String> events = new ArrayList<>();
    private final List<MimeBundle> shown = new ArrayList<>();

    @Test
    void everyCellRuns() throws Exception {
        DefaultRendererRegistry registry = new DefaultRendererRegistry();
        Display.bind(new DisplayPublisher() {
            @Override
            public void display(MimeBundle bundle, String displayId) {
                events.add("display");
                shown.add(bundle);
            }

            @Override
            public void update(MimeBundle bundle, String displayId) {
                events.add("update");
                shown.add(bundle);
            }

            @Override
            public void clearOutput(boolean wait) {
                events.add("clear");
            }
        }, registry);

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        List<String> failures = new ArrayList<>();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        System.setOut(out); // local execution: snippets print to this JVM's System.out
        System.setErr(out);
        try (JShell js = JShell.builder().executionEngine("local").out(out).err(out).build()) {
            for (Class<?> c : List.of(Display.class, DefaultRendererRegistry.class, GettingStartedCellsTest.class)) {
                js.addToClasspath(location(c));
            }
            run(js, "import static io.djlkernel.api.display.Display.*;", failures);
            int n = 0;
            for (String cell : codeCells()) {
                n++;
                Snippet lastSnippet = null;
                String rest = cell;
                while (!rest.isBlank()) {
                    SourceCodeAnalysis.CompletionInfo info = js.sourceCodeAnalysis().analyzeCompletion(rest);
                    if (!info.completeness().isComplete()) {
                        failures.add("cell " + n + " is incomplete: " + rest);
                        break;
                    }
                    lastSnippet = run(js, info.source(), failures);
                    rest = info.remaining();
                }
                String name = null;
                if (lastSnippet instanceof VarSnippet
                        && lastSnippet.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND) {
                    name = ((VarSnippet) lastSnippet).name();
                } else if (lastSnippet instanceof ExpressionSnippet) {
                    name = ((ExpressionSnippet) lastSnippet).name();
                }
                if (name != null) {
                    run(js, GettingStartedCellsTest.class.getName() + ".last = " + name + ";", failures);
                    events.add("result");
                    shown.add(registry.render(last));
                }
            }
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        assertEquals(List.of(), failures, "output:\n" + printed.toString(StandardCharsets.UTF_8));

        String output = printed.toString(StandardCharsets.UTF_8);
        assertTrue(output.contains("Hello from the thread worker-1"), output);
        assertTrue(shown.stream().anyMatch(b -> b.data().containsKey(MimeBundle.IMAGE_PNG)), "an image");
        assertTrue(shown.stream().anyMatch(b -> b.data().containsKey(MimeBundle.TEXT_MARKDOWN)), "markdown");
        assertTrue(shown.stream().anyMatch(b -> b.data().containsKey(MimeBundle.TEXT_HTML)), "html");
        assertTrue(events.stream().filter("update"::equals).count() >= 5, events.toString());
        assertTrue(shown.stream().anyMatch(b -> String.valueOf(b.data().get(MimeBundle.TEXT_PLAIN))
                .endsWith("... (900 more)]")), "a bounded collection");
    }

    private static Snippet run(JShell js, String source, List<String> failures) {
        List<SnippetEvent> events = js.eval(source);
        for (SnippetEvent e : events) {
            if (e.exception() != null) failures.add(source + "\n  threw " + e.exception());
            if (e.status() == Snippet.Status.REJECTED) {
                js.diagnostics(e.snippet()).forEach(d -> failures.add(source + "\n  " + d.getMessage(Locale.ROOT)));
            }
        }
        return events.isEmpty() ? null : events.get(0).snippet();
    }

    private static List<String> codeCells() throws Exception {
        JsonObject nb = JsonParser.parseString(
                Files.readString(Path.of("..", "notebooks", "getting-started.ipynb"))).getAsJsonObject();
        List<String> cells = new ArrayList<>();
        for (JsonElement c : nb.getAsJsonArray("cells")) {
            JsonObject cell = c.getAsJsonObject();
            if (!cell.get("cell_type").getAsString().equals("code")) continue;
            StringBuilder source = new StringBuilder();
            for (JsonElement line : cell.getAsJsonArray("source")) source.append(line.getAsString());
            cells.add(source.toString());
        }
        return cells;
    }

    private static String location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
