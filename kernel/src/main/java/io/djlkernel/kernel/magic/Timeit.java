package io.djlkernel.kernel.magic;

import java.util.concurrent.Callable;

/** The timing loop behind {@code %timeit}; cell code calls it, so the measured code is compiled once. */
public final class Timeit {
    private static final long TARGET_NANOS = 200_000_000L; // like IPython: enough loops for 0.2 s per run

    private Timeit() {
    }

    /** The outcome, shown as IPython shows it. */
    public record Result(double meanNanos, double stdNanos, int runs, long loops) {
        @Override
        public String toString() {
            return format(meanNanos) + " ± " + format(stdNanos) + " per loop (mean ± std. dev. of " + runs
                    + " run" + (runs == 1 ? "" : "s") + ", " + loops + " loop" + (loops == 1 ? "" : "s") + " each)";
        }
    }

    public static Result run(Callable<?> body, long loops, int runs) throws Exception {
        return measure(() -> body.call(), loops, runs);
    }

    public static Result run(Runnable body, long loops, int runs) throws Exception {
        return measure(() -> {
            body.run();
            return null;
        }, loops, runs);
    }

    private static Result measure(Callable<?> body, long loops, int runs) throws Exception {
        if (runs < 1) throw new IllegalArgumentException("runs must be at least 1");
        if (loops <= 0) loops = calibrate(body);
        double[] perLoop = new double[runs];
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            for (long i = 0; i < loops; i++) body.call();
            perLoop[r] = (System.nanoTime() - start) / (double) loops;
        }
        double mean = 0;
        for (double v : perLoop) mean += v;
        mean /= runs;
        double var = 0;
        for (double v : perLoop) var += (v - mean) * (v - mean);
        return new Result(mean, Math.sqrt(var / runs), runs, loops);
    }

    private static long calibrate(Callable<?> body) throws Exception {
        for (long loops = 1; ; loops *= 10) {
            long start = System.nanoTime();
            for (long i = 0; i < loops; i++) body.call();
            long elapsed = System.nanoTime() - start;
            if (elapsed >= TARGET_NANOS / 10 || loops >= 100_000_000L) {
                return Math.max(1, Math.min(loops * 10, (long) (loops * (double) TARGET_NANOS / Math.max(1, elapsed))));
            }
        }
    }

    static String format(double nanos) {
        if (nanos < 1_000) return String.format("%.3g ns", nanos);
        if (nanos < 1_000_000) return String.format("%.3g µs", nanos / 1_000);
        if (nanos < 1_000_000_000) return String.format("%.3g ms", nanos / 1_000_000);
        return String.format("%.3g s", nanos / 1_000_000_000);
    }
}
