package io.djlkernel.kernel.eval;

import io.djlkernel.api.display.MimeBundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JShellInterpreterTest {
    private static JShellInterpreter java;

    @BeforeAll
    static void start() {
        java = new JShellInterpreter();
    }

    @AfterAll
    static void stop() {
        java.close();
    }

    private static Object value(String code) throws EvalException {
        EvalResult result = java.eval(code);
        assertTrue(result.hasValue(), "expected a value from: " + code);
        return result.value();
    }

    @Test
    void lastExpressionOfACellIsItsValue() throws Exception {
        assertEquals(2, value("1 + 1"));
        assertEquals("ab", value("String a = \"a\";\nString b = \"b\";\na + b"));
        assertEquals(12, value("int twice(int x) { return 2 * x; }\ntwice(6)"));
    }

    @Test
    void statementsDeclarationsAndAssignmentsShowNothing() throws Exception {
        assertFalse(java.eval("int quiet = 3;").hasValue());
        assertFalse(java.eval("quiet = 4").hasValue());
        assertFalse(java.eval("System.out.print(\"\")").hasValue());
        assertFalse(java.eval("class Nothing {}").hasValue());
        assertEquals(4, value("quiet"));
    }

    @Test
    void lastLinesWithoutSemicolonShowValuesOnlyWhenThereIsOne() throws Exception {
        java.eval("void nothing() { }\nint counter = 0;\nList<Integer> seen = new ArrayList<>();");
        assertEquals(4, value("Math.max(1, 4)"));
        assertEquals(3, value("1 + 2 // a comment after the value"));
        assertEquals(List.of(1, 2), value("List.of(1,\n        2)"));
        assertEquals(2, ((int[]) value("new int[] {1, 2}")).length);
        assertFalse(java.eval("nothing()").hasValue());
        assertFalse(java.eval("System.out.print(\"\")").hasValue());
        assertFalse(java.eval("counter = 5").hasValue());
        assertFalse(java.eval("counter += 1").hasValue());
        assertFalse(java.eval("int declared = 1").hasValue());
        assertEquals(6, value("counter"));
        assertEquals(true, value("seen.add(3)"));
        assertEquals(List.of(3), value("seen"));
        assertEquals("java.lang.Integer", value("Integer.valueOf(7).getClass().getName()"));
        EvalException e = assertThrows(EvalException.class, () -> java.eval("int k = 0;\nInteger.parseInt(\"x\" + k)"));
        assertEquals("java.lang.NumberFormatException", e.ename());
        assertTrue(String.join("\n", e.traceback()).contains("cell (line 2)"), String.join("\n", e.traceback()));
        EvalException c = assertThrows(EvalException.class, () -> java.eval("int k2 = 0;\nk2 + undefinedThing"));
        assertTrue(String.join("\n", c.traceback()).contains("line 2, column 6"), String.join("\n", c.traceback()));
    }

    @Test
    void defaultImportsAreMadeWhenACellFirstNamesWhatTheyBring() throws Exception {
        assertEquals(3, value("new ArrayDeque<>(List.of(1, 2, 3)).size()")); // java.util, made by this cell
        // a cell's own class still wins over a star import made later, as it would over one made at start
        assertEquals(7, value("record Pattern(int n) {}\nnew Pattern(7).n()"));
        // names in strings and comments bring nothing, and break nothing
        assertEquals("Collectors // BigDecimal", value("\"Collectors // BigDecimal\" /* Files */"));
        assertEquals(new java.math.BigDecimal("1.5"), value("new BigDecimal(\"1.5\")"));
    }

    @Test
    void aCellsOwnStarImportWorksInThatCellAndLaterOnesAndABadOneFailsAtOnce() throws Exception {
        assertEquals(4, value("import java.nio.*;\nByteBuffer.allocate(4).capacity()"));
        assertEquals(2, value("CharBuffer.wrap(\"ab\").length()"));
        assertEquals("mine", value("class Buffer { String who() { return \"mine\"; } }\nnew Buffer().who()"));
        EvalException bad = assertThrows(EvalException.class, () -> java.eval("import no.such.pkg.*;"));
        assertTrue(String.join("\n", bad.traceback()).contains("no.such.pkg"), String.join("\n", bad.traceback()));
        assertEquals(3, value("ByteBuffer.allocate(3).limit()"), "the session goes on");
    }

    @Test
    void aCellRepeatingAnImportMadeForAnEarlierCellLeavesItsVariablesWorking() throws Exception {
        java.eval("Deque<String> queued = new ArrayDeque<>(List.of(\"a\", \"b\"));"); // imports Deque, ArrayDeque
        java.eval("import java.util.Deque;\nimport java.util.ArrayDeque;");
        assertEquals(2, value("queued.size()"));
        assertEquals(1, value("Deque<Integer> more = new ArrayDeque<>(List.of(1));\nmore.size()"));
    }

    @Test
    void importsMadeForALaterCellLeaveEarlierVariablesAlone() throws Exception {
        java.eval("record Box(List<Integer> items) {}\nBox box = new Box(List.of(1, 2));");
        Object before = value("box");
        // names from java.util and java.math not used before: their imports must not recompile Box or box
        assertEquals(3, value("new TreeMap<String, Integer>(Map.of(\"a\", 1)).size() + new BigInteger(\"2\").intValue()"));
        assertTrue(before == value("box"), "box was reset by a later cell's imports");
    }

    @Test
    void aCellsOwnClassWinsOverADefaultImportMadeEarlier() throws Exception {
        assertEquals(0, value("new ArrayDeque<Integer>().size()"));
        assertEquals(42, value("class ArrayDeque { int size() { return 42; } }\nnew ArrayDeque().size()"));
    }

    @Test
    void importsAnExtensionAddsWorkOnFirstUseAndABadOneIsLeftOut() throws Exception {
        java.addImports(List.of("import static java.lang.Math.floorMod;", "import java.util.zip.*;"));
        assertEquals(2, value("floorMod(-1, 3)"));
        assertEquals("CRC32", value("new CRC32().getClass().getSimpleName()"));
        assertThrows(IllegalArgumentException.class, () -> java.addImports(List.of("System.exit(1);")));
        java.addImports(List.of("import static no.such.Type.nothing;"));
        assertEquals(5, value("int nothing = 5;\nnothing")); // the import that cannot compile is logged, not shown
    }

    @Test
    void completionOffersTypesOfImportsNotMadeYet() {
        Interpreter.Completion completion = java.complete("ConcurrentLinkedDe", 18);
        assertTrue(completion.matches().contains("ConcurrentLinkedDeque"), completion.matches().toString());
    }

    @Test
    void aLastLineThatNamesAVariableShowsWhatItHoldsNow() throws Exception {
        Object made = value("var held = new StringBuilder(\"x\");\nheld");
        assertTrue(made instanceof StringBuilder);
        java.eval("held.append(\"y\");");
        assertTrue(made == value("held"), "the same object, not a copy");
        assertEquals("xy", value("held").toString());
        java.eval("String nothingYet = null;");
        EvalResult none = java.eval("nothingYet");
        assertTrue(none.hasValue());
        assertEquals(null, none.value());
        EvalException unknown = assertThrows(EvalException.class, () -> java.eval("noSuchVariable"));
        String traceback = String.join("\n", unknown.traceback());
        assertTrue(unknown.evalue().contains("cannot find symbol") && traceback.contains("noSuchVariable"), traceback);
    }

    @Test
    void realObjectsComeBackNotStrings() throws Exception {
        Object list = value("List.of(1, 2, 3)");
        assertEquals(List.of(1, 2, 3), list);
    }

    @Test
    void displayFunctionsNeedNoImport() throws Exception {
        Object html = value("html(\"<b>hi</b>\")");
        assertTrue(html instanceof MimeBundle);
        assertEquals("<b>hi</b>", ((MimeBundle) html).data().get("text/html"));
    }

    @Test
    void aCellEndingInDisplayShowsNoIdAsItsResult() throws Exception {
        io.djlkernel.api.display.Display.bind(new io.djlkernel.api.display.DisplayPublisher() {
            public void display(MimeBundle bundle, String displayId) { }
            public void update(MimeBundle bundle, String displayId) { }
            public void clearOutput(boolean wait) { }
        }, new io.djlkernel.kernel.display.DefaultRendererRegistry());
        assertFalse(java.eval("display(html(\"<i>x</i>\"))").hasValue());
        Object id = value("String shownId = display(1);\nshownId");
        assertTrue(id instanceof String && !((String) id).isEmpty());
    }

    @Test
    void repeatingImportsOrDeclarationsKeepsVariables() throws Exception {
        java.eval("import java.util.concurrent.atomic.AtomicInteger;\nclass Box { int v = 1; }\n"
                + "Box kept = new Box(); kept.v = 42;\nAtomicInteger counter = new AtomicInteger(7);");
        java.eval("import java.util.concurrent.atomic.AtomicInteger;");
        java.eval("import java.util.concurrent.atomic.*;\nimport java.util.concurrent.atomic.AtomicInteger;");
        java.eval("class Box { int v = 1; }");
        assertEquals(42, value("kept.v"));
        assertEquals(7, value("counter.get()"));
    }

    @Test
    void compileErrorPointsAtTheLineAndSpan() {
        EvalException e = assertThrows(EvalException.class,
                () -> java.eval("int fine = 1;\nint broken = missingName + 1;"));
        assertEquals("CompilationException", e.ename());
        assertTrue(e.evalue().contains("cannot find symbol"), e.evalue());
        String trace = String.join("\n", e.traceback());
        assertTrue(trace.contains("line 2, column 14"), trace);
        assertTrue(trace.contains("int broken = missingName + 1;"), trace);
        assertTrue(trace.contains("^^^^^^^^^^^"), trace);
    }

    @Test
    void runtimeErrorShowsUserFramesOnly() {
        EvalException e = assertThrows(EvalException.class, () -> java.eval(
                "void explode(String why) {\n  throw new IllegalStateException(why);\n}\n"
                        + "int x = 1;\nexplode(\"boom\");"));
        assertEquals("java.lang.IllegalStateException", e.ename());
        assertEquals("boom", e.evalue());
        String trace = String.join("\n", e.traceback());
        assertTrue(trace.contains("explode (line 2)"), trace);
        assertTrue(trace.contains("cell (line 5)"), trace);
        assertFalse(trace.contains("jdk.internal"), trace);
        assertFalse(trace.contains("io.djlkernel.kernel.eval"), trace);
    }

    @Test
    void cellStopsAtItsFirstError() throws Exception {
        assertThrows(EvalException.class, () -> java.eval("int before = 1;\nObject o = null; o.hashCode();\nint after = 2;"));
        assertEquals(1, value("before"));
        EvalException e = assertThrows(EvalException.class, () -> java.eval("after"));
        assertEquals("CompilationException", e.ename());
    }

    @Test
    void systemExitEndsTheCellNotTheKernel() throws Exception {
        EvalException e = assertThrows(EvalException.class, () -> java.eval("System.exit(3)"));
        assertEquals("SystemExit", e.ename());
        assertTrue(e.evalue().contains("System.exit(3)"));
        assertThrows(EvalException.class, () -> java.eval("Runtime.getRuntime().halt(1)"));
        assertEquals(5, value("2 + 3"));
    }

    @Test
    void stackOverflowAndOutOfMemoryEndTheCellOnly() throws Exception {
        EvalException so = assertThrows(EvalException.class,
                () -> java.eval("int down(int n) { return down(n + 1) + 1; }\ndown(0)"));
        assertEquals("java.lang.StackOverflowError", so.ename());
        EvalException oom = assertThrows(EvalException.class,
                () -> java.eval("{ List<long[]> hog = new ArrayList<>(); while (true) hog.add(new long[50_000_000]); }"));
        assertEquals("java.lang.OutOfMemoryError", oom.ename());
        assertEquals(3, value("1 + 2"));
        assertEquals(200_000_000, value("new byte[200_000_000].length"), "the heap is usable again");
    }

    @Test
    void interruptStopsBusyLoopsSleepsAndUserMethods() throws Exception {
        java.eval("int survivor = 11;");
        for (String code : List.of("while (true) {}", "Thread.sleep(60_000);",
                "void spin() { long i = 0; while (true) { i++; } }\nspin();",
                "for (long i = 0; ; i++) { Math.sqrt(i); }")) {
            CompletableFuture<EvalException> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    java.eval(code);
                    return null;
                } catch (EvalException e) {
                    return e;
                }
            });
            Thread.sleep(300);
            long start = System.nanoTime();
            java.interrupt();
            EvalException e = outcome.get(1, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertNotNull(e, code);
            assertEquals("Interrupted", e.ename(), code);
            assertTrue(ms < 1000, code + " took " + ms + " ms to stop");
        }
        assertEquals(11, value("survivor"));
    }

    @Test
    void interruptStopsTheCellAndItsThreadsButNotWorkOfEarlierCells() throws Exception {
        // an earlier cell leaves a worker running (as an endpoint serving a cell-defined model does)
        java.eval("java.util.concurrent.atomic.AtomicLong ticks = new java.util.concurrent.atomic.AtomicLong();\n"
                + "Thread worker = new Thread(() -> { while (true) { ticks.incrementAndGet();"
                + " java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); } });\n"
                + "worker.setDaemon(true); worker.start();\n"
                + "Thread[] mine = new Thread[1];");
        CompletableFuture<EvalException> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                // one statement, so the thread it starts belongs to the interrupted run
                java.eval("{ mine[0] = new Thread(() -> { while (true) { java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); } });"
                        + " mine[0].setDaemon(true); mine[0].start(); System.setProperty(\"test.mine.started\", \"yes\");"
                        + " while (true) {} }");
                return null;
            } catch (EvalException e) {
                return e;
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // compiling takes long on a busy machine
        while (System.getProperty("test.mine.started") == null && System.nanoTime() < deadline) Thread.sleep(20);
        java.interrupt();
        EvalException e = outcome.get(5, TimeUnit.SECONDS);
        assertNotNull(e);
        assertEquals("Interrupted", e.ename());
        Thread.sleep(200);
        assertEquals(true, value("worker.isAlive()"), "the earlier cell's worker was stopped by another cell's interrupt");
        long before = ((Number) value("ticks.get()")).longValue();
        Thread.sleep(50);
        assertTrue(((Number) value("ticks.get()")).longValue() > before, "the earlier cell's worker stopped working");
        assertEquals(false, value("mine[0].isAlive()"), "the thread the interrupted cell started still runs");
    }

    @Test
    void threadFactoriesMadeInAnEarlierCellStillStartThreads() throws Exception {
        // the pool's factory remembers the thread group of the cell that made it; its threads start later
        java.eval("var pool = java.util.concurrent.Executors.newFixedThreadPool(2);");
        java.eval("int filler = 1;");
        assertEquals(42, value("pool.submit(() -> 42).get()"));
        assertEquals(7, value("pool.submit(() -> 7).get()"));
        java.eval("pool.shutdownNow();");
    }

    @Test
    void completionAndInspection() throws Exception {
        java.eval("String s = \"x\";");
        Interpreter.Completion c = java.complete("int y = 1;\ns.toUpp", 18);
        assertTrue(c.matches().stream().anyMatch(m -> m.startsWith("toUpperCase")), c.matches().toString());
        assertEquals(13, c.cursorStart());
        assertEquals(18, c.cursorEnd());

        Interpreter.Inspection atEnd = java.inspect("Math.max", 8, 0);
        assertNotNull(atEnd);
        assertTrue(atEnd.signature().contains("max("), atEnd.signature());
        Interpreter.Inspection inside = java.inspect("Math.max(1, 2)", 6, 0);
        assertNotNull(inside);
    }

    @Test
    void completeness() {
        assertEquals("complete", java.isComplete("int x = 1;").status());
        assertEquals("complete", java.isComplete("1 + 1").status());
        assertEquals("incomplete", java.isComplete("for (int i = 0; i < 3; i++) {").status());
        assertEquals("    ", java.isComplete("for (int i = 0; i < 3; i++) {").indent());
    }

    @Test
    void anImportThatRecompilesAVariableKeepsItsValue() throws Exception {
        java.eval("import java.util.concurrent.atomic.*;");
        java.eval("AtomicInteger counter = new AtomicInteger(41); int plain = 7; AtomicInteger none = null;");
        java.eval("counter.incrementAndGet();");
        java.eval("import java.util.concurrent.atomic.AtomicInteger;"); // JShell recompiles what uses the name
        java.eval("import java.util.concurrent.*;");
        assertEquals(42, java.eval("counter.get()").value());
        assertEquals(7, java.eval("plain").value());
        assertEquals(3, java.eval("int plain = 3; plain").value(), "a declaration made anew still wins");
    }

    @Test
    void codeThatNoContinuationCanFixIsInvalid() {
        for (String invalid : List.of("class {", "int 3x = 1;", "int 3x", "void f() { int 2y; }", "x = = 1;",
                "String s = \"abc", "int a = 1; class {", "for (int i = 0; i < 3; i++) { int 9z = i;")) {
            assertEquals("invalid", java.isComplete(invalid).status(), invalid);
        }
        for (String unfinished : List.of("foo(", "int x =", "x +", "class A {", "void f() {", "if (a) {\n  b();",
                "List<String> names = List.of(\"a\",", "String t = \"\"\"\n  text")) {
            assertEquals("incomplete", java.isComplete(unfinished).status(), unfinished);
        }
        for (String complete : List.of("void f() {} f();", "record P(int x) {}\nnew P(1)", "import java.util.*;",
                "@FunctionalInterface interface F { int f(); }", "var x = switch (1) { case 1 -> \"a\"; default -> \"b\"; };")) {
            assertEquals("complete", java.isComplete(complete).status(), complete);
        }
    }

    @Test
    void variablesArePreviewedBounded() throws Exception {
        java.eval("int[] big = new int[25_000_000]; String greeting = \"hello\";");
        var vars = java.variables().stream().collect(Collectors.toMap(Interpreter.Variable::name, v -> v));
        assertEquals("int[25000000]", vars.get("big").valuePreview());
        assertEquals("\"hello\"", vars.get("greeting").valuePreview());
        assertEquals("String", vars.get("greeting").type());
    }
}
