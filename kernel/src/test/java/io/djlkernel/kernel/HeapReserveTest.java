package io.djlkernel.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** In a JVM of its own with a small heap: a "cell" fills it, the reserve is let go before, and taken back after. */
class HeapReserveTest {

    /** What the child JVM runs: prints what it saw, one line each. */
    public static void main(String[] args) {
        HeapReserve.install();
        System.out.println("held at start " + HeapReserve.held());
        List<long[]> hog = new ArrayList<>();
        try {
            while (true) hog.add(new long[1 << 20]);
        } catch (OutOfMemoryError e) {
            int filled = hog.size();
            hog = null;
            System.out.println("held when the heap was full " + HeapReserve.held() + " (" + filled + " arrays)");
        }
        System.gc();
        HeapReserve.refill();
        System.out.println("held after " + HeapReserve.held());
    }

    @Test
    void theReserveIsLetGoWhenACellFillsTheHeapAndTakenBackAfter() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                HeapReserveTest.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("held at start true"), out);
        assertTrue(out.contains("held when the heap was full false"), out);
        assertTrue(out.contains("held after true"), out);
    }
}
