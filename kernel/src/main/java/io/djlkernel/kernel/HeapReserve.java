package io.djlkernel.kernel;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.NotificationEmitter;

/**
 * Heap kept for the kernel's own threads while a cell fills the rest. A cell that fills the heap gets its
 * OutOfMemoryError, but while the heap is full any thread's allocation can fail first: jeromq's I/O thread ended so
 * (Java 25, the guard-rail test), and the kernel never answered again. So the kernel holds a block of heap, and lets
 * it go when the JVM reports the old generation nearly full (a usage threshold, checked after each collection):
 * the next collection frees it for the other threads while the cell runs into its own error. After a cell, the block
 * is taken again if there is room.
 */
public final class HeapReserve {
    private static final Logger LOG = Logger.getLogger(HeapReserve.class.getName());
    /** Of the old generation's maximum: past it, the reserve is let go. */
    static final double THRESHOLD = 0.85;
    private static final long MAX_RESERVE_BYTES = 64L << 20;

    private static volatile byte[] reserve;
    private static volatile int bytes;

    private HeapReserve() {
    }

    /** Takes the reserve and watches the heap; once per JVM. Nothing happens where the JVM has no such pool. */
    public static synchronized void install() {
        if (bytes > 0) return;
        try {
            MemoryPoolMXBean old = null;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP && pool.isUsageThresholdSupported() && pool.getUsage().getMax() > 0) {
                    old = pool;
                }
            }
            if (old == null) return;
            long max = old.getUsage().getMax();
            old.setUsageThreshold((long) (max * THRESHOLD));
            bytes = (int) Math.min(MAX_RESERVE_BYTES, max / 16);
            reserve = new byte[bytes];
            ((NotificationEmitter) ManagementFactory.getMemoryMXBean()).addNotificationListener((notification, hb) -> {
                if (!MemoryNotificationInfo.MEMORY_THRESHOLD_EXCEEDED.equals(notification.getType()) || reserve == null) return;
                reserve = null;
                LOG.warning("the heap is nearly full: the kernel's reserve is let go for its own threads");
            }, null, null);
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.log(Level.FINE, "no heap reserve", e);
        }
    }

    /** After a cell: takes the reserve again when the old generation is back under the threshold. */
    public static void refill() {
        if (reserve != null || bytes == 0) return;
        try {
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                // the usage itself: the pool's "exceeded" flag stays set until the JVM's detector looks again
                if (pool.isUsageThresholdSupported() && pool.getType() == MemoryType.HEAP
                        && pool.getUsageThreshold() > 0 && pool.getUsage().getUsed() >= pool.getUsageThreshold()) {
                    return;
                }
            }
            reserve = new byte[bytes];
        } catch (RuntimeException | OutOfMemoryError e) {
            // still full: the next cell tries again
        }
    }

    /** Whether the reserve is held now. */
    static boolean held() {
        return reserve != null;
    }
}
