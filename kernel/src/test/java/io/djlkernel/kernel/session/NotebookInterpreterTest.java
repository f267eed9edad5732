package io.djlkernel.kernel.session;

import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.api.display.RendererRegistry;
import io.djlkernel.kernel.eval.EvalException;
import io.djlkernel.kernel.eval.EvalResult;
import io.djlkernel.kernel.eval.JShellInterpreter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NotebookInterpreterTest {
    private static final RendererRegistry registry = new io.djlkernel.kernel.display.DefaultRendererRegistry();
    private static NotebookInterpreter notebook;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeAll
    static void start() {
        notebook = new NotebookInterpreter(new JShellInterpreter(), registry, null);
    }

    @AfterAll
    static void stop() {
        notebook.close();
    }

    @BeforeEach
    void captureOutput() {
        originalOut = System.out;
        originalErr = System.err;
        PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
    }

    @AfterEach
    void restoreOutput() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    private String output() {
        return captured.toString(StandardCharsets.UTF_8);
    }

    private Object value(String code) throws EvalException {
        EvalResult result = notebook.eval(code);
        assertTrue(result.hasValue(), "no value from " + code);
        return result.value();
    }

    @Test
    void lsmagicListsEveryMagicWithHelp() throws Exception {
        String listing = value("%lsmagic").toString();
        for (String name : List.of("%time", "%%time", "%timeit", "%env", "%system", "%sh", "%%bash", "%%html",
                "%%markdown", "%who", "%load", "%lsmagic")) {
            assertTrue(listing.contains(name), name + " missing from\n" + listing);
        }
        assertTrue(value("%time --help").toString().contains("wall"));
    }

    @Test
    void unknownMagicNamesTheClosestOnes() {
        EvalException e = assertThrows(EvalException.class, () -> notebook.eval("%tmie 1+1"));
        assertEquals("MagicError", e.ename());
        assertTrue(e.evalue().contains("Did you mean") && e.evalue().contains("%time"), e.evalue());
        EvalException cell = assertThrows(EvalException.class, () -> notebook.eval("%%htm\n<b>x</b>"));
        assertTrue(cell.evalue().contains("%%html"), cell.evalue());
    }

    @Test
    void timeReportsAndReturnsTheValue() throws Exception {
        assertEquals(2, value("%time 1 + 1"));
        assertTrue(output().contains("Wall time:"), output());
        assertEquals(6, value("%%time\nint a = 2;\na * 3"));
        assertTrue(output().contains("CPU time"));
    }

    @Test
    void timeitTimesExpressionsAndStatements() throws Exception {
        String expr = value("%timeit -n 100 -r 3 Math.sqrt(2)").toString();
        assertTrue(expr.contains("per loop (mean ± std. dev. of 3 runs, 100 loops each)"), expr);
        String stmt = value("%timeit -n 10 -r 2 int z = 1;").toString();
        assertTrue(stmt.contains("10 loops each"), stmt);
        assertThrows(EvalException.class, () -> notebook.eval("%timeit -n ten 1"));
    }

    @Test
    void shellMagicsStreamAndReturnLines() throws Exception {
        notebook.eval("%system echo hello-from-bash");
        assertTrue(output().contains("hello-from-bash"));
        Object lines = value("var out = %system printf 'a\\nb\\n';\nout.get(0) + out.get(1)");
        assertEquals("ab", lines);
        notebook.eval("%sh exit 4");
        assertTrue(output().contains("(exit code 4)"));
        EvalException e = assertThrows(EvalException.class, () -> notebook.eval("%%bash\necho partial\nexit 3"));
        assertTrue(e.evalue().contains("code 3"));
        notebook.eval("%env DJL_KERNEL_TEST_VAR=42");
        notebook.eval("%system echo value=$DJL_KERNEL_TEST_VAR");
        assertTrue(output().contains("value=42"), output());
        assertEquals("42", value("%env DJL_KERNEL_TEST_VAR"));
    }

    @Test
    void aMagicUsedAsAValueGetsItsDeclaredType(@TempDir Path dir) throws Exception {
        try (var jar = new java.util.jar.JarOutputStream(Files.newOutputStream(dir.resolve("tiny.jar")))) {
            jar.putNextEntry(new java.util.zip.ZipEntry("tiny.txt"));
        }
        Object name = value("var jars = %jars " + dir + "/*.jar;\njars.get(0).getFileName().toString()");
        assertEquals("tiny.jar", name);
    }

    @Test
    void htmlMarkdownAndWho() throws Exception {
        MimeBundle html = (MimeBundle) value("%%html\n<b>bold</b>");
        assertEquals("<b>bold</b>\n".strip(), html.data().get("text/html").toString().strip());
        MimeBundle md = (MimeBundle) value("%%markdown\n# Title");
        assertTrue(md.data().containsKey("text/markdown"));
        notebook.eval("double whoProbe = 1.5;");
        MimeBundle who = (MimeBundle) value("%who");
        assertTrue(who.data().get("text/plain").toString().contains("whoProbe"));
        assertTrue(who.data().get("text/plain").toString().contains("double"));
    }

    @Test
    void magicLinesKeepJavaLineNumbers() {
        EvalException e = assertThrows(EvalException.class,
                () -> notebook.eval("int m1 = 1;\n%time int m2 = 2;\nint m3 = notDeclared;"));
        assertTrue(String.join("\n", e.traceback()).contains("line 3"), String.join("\n", e.traceback()));
    }

    @Test
    void loadRunsFilesAndNotebooksRelativeToThem(@TempDir Path dir) throws Exception {
        Path utils = Files.createDirectories(dir.resolve("utils"));
        Files.writeString(utils.resolve("helpers.jsh"), "int loadedTwice(int x) { return 2 * x; }");
        Files.writeString(utils.resolve("setup.ipynb"), "{\"cells\":[{\"cell_type\":\"markdown\",\"source\":[\"# hi\"]},"
                + "{\"cell_type\":\"code\",\"source\":[\"%load helpers\\n\",\"int fromNotebook = loadedTwice(21);\"]}],"
                + "\"metadata\":{},\"nbformat\":4,\"nbformat_minor\":5}");
        notebook.setWorkingDirectory(dir);
        try {
            notebook.eval("%load utils/setup.ipynb");
            assertEquals(42, value("fromNotebook"));
            EvalException e = assertThrows(EvalException.class, () -> notebook.eval("%load nothing/here"));
            assertTrue(e.evalue().contains("tried"), e.evalue());
        } finally {
            notebook.setWorkingDirectory(Path.of("").toAbsolutePath());
        }
    }

    @Test
    void extensionsRegisterMagicsRenderersAndListeners() throws Exception {
        int before = ExampleExtension.CELLS_SEEN.get();
        assertEquals("HELLO", value("%shout hello"));
        assertTrue(ExampleExtension.CELLS_SEEN.get() > before);
        Object t = value("new io.djlkernel.kernel.session.ExampleExtension.Temperature(21.5)");
        assertEquals("<b>21.5 °C</b>", registry.render(t).data().get("text/html"));
        assertTrue(notebook.magicNames().contains("%shout"));
    }

    @Test
    void aQuestionMarkAsksForHelpInThePager() throws Exception {
        Object help = value("Math.max?");
        assertTrue(help instanceof io.djlkernel.kernel.eval.PagedHelp, String.valueOf(help));
        assertTrue(((io.djlkernel.kernel.eval.PagedHelp) help).text().contains("max("));
        assertTrue(((io.djlkernel.kernel.eval.PagedHelp) value("%time?")).text().contains("wall time"));
        EvalException e = assertThrows(EvalException.class, () -> notebook.eval("noSuchThing?"));
        assertEquals("NameError", e.ename());
    }

    @Test
    void completionOffersMagicNames() {
        var c = notebook.complete("%ti", 3);
        assertTrue(c.matches().contains("%time") && c.matches().contains("%timeit"), c.matches().toString());
        assertEquals(0, c.cursorStart());
        assertFalse(notebook.complete("int q = 1;\n%%ht", 16).matches().isEmpty());
    }
}
