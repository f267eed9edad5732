package io.djlkernel.kernel.io;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * Replaces System.out, System.err and System.in for the whole JVM, once: cell code, the threads it starts and
 * libraries that captured System.out early all write to the kernel. The originals stay available for the
 * rare message that must reach the process's own streams.
 */
public final class StandardStreams {
    private static PrintStream originalOut;
    private static PrintStream originalErr;
    private static InputStream originalIn;

    private StandardStreams() {
    }

    public static synchronized void install(PrintStream out, PrintStream err, InputStream in) {
        if (originalOut == null) {
            originalOut = System.out;
            originalErr = System.err;
            originalIn = System.in;
        }
        System.setOut(out);
        System.setErr(err);
        System.setIn(in);
    }

    /** Puts the streams back as they were before {@link #install} (tests, an in-process kernel's shutdown). */
    public static synchronized void restore() {
        if (originalOut == null) return;
        System.setOut(originalOut);
        System.setErr(originalErr);
        System.setIn(originalIn);
        originalOut = null;
        originalErr = null;
        originalIn = null;
    }

    public static synchronized PrintStream originalErr() {
        return originalErr != null ? originalErr : System.err;
    }
}
