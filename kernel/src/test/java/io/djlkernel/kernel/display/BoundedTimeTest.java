package io.djlkernel.kernel.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.djlkernel.api.display.MimeBundle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Huge values render in bounded time with the default limits. Each case also times the full walk (a JDK
 * toString of the same value) so that a regression to walking everything shows as a ratio, not only a clock.
 */
class BoundedTimeTest {
    private static final long BOUND_MS = 200;
    private final DefaultRendererRegistry registry = new DefaultRendererRegistry();

    private static long millis(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** The best of three (the first one included, so a cold path must also be fast): a GC pause is not ours. */
    private static long best(Runnable r) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) best = Math.min(best, millis(r));
        return best;
    }

    private String text(Object value) {
        return (String) registry.render(value).data().get(MimeBundle.TEXT_PLAIN);
    }

    @Test
    void twentyFiveMillionInts() {
        int[] big = new int[25_000_000];
        for (int i = 0; i < big.length; i++) big[i] = i;
        String[] out = new String[1];
        long first = millis(() -> out[0] = text(big));
        long ours = best(() -> out[0] = text(big));
        long full = millis(() -> Arrays.toString(big).length());
        assertTrue(out[0].startsWith("int[25000000] { 0, 1, 2, "), out[0].substring(0, 40));
        assertTrue(out[0].endsWith(", ... (24,999,900 more) }"), out[0]);
        System.out.printf("int[25M]: first %d ms, best %d ms, Arrays.toString %d ms%n", first, ours, full);
        assertTrue(first < BOUND_MS, "rendering took " + first + " ms");
        assertTrue(ours * 10 <= full, "ours " + ours + " ms vs full toString " + full + " ms");
    }

    @Test
    void hundredMillionChars() {
        char[] chars = new char[100_000_000];
        Arrays.fill(chars, 'a');
        String huge = new String(chars);
        chars = null;
        String[] out = new String[1];
        long first = millis(() -> out[0] = text(huge));
        long ours = best(() -> out[0] = text(huge));
        long full = millis(() -> new StringBuilder(huge).reverse().length()); // one pass over every char
        assertEquals(DefaultRendererRegistry.DEFAULT_MAX_CHARS + " chars", out[0].indexOf('.') + " chars");
        assertTrue(out[0].endsWith("... (99,980,000 more characters)"), out[0].substring(out[0].length() - 60));
        System.out.printf("String(100M chars): first %d ms, best %d ms, one full pass %d ms%n", first, ours, full);
        assertTrue(first < BOUND_MS, "rendering took " + first + " ms");
        assertTrue(ours * 10 <= full, "ours " + ours + " ms vs a full pass " + full + " ms");

        StringBuilder builder = new StringBuilder(huge);
        long sb = best(() -> out[0] = text(builder));
        System.out.printf("StringBuilder(100M chars): %d ms%n", sb);
        assertTrue(sb < BOUND_MS, "StringBuilder rendering took " + sb + " ms");
    }

    @Test
    void hugeNestedCollections() {
        long[] shared = new long[1_000_000]; // the same array a thousand times: 8 MB, printed as if 8 GB
        List<Object> outer = new ArrayList<>();
        for (int i = 0; i < 1000; i++) outer.add(shared);
        long ours = millis(() -> text(outer));
        System.out.printf("1000 x long[1M] in a list: %d ms%n", ours);
        String t = text(outer);
        assertTrue(ours < BOUND_MS, "rendering took " + ours + " ms");
        assertTrue(t.length() < DefaultRendererRegistry.DEFAULT_MAX_CHARS + 200, "length " + t.length());
        assertTrue(t.endsWith(" more)]"), t.substring(t.length() - 40));
    }
}
