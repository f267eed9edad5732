package io.djlkernel.kernel.eval;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cells compiled in one javac task (see {@link FastCells}) behave as JShell's snippets do: variables live on, later
 * cells and JShell's own declarations see them, errors point at cell lines. Each test says which path a cell takes
 * through the interpreter's usage counters, so a path that silently stopped working fails here.
 */
class FastCellsTest {
    private static JShellInterpreter java;

    @BeforeAll
    static void start() throws InterruptedException {
        java = new JShellInterpreter();
        java.warmUpCellCompiler(); // as the kernel does
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!java.compilesInOneTask() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(java.compilesInOneTask(), "the one-task compiler never got ready");
    }

    @AfterAll
    static void stop() {
        java.close();
    }

    /** Cells this path ran, in one javac task or two. */
    private static int withoutJShell() {
        return counter("in_one_task") + counter("in_two_tasks");
    }

    private static int throughJShell() {
        return counter("through_jshell");
    }

    @SuppressWarnings("unchecked")
    private static int counter(String name) {
        return (Integer) ((Map<String, Object>) java.usageFields().get("cells_compiled")).get(name);
    }

    /** Runs a cell that must compile without JShell; returns its value (null when it shows none). */
    private static Object fast(String code) throws EvalException {
        int before = withoutJShell();
        EvalResult result = java.eval(code);
        assertEquals(before + 1, withoutJShell(), "not compiled without JShell: " + code);
        return result.hasValue() ? result.value() : null;
    }

    /** Runs a cell that must compile in a single javac task. */
    private static Object oneTask(String code) throws EvalException {
        int before = counter("in_one_task");
        Object value = fast(code);
        assertEquals(before + 1, counter("in_one_task"), "took a second task: " + code);
        return value;
    }

    private static Object throughJShell(String code) throws EvalException {
        int before = throughJShell();
        EvalResult result = java.eval(code);
        assertEquals(before + 1, throughJShell(), "expected JShell to run: " + code);
        return result.hasValue() ? result.value() : null;
    }

    @Test
    void everydayCellsCompileInOneTaskAndTheirVariablesLiveOn() throws Exception {
        assertEquals(2, fast("1 + 1"));
        assertNull(fast("var names = new ArrayList<String>();\nnames.add(\"a\");"));
        assertEquals(List.of("a", "b"), fast("names.add(\"b\");\nnames"));
        assertEquals(3, fast("int total = names.size();\ntotal += 1;\ntotal"));
        assertEquals(6, fast("total * 2"));
        assertEquals("a", fast("var first = names.get(0); // a comment\nfirst"));
        assertNull(fast("System.out.print(\"\")"), "a void call shows nothing");
        assertNull(fast("for (int i = 0; i < 2; i++) total++;"));
        assertEquals(5, java.eval("total").value());
    }

    @Test
    void cellsThatDeclareVariablesTakeOneTaskWithInferredAndWrittenTypes() throws Exception {
        assertEquals(List.of(3, 4), oneTask("var grid = new ArrayList<List<Integer>>();\n"
                + "grid.add(List.of(3, 4));\nint rows = grid.size();\ngrid.get(rows - 1)"));
        assertEquals(5, oneTask("var cell = grid.get(0).get(1);\nrows += cell;\nrows"));
        assertEquals("Integer", java.variables().stream().filter(v -> v.name().equals("cell")).findFirst()
                .orElseThrow().type());
        assertEquals(6, oneTask("rows + 1"), "a later cell sees the variables with their types");
        // a use before the declaration is an earlier cell's variable, as in JShell's one snippet per line
        assertEquals(9, oneTask("int before = rows + cell;\nvar cell = \"text\";\nbefore + cell.length() - 4"));
        assertEquals("TEXT", oneTask("cell.toUpperCase()"));
    }

    @Test
    void variablesOfEveryKindOfTypeLiveOnAsFieldsOfTheirOneTask() throws Exception {
        oneTask("var counts = new int[]{1, 2};\ncounts[0] = 5;\nvar total = 7L;\ntotal += counts[0];\n"
                + "var letter = 'a';\nletter++;\nvar byName = new HashMap<String, List<Integer>>();\n"
                + "byName.put(\"k\", List.of(3));\nList<?> anything = List.of(\"x\");\nvar same = anything;\n"
                + "var entries = byName.entrySet().iterator();");
        assertEquals(5, oneTask("counts[0]"));
        assertEquals(12L, java.eval("total").value());
        assertEquals('b', java.eval("letter").value());
        assertEquals(3, oneTask("entries.next().getValue().get(0)"));
        assertEquals("x", oneTask("same.get(0)"));
        Map<String, String> types = new java.util.HashMap<>();
        java.variables().forEach(v -> types.put(v.name(), v.type()));
        assertEquals("int[]", types.get("counts"));
        assertEquals("long", types.get("total"));
        assertEquals("HashMap<String, List<Integer>>", types.get("byName"));
        assertEquals("List<?>", types.get("same"));
        assertEquals("Iterator<Map.Entry<String, List<Integer>>>", types.get("entries"));
        // JShell declares them with these types when it next compiles: a method that uses them
        assertEquals(12L, throughJShell("long sum() { return total + counts[1] - 2; }\nsum()"));
    }

