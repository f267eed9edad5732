package io.djlkernel.djl.serving;

import org.junit.jupiter.api.Test;

import java.util.function.IntToLongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batches grow while a row gets cheaper and stop where it gets dearer, within --batch-size. */
class BatchSizerTest {

    /** Runs {@code n} batches, each as full as the sizer allows, costing {@code nanos(rows)}; returns the caps seen. */
    private static int[] drive(BatchSizer sizer, int n, IntToLongFunction nanos) {
        int[] caps = new int[n];
        for (int i = 0; i < n; i++) {
            caps[i] = sizer.cap();
            sizer.record(caps[i], nanos.applyAsLong(caps[i]));
        }
        return caps;
    }

    @Test
    void aModelThatBatchesWellGrowsToTheLimit() {
        // a small model: 1 ms a batch plus 0.05 ms a row
        int[] caps = drive(new BatchSizer(16), 60, rows -> 1_000_000L + 50_000L * rows);
        assertEquals(2, caps[0], "starts small");
        assertEquals(16, caps[caps.length - 1]);
    }

    @Test
    void aModelWhoseBigBatchesCostMorePerRowStaysBelowThem() {
        // ResNet-18 on a CPU thread: ~36 ms an image alone, ~28 ms in batches of 4-11, 74 ms from 12 rows on
        BatchSizer sizer = new BatchSizer(16);
        int[] caps = drive(sizer, 400, rows -> rows * (rows == 1 ? 36_000_000L : rows < 4 ? 32_000_000L : rows < 12 ? 28_000_000L : 74_000_000L));
        int at11 = 0, over = 0;
        for (int i = 100; i < caps.length; i++) {
            if (caps[i] == 11) at11++;
            if (caps[i] >= 12) over++;
        }
        // only the occasional exploring batch (one in 32) goes back above 11
        assertTrue(over <= (caps.length - 100) / 32 + 1, over + " batches of 12 or more after learning");
        assertEquals(caps.length - 100 - over, at11);
    }

    @Test
    void aBatchSizeOfOneIsNeverExceeded() {
        int[] caps = drive(new BatchSizer(1), 10, rows -> 1000L);
        for (int c : caps) assertEquals(1, c);
    }

    @Test
    void aSlowFirstMeasurementIsRetried() {
        // 4-5 rows looked dear at first (TorchScript optimising a new shape, a busy machine): measured again later
        BatchSizer sizer = new BatchSizer(8);
        int[] seen45 = {0};
        int[] caps = drive(sizer, 400, rows -> {
            if (rows >= 4 && rows <= 5 && ++seen45[0] <= 2) return rows * 50_000_000L;
            return 10_000_000L + 1_000_000L * rows;
        });
        assertEquals(8, caps[caps.length - 1]);
    }
}
