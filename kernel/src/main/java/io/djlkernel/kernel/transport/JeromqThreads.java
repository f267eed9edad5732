package io.djlkernel.kernel.transport;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The thread factory for jeromq's own threads (its I/O thread and its reaper). jeromq's poller loop catches only
 * RuntimeException: when a cell fills the heap and the I/O thread's allocation fails before the cell's does, the
 * thread ends and every socket of the kernel is deaf for good, though the cell's own OutOfMemoryError frees the heap a
 * moment later. A thread made here runs the poller loop again after a pause instead, as the kernel's own IO and
 * heartbeat threads do (see {@link ZmqTransport}).
 */
final class JeromqThreads {
    private static final Logger LOG = Logger.getLogger(JeromqThreads.class.getName());
    /** How long a thread whose allocation failed waits before it tries again. */
    private static final long OUT_OF_MEMORY_PAUSE_MS = 20;
    private static final AtomicLong RESTARTS = new AtomicLong();

    private JeromqThreads() {
    }

    /** For {@code ZMQ.Context.setThreadFactor} (jeromq's spelling): a daemon thread, as jeromq's own factory makes. */
    static Thread create(Runnable pollerLoop, String name) {
        Thread thread = new Thread(() -> runSurvivingOutOfMemory(pollerLoop), name);
        thread.setDaemon(true);
        return thread;
    }

    /**
     * Runs the loop until it returns; an OutOfMemoryError out of it starts it again. The loop keeps its state in its
     * poller (selector, registered handles, timers), so starting it again goes on where it stopped.
     */
    static void runSurvivingOutOfMemory(Runnable loop) {
        while (true) {
            try {
                loop.run();
                return;
            } catch (OutOfMemoryError e) {
                RESTARTS.incrementAndGet();
                pauseAfterOutOfMemory();
                try {
                    LOG.warning(() -> "the heap ran out under " + Thread.currentThread().getName() + "; it went on");
                } catch (OutOfMemoryError stillFull) {
                    // logged on a later restart, or never: going on matters more
                }
            }
        }
    }

    /** How many times a loop was started again, for tests and the log. */
    static long restarts() {
        return RESTARTS.get();
    }

    /** The wait of any kernel thread whose allocation failed (this loop's, the transport's IO and heartbeat threads). */
    static void pauseAfterOutOfMemory() {
        try {
            Thread.sleep(OUT_OF_MEMORY_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (OutOfMemoryError stillFull) {
            // sleeping allocates nothing we need; go on
        }
    }
}