    @Test
    void aFailingLineKeepsTheVariablesBeforeItWithTheirValues() throws Exception {
        EvalException e = assertThrows(EvalException.class,
                () -> java.eval("var kept = List.of(1, 2);\nvar failed = kept.get(5);\nvar never = 3;"));
        assertEquals("java.lang.IndexOutOfBoundsException", e.ename());
        assertEquals(List.of(1, 2), java.eval("kept").value());
        assertNull(java.eval("failed").value(), "declared, as JShell's snippet for that line is, with no value");
        assertEquals("CompilationException", assertThrows(EvalException.class, () -> java.eval("never")).ename());
    }

    @Test
    void aLambdaInTheDeclaringCellReadsTheVariableWhenItRuns() throws Exception {
        assertEquals(2, oneTask("var step = 1;\njava.util.function.IntSupplier doubled = () -> step * 2;\n"
                + "doubled.getAsInt()"));
        oneTask("step = 5;");
        assertEquals(10, oneTask("doubled.getAsInt()"), "the lambda reads the variable, not a copy");
        assertEquals(9, oneTask("var offset = 4;\njava.util.function.IntUnaryOperator shifted = "
                + "new java.util.function.IntUnaryOperator() {\n"
                + "    public int applyAsInt(int v) { return v + offset; }\n};\nshifted.applyAsInt(5)"));
        oneTask("offset = 9;");
        assertEquals(14, oneTask("shifted.applyAsInt(5)"), "an anonymous class reads it too");
    }

