package io.djlkernel.djl.serving;

/**
 * How many rows a worker may put in one batch, learnt from what batches cost: {@code --batch-size} is the most,
 * but a bigger batch is only worth its wait when it costs less per row. A small model runs 16 rows in little more
 * than the time of one, so its batches grow to the limit; a ResNet-18 on one CPU thread took 36 ms of CPU per image
 * alone, 28–30 ms in batches of 4–8 and 74 ms in a batch of 16 (its activations outgrow the caches), so its
 * batches stay below 16.
 * <p>
 * Rows are grouped in buckets (1, 2, 3, 4–5, 6–7, 8–11, 12–15, 16–23, ...), each with a moving average of the time
 * per row. A
 * batch may fill the cheapest bucket measured so far and, when the bucket above it has not been measured, that
 * one too; every {@value #EXPLORE_EVERY}th batch also tries the bucket above, so a bucket measured while the JIT
 * or TorchScript's per-shape optimisation was still running is measured again. Thread-safe.
 */
final class BatchSizer {
    /** The first row count of each bucket: 1, 2, 3, 4, 6, 8, 12, 16, ... (--batch-size is at most 4096). */
    private static final int[] FIRST = firsts();
    private static final int BUCKETS = FIRST.length - 1;
    private static final int EXPLORE_EVERY = 32;
    private static final double FASTER = 0.5;
    private static final double SLOWER = 0.1;

    private final int limit;
    private final double[] nanosPerRow = new double[BUCKETS];
    /** Batches seen per bucket; the first of each is left out (its shape was new to TorchScript). */
    private final long[] seen = new long[BUCKETS];
    private long batches;

    BatchSizer(int limit) {
        this.limit = Math.max(1, limit);
    }

    /** The most rows the next batch may hold. */
    synchronized int cap() {
        if (limit == 1) return 1;
        int best = -1;
        for (int b = 0; b < BUCKETS; b++) {
            if (seen[b] > 1 && (best < 0 || nanosPerRow[b] <= nanosPerRow[best])) best = b; // a tie: the bigger batch
        }
        if (best < 0) return Math.min(limit, top(1)); // nothing measured yet: 1–2 rows, then grow
        boolean explore = seen[best + 1 < BUCKETS ? best + 1 : best] <= 1 || ++batches % EXPLORE_EVERY == 0;
        return Math.min(limit, top(explore && best + 1 < BUCKETS ? best + 1 : best));
    }

    /** Records a batch of {@code rows} rows that took {@code nanos}. */
    synchronized void record(int rows, long nanos) {
        if (rows < 1 || nanos <= 0) return;
        int b = 0;
        while (b + 1 < BUCKETS && FIRST[b + 1] <= rows) b++;
        double perRow = (double) nanos / rows;
        seen[b]++;
        if (seen[b] == 2) {
            nanosPerRow[b] = perRow;
        } else if (seen[b] > 2) {
            // other processes only ever make a batch slower: follow a faster batch quickly, a slower one slowly
            nanosPerRow[b] += (perRow < nanosPerRow[b] ? FASTER : SLOWER) * (perRow - nanosPerRow[b]);
        }
    }

    /** The largest row count of bucket {@code b}. */
    private static int top(int b) {
        return FIRST[b + 1] - 1;
    }

    private static int[] firsts() {
        java.util.List<Integer> f = new java.util.ArrayList<>(java.util.List.of(1, 2, 3));
        for (int p = 4; p <= 8192; p *= 2) {
            f.add(p);
            f.add(p + p / 2);
        }
        return f.stream().mapToInt(Integer::intValue).toArray();
    }
}
