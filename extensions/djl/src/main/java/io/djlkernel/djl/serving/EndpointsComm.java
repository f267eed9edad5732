package io.djlkernel.djl.serving;

import io.djlkernel.api.comm.Comm;
import io.djlkernel.api.comm.CommTarget;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@value #TARGET} comm target (the JupyterLab endpoints panel; contract in docs/jupyterlab.md). On open it
 * pushes {@code {"endpoints": [{name, url, model, requests, p50_ms, p99_ms}]}}; afterwards it pushes again when an
 * endpoint starts or stops, and when counters change (checked once per period, so at most about once a second).
 * {@code {"stop": NAME}} stops that endpoint; anything else is answered with {@code {"error": "..."}}.
 * <p>
 * One daemon thread serves every comm: all sends happen on it, so a comm's pushes arrive in order, and stopping
 * an endpoint (which drains its requests) never holds up the kernel's shell thread.
 */
public final class EndpointsComm implements CommTarget {
    public static final String TARGET = "djl.endpoints";
    static final long PERIOD_MS = 1000;
    static final long DRAIN_MS = 10_000;
    private static final Logger LOG = Logger.getLogger(EndpointsComm.class.getName());

    private final long periodMs;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "djl-endpoints-comm");
        t.setDaemon(true);
        return t;
    });
    private final Set<Feed> feeds = ConcurrentHashMap.newKeySet();
    private final Runnable unsubscribe;
    private ScheduledFuture<?> ticker; // guarded by this; runs only while a comm is open

    public EndpointsComm() {
        this(PERIOD_MS);
    }

    EndpointsComm(long periodMs) {
        this.periodMs = periodMs;
        this.unsubscribe = Endpoints.onChange(() -> run(this::pushChanged));
    }

    /** Yes: the list and stop touch only the endpoints registry: an endpoint can be stopped while a cell runs. */
    @Override
    public boolean answersWhileBusy() {
        return true;
    }

    @Override
    public void opened(Comm comm, Map<String, Object> data) {
        Feed feed = new Feed(comm);
        feeds.add(feed);
        comm.onMessage(msg -> message(feed, msg));
        comm.onClose(d -> forget(feed));
        run(() -> feed.push(snapshot(), true));
        synchronized (this) {
            if (ticker == null && !scheduler.isShutdown()) {
                ticker = scheduler.scheduleAtFixedRate(this::pushChanged, periodMs, periodMs, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Open comms (for tests). */
    public int openFeeds() {
        return feeds.size();
    }

    /** Stops the thread and forgets every comm (kernel shutdown). */
    public void shutdown() {
        unsubscribe.run();
        feeds.clear();
        scheduler.shutdownNow();
    }

    /** Whether the thread has ended after {@link #shutdown()} (for tests). */
    boolean awaitStopped(long millis) throws InterruptedException {
        return scheduler.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }

    /** The endpoints as the panel shows them; p50/p99 are null before the first answered request. */
    static List<Map<String, Object>> snapshot() {
        List<Map<String, Object>> list = new ArrayList<>();
        Endpoints.byName().forEach((name, s) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", name);
            e.put("url", s.url());
            e.put("model", s.model().name());
            e.put("requests", s.requestCount());
            e.put("p50_ms", millis(s.percentileMillis(50)));
            e.put("p99_ms", millis(s.percentileMillis(99)));
            e.put("curl", ServeMagic.curl(s, s.model()));
            list.add(e);
        });
        return list;
    }

    private static Double millis(double ms) {
        return Double.isFinite(ms) ? ms : null;
    }

    private void message(Feed feed, Map<String, Object> data) {
        Object stop = data == null ? null : data.get("stop");
        if (!(stop instanceof String name) || name.isBlank()) {
            run(() -> feed.error("expected {\"stop\": NAME}, got " + data));
            return;
        }
        run(() -> {
            // the panel may show an endpoint a cell has just stopped: say so rather than ignore the click
            if (!Endpoints.stop(name, DRAIN_MS)) feed.error("no endpoint named '" + name + "' (running: "
                    + String.join(", ", Endpoints.byName().keySet()) + ")");
            pushChanged();
        });
    }

    private void pushChanged() {
        if (feeds.isEmpty()) {
            synchronized (this) {
                if (feeds.isEmpty() && ticker != null) {
                    ticker.cancel(false);
                    ticker = null;
                }
            }
            return;
        }
        List<Map<String, Object>> now = snapshot();
        for (Feed f : feeds) f.push(now, false);
    }

    private void forget(Feed feed) {
        feeds.remove(feed);
    }

    private void run(Runnable task) {
        try {
            scheduler.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "endpoints comm task failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.fine("endpoints comm is shut down");
        }
    }

    private final class Feed {
        private final Comm comm;
        private List<Map<String, Object>> last; // only touched on the scheduler thread

        Feed(Comm comm) {
            this.comm = comm;
        }

        void push(List<Map<String, Object>> now, boolean always) {
            if (!always && now.equals(last)) return;
            if (send(Map.of("endpoints", now))) last = now;
        }

        void error(String message) {
            send(Map.of("error", message));
        }

        private boolean send(Map<String, Object> data) {
            if (!comm.isOpen()) {
                forget(this);
                return false;
            }
            try {
                comm.send(data);
                return true;
            } catch (RuntimeException e) { // closed between the check and the send
                LOG.log(Level.FINE, "endpoints comm send failed", e);
                forget(this);
                return false;
            }
        }
    }
}