    @Test
    void aJarAddedLaterIsUsableAtOnceAndCellsStayOffJShell(@TempDir Path dir) throws Exception {
        Path source = Files.createDirectories(dir.resolve("src/added")).resolve("Tool.java");
        Files.writeString(source, "package added;\npublic class Tool { public static int twice(int v) { return 2 * v; } }\n");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        assertEquals(0, javax.tools.ToolProvider.getSystemJavaCompiler()
                .run(null, null, null, "-d", classes.toString(), source.toString()));
        Path jar = dir.resolve("added.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new ZipEntry("added/Tool.class"));
            out.write(Files.readAllBytes(classes.resolve("added/Tool.class")));
        }
        java.addToClasspath(List.of(jar));
        // the compiler of the old class path serves until the new one is warm
        assertEquals(3, fast("var plain = 3;\nplain"));
        assertEquals(8, java.eval("added.Tool.twice(4)").value(), "the new jar's classes work from the next cell on");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) { // then cells that use them compile in one task too
            int before = withoutJShell();
            assertEquals(6, java.eval("added.Tool.twice(plain)").value());
            if (withoutJShell() == before + 1) break;
            assertTrue(System.nanoTime() < deadline, "cells that use the new jar never left JShell");
            Thread.sleep(100);
        }
    }

    @Test
    void aLambdaReadsAVariableAsItIsWhenItRunsAsInJShell() throws Exception {
        assertNull(fast("int counter = 1;\ncounter++;\njava.util.function.IntSupplier read = () -> counter;"));
        assertEquals(2, fast("read.getAsInt()"));
        fast("counter = 10;");
        assertEquals(10, fast("read.getAsInt()"));
    }

    @Test
    void aVariableDeclaredAgainTakesItsNewTypeAndValue() throws Exception {
        fast("var again = 1;");
        fast("String again = \"now a string\";");
        assertEquals("NOW A STRING", fast("again.toUpperCase()"));
        Interpreter.Variable listed = java.variables().stream().filter(v -> v.name().equals("again")).findFirst()
                .orElseThrow();
        assertEquals("String", listed.type());
    }

    @Test
    void inferredTypesAreListedAsAPersonWritesThem() throws Exception {
        fast("var entry = Map.of(\"k\", List.of(1)).entrySet().iterator().next();");
        Interpreter.Variable listed = java.variables().stream().filter(v -> v.name().equals("entry")).findFirst()
                .orElseThrow();
        assertEquals("Map.Entry<String, List<Integer>>", listed.type());
        assertEquals(List.of(1), fast("entry.getValue()"));
    }

    @Test
    void jshellSeesTheVariablesWhenItNextCompiles() throws Exception {
        fast("int base = 40;\nvar label = \"answer\";");
        // a method is JShell's: the variables are declared in JShell first, with their values
        assertEquals("answer 42", throughJShell("String show(int plus) { return label + \" \" + (base + plus); }\nshow(2)"));
        assertEquals(41, fast("base + 1"));
        assertEquals("answer 43", fast("show(3)"));
    }

    @Test
    void completionAndInspectionKnowTheVariables() throws Exception {
        fast("var sentence = \"some words\";");
        Interpreter.Completion c = java.complete("sentence.toUpp", 14);
        assertTrue(c.matches().stream().anyMatch(m -> m.startsWith("toUpperCase")), c.matches().toString());
        fast("var later = List.of(1, 2);");
        Interpreter.Inspection inspected = java.inspect("later", 5, 0);
        assertTrue(inspected != null && inspected.signature().contains("later"), String.valueOf(inspected));
    }

    @Test
    void redeclaringAVariableAJShellMethodUsesGoesThroughJShellSoTheMethodSeesIt() throws Exception {
        fast("int factor = 2;");
        throughJShell("int scaled(int x) { return factor * x; }");
        throughJShell("int factor = 10;"); // the method was compiled against the old variable: JShell re-links it
        assertEquals(30, fast("scaled(3)"));
    }

    @Test
    void cellsThatDeclareClassesMethodsOrImportsStillGoThroughJShell() throws Exception {
        throughJShell("record Point(int x, int y) {}");
        assertEquals(3, fast("new Point(1, 2).x() + 2"));
        fast("var p = new Point(5, 6);");
        assertEquals(6, fast("p.y()"));
        throughJShell("import java.time.Duration;");
        assertEquals(60L, fast("Duration.ofMinutes(1).getSeconds()"));
        // an anonymous class's type cannot be written down: JShell declares that variable its own way
        assertEquals(7, throughJShell("var anon = new Object() { int seven = 7; };\nanon.seven"));
    }

    @Test
    void aFailingLineEndsTheCellAndPointsAtItsLine() throws Exception {
        EvalException e = assertThrows(EvalException.class,
                () -> java.eval("int beforeFailure = 1;\n\nObject missing = null;\nmissing.hashCode();\nint afterFailure = 2;"));
        assertEquals("java.lang.NullPointerException", e.ename());
        String trace = String.join("\n", e.traceback());
        assertTrue(trace.contains("cell (line 4)"), trace);
        assertFalse(trace.contains("REPL."), trace);
        assertEquals(1, java.eval("beforeFailure").value());
        assertEquals("CompilationException", assertThrows(EvalException.class, () -> java.eval("afterFailure")).ename());
    }

    @Test
    void aLambdaFromAnEarlierCellFailsWithThatCellsLine() throws Exception {
        fast("java.util.function.IntUnaryOperator inverse =\n    v -> 100 / v;");
        EvalException e = assertThrows(EvalException.class, () -> java.eval("int ok = 1;\ninverse.applyAsInt(0)"));
        assertEquals("java.lang.ArithmeticException", e.ename());
        String trace = String.join("\n", e.traceback());
        assertTrue(trace.contains("(an earlier cell, line 2)"), trace);
        assertTrue(trace.contains("cell (line 2)"), trace);
    }

    @Test
    void compileErrorsComeFromJShellWithTheirLines() {
        EvalException e = assertThrows(EvalException.class, () -> java.eval("int fine = 1;\nundefinedName + 1"));
        assertEquals("CompilationException", e.ename());
        assertTrue(String.join("\n", e.traceback()).contains("line 2"), String.join("\n", e.traceback()));
    }

    @Test
    void anInterruptStopsAFastCellAndTheSessionGoesOn() throws Exception {
        fast("long spins = 0;");
        CompletableFuture<EvalException> stopped = CompletableFuture.supplyAsync(() ->
                assertThrows(EvalException.class, () -> java.eval("while (true) { spins++; }")));
        Thread.sleep(300);
        java.interrupt();
        assertEquals("Interrupted", stopped.get(10, TimeUnit.SECONDS).ename());
        assertTrue((Long) java.eval("spins").value() > 0);
        assertEquals(2, fast("1 + 1"));
    }

    @Test
    void theLastStatementIsFoundPastStringsCommentsAndBlocks() {
        assertEquals("x + 1", last("int x = 1;\nx + 1"));
        assertEquals("s.length()", last("String s = \"a;b}\"; // not the end;\ns.length() // the value"));
        assertEquals("list.size()", last("for (int i = 0; i < 3; i++) { list.add(i); }\nlist.size()"));
        assertEquals("run(() -> { a(); b(); })", last("run(() -> { a(); b(); })"));
        assertEquals("t.strip()", last("var t = \"\"\"\n  text; }\n  \"\"\";\n/* c; } */ t.strip()"));
        assertEquals("c", last("char q = ';';\nc"));
        assertTrue(FastCells.LastStatement.of("x++;\n// done").ended());
        assertTrue(FastCells.LastStatement.of("if (a) { b(); }").ended());
        assertNull(FastCells.LastStatement.of("  // only a comment\n"));
    }

    private static String last(String code) {
        FastCells.LastStatement last = FastCells.LastStatement.of(code);
        assertFalse(last.ended(), code);
        return code.substring(last.start(), last.end()).strip();
    }

    @Test
    void aReturnAtTheTopOfACellIsLeftToJShell() throws Exception {
        int before = withoutJShell();
        assertThrows(EvalException.class, () -> java.eval("int early = 1;\nif (early > 0) return;"));
        assertEquals(before, withoutJShell());
    }
}
