package io.djlkernel.kernel.magic;

/**
 * How a magic used as a value ({@code var jars = %jars lib/*.jar;}) reaches the kernel from cell code: the
 * parser rewrites it into a call of {@link #line}. Public because cell classes call it.
 */
public final class MagicBridge {
    private static volatile MagicDispatcher dispatcher;

    private MagicBridge() {
    }

    static void bind(MagicDispatcher magicDispatcher) {
        dispatcher = magicDispatcher;
    }

    /** Runs line magic {@code name} and returns its value, typed as the receiving variable wants. */
    @SuppressWarnings("unchecked")
    public static <T> T line(String name, String args) throws Exception {
        MagicDispatcher d = dispatcher;
        if (d == null) throw new IllegalStateException("magics are only available inside the kernel");
        return (T) d.runLine(name, args, true);
    }
}
