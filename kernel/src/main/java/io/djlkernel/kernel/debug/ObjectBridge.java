package io.djlkernel.kernel.debug;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns a JDI object reference into the object itself: the debugger and the debuggee are one JVM, so the paused
 * thread is made to call {@link #hold} (a JDI method invocation) and the debugger takes the object from here.
 * Variables, NDArray statistics and rendering then work on real objects, with the kernel's own renderers.
 */
public final class ObjectBridge {
    private static final Map<Long, Object> HELD = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT = new AtomicLong();

    private ObjectBridge() {
    }

    /** Called in the paused thread through JDI. */
    public static long hold(Object value) {
        long id = NEXT.incrementAndGet();
        HELD.put(id, value);
        return id;
    }

    static Object take(long id) {
        return HELD.remove(id);
    }
}
