package io.djlkernel.djl.devices;

import io.djlkernel.api.comm.Comm;
import io.djlkernel.api.comm.CommTarget;
import io.djlkernel.djl.tensors.MemoryMagic;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@value #TARGET} comm target: the front end opens it with {@code {"interval_ms": N}}; the kernel then pushes
 * {@code {"devices": [...], "host": {...}, "timestamp": ms, "cpu_only": bool}} every N ms from a daemon thread
 * (also while a cell runs), until the comm closes. Messages: {@code {"interval_ms": N}} changes the rate,
 * {@code {"pause": true|false}} pauses/resumes, {@code {"refresh": true}} sends one reading now.
 */
public final class DevicesComm implements CommTarget {
    public static final String TARGET = "djl.devices";
    static final long DEFAULT_INTERVAL = 1000;
    static final long MIN_INTERVAL = 100;
    static final long MAX_INTERVAL = 60_000;
    private static final Logger LOG = Logger.getLogger(DevicesComm.class.getName());

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "djl-devices-comm");
        t.setDaemon(true);
        return t;
    });
    private final Set<Feed> feeds = ConcurrentHashMap.newKeySet();

    /** Yes: readings come from NVML/nvidia-smi and the JVM, never from the cell: the panel stays live during training. */
    @Override
    public boolean answersWhileBusy() {
        return true;
    }

    @Override
    public void opened(Comm comm, Map<String, Object> data) {
        Feed feed = new Feed(comm);
        feeds.add(feed);
        comm.onMessage(feed::message);
        comm.onClose(d -> feed.stop());
        feed.schedule(interval(data, DEFAULT_INTERVAL));
    }

    /** Open feeds (for tests and shutdown). */
    public int openFeeds() {
        return feeds.size();
    }

    /** Stops every feed and the thread (kernel shutdown). */
    public void shutdown() {
        for (Feed f : feeds) f.stop();
        scheduler.shutdownNow();
    }

    static long interval(Map<String, Object> data, long fallback) {
        Object v = data == null ? null : data.get("interval_ms");
        if (!(v instanceof Number)) {
            if (v instanceof String) {
                try {
                    v = Double.parseDouble((String) v);
                } catch (NumberFormatException e) {
                    return fallback;
                }
            } else {
                return fallback;
            }
        }
        long ms = ((Number) v).longValue();
        return Math.max(MIN_INTERVAL, Math.min(MAX_INTERVAL, ms));
    }

    /** One reading: the GPUs (empty on CPU-only), host memory, a timestamp. */
    public static Map<String, Object> reading() {
        Map<String, Object> m = new LinkedHashMap<>();
        var gpus = GpuStatus.readingMaps();
        m.put("devices", gpus);
        m.put("cpu_only", gpus.isEmpty());
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("heap_used_bytes", heap.getUsed());
        host.put("heap_max_bytes", heap.getMax());
        host.put("rss_bytes", MemoryMagic.residentBytes());
        host.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("host", host);
        m.put("timestamp", System.currentTimeMillis());
        return m;
    }

    private final class Feed {
        private final Comm comm;
        private volatile ScheduledFuture<?> task;
        private volatile boolean paused;
        private volatile long interval;

        Feed(Comm comm) {
            this.comm = comm;
        }

        synchronized void schedule(long ms) {
            interval = ms;
            if (task != null) task.cancel(false);
            if (!comm.isOpen()) {
                feeds.remove(this);
                return;
            }
            task = scheduler.scheduleAtFixedRate(() -> push(false), 0, ms, TimeUnit.MILLISECONDS);
        }

        void push(boolean force) {
            if (paused && !force) return;
            if (!comm.isOpen()) {
                stop();
                return;
            }
            try {
                Map<String, Object> r = reading();
                r.put("interval_ms", interval);
                comm.send(r);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "devices reading failed", e);
            }
        }

        void message(Map<String, Object> data) {
            if (data == null) return;
            if (data.containsKey("interval_ms")) schedule(interval(data, interval));
            Object pause = data.get("pause");
            if (pause instanceof Boolean) paused = (Boolean) pause;
            if (Boolean.TRUE.equals(data.get("refresh"))) scheduler.execute(() -> push(true));
        }

        synchronized void stop() {
            if (task != null) task.cancel(false);
            feeds.remove(this);
        }
    }
}
