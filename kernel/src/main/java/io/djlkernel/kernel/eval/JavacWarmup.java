package io.djlkernel.kernel.eval;

import jdk.jshell.JShell;
import jdk.jshell.SourceCodeAnalysis;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Warms javac up in a throwaway JShell of its own, so that the JIT has compiled javac's hot code before the user's
 * cells need it (a cold compile takes several times as long as a warm one). It shares nothing with the session's
 * JShell, so it never makes a cell wait for a lock; it only runs while the kernel has been idle for a moment, so
 * that cells run back to back ("run all") do not share the CPU with it, and it stops after a bounded amount of work.
 */
final class JavacWarmup {
    private static final Logger LOG = Logger.getLogger(JavacWarmup.class.getName());
    static final long IDLE_BEFORE_EACH_MS = 250;
    static final int ROUNDS = 4;
    static final long BUDGET_MS = 20_000;

    /** The kinds of snippet cells are made of: declarations with inferred types, methods, classes, lambdas... */
    static final List<String> SNIPPETS = List.of(
            "import java.util.*;",
            "import java.util.stream.*;",
            "1 + 1",
            "int count = 3;",
            "var names = new ArrayList<String>(List.of(\"b\", \"a\"));",
            "names.size()",
            "String greet(String who) { return \"hello \" + who; }",
            "greet(names.get(0)).length()",
            "record Point(double x, double y) { double norm() { return Math.hypot(x, y); } }",
            "var total = IntStream.range(0, count).mapToObj(i -> new Point(i, i)).mapToDouble(Point::norm).sum();",
            "for (int i = 0; i < 3; i++) { count += i; }",
            "Map<String, Integer> lengths = names.stream().collect(Collectors.toMap(n -> n, String::length));");

    private JavacWarmup() {
    }

    /**
     * Runs the warm-up on a daemon thread.
     *
     * @param idleSinceNanos when the session last finished a cell (System.nanoTime), or {@link Long#MAX_VALUE}
     *                       while one runs
     */
    static void start(LongSupplier idleSinceNanos) {
        Thread warmer = new Thread(() -> run(idleSinceNanos), "djl-kernel-javac-warmup");
        warmer.setDaemon(true);
        warmer.setPriority(Thread.MIN_PRIORITY);
        warmer.start();
    }

    static void run(LongSupplier idleSinceNanos) {
        long started = System.nanoTime();
        int compiled = 0;
        try (JShell shell = JShell.builder().executionEngine("local").build()) {
            SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
            for (int round = 0; round < ROUNDS; round++) {
                for (String snippet : SNIPPETS) {
                    if (!waitForIdle(idleSinceNanos, started)) return;
                    shell.eval(snippet);
                    analysis.analyzeCompletion(snippet);
                    compiled++;
                }
                shell.snippets().forEach(shell::drop); // the next round declares them anew
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.FINE, "javac warm-up stopped", e);
        } finally {
            int done = compiled;
            LOG.info(() -> "javac warm-up: " + done + " snippets in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
        }
    }

    /** False when the budget is spent. */
    private static boolean waitForIdle(LongSupplier idleSinceNanos, long started) {
        try {
            while (true) {
                if (System.nanoTime() - started > TimeUnit.MILLISECONDS.toNanos(BUDGET_MS)) return false;
                long since = idleSinceNanos.getAsLong();
                long idleMs = since == Long.MAX_VALUE ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
                if (idleMs >= IDLE_BEFORE_EACH_MS) return true;
                Thread.sleep(Math.max(10, IDLE_BEFORE_EACH_MS - idleMs));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
