package io.djlkernel.djl.serving;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The endpoints running in this process, by model name. */
public final class Endpoints {
    private static final Logger LOG = Logger.getLogger(Endpoints.class.getName());
    private static final Map<String, InferenceServer> RUNNING = new LinkedHashMap<>();
    private static final List<Runnable> LISTENERS = new CopyOnWriteArrayList<>();

    private Endpoints() {
    }

    public static synchronized InferenceServer get(String name) {
        return RUNNING.get(name);
    }

    public static synchronized List<InferenceServer> all() {
        return new ArrayList<>(RUNNING.values());
    }

    /** The running endpoints by name, in the order they started. */
    public static synchronized Map<String, InferenceServer> byName() {
        return new LinkedHashMap<>(RUNNING);
    }

    /**
     * Calls {@code listener} after an endpoint started or stopped (after a stop has closed its port, so whoever
     * is told sees the port refused). Returns what unregisters it.
     */
    public static Runnable onChange(Runnable listener) {
        LISTENERS.add(listener);
        return () -> LISTENERS.remove(listener);
    }

    private static void changed() {
        for (Runnable l : LISTENERS) {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "endpoints listener failed", e);
            }
        }
    }

    /** Starts one, replacing (stopping) a running endpoint of the same model. */
    public static InferenceServer start(ServableModel model, ServeOptions options) {
        stop(model.name(), 5_000);
        InferenceServer s = InferenceServer.start(model, options);
        synchronized (Endpoints.class) {
            RUNNING.put(model.name(), s);
        }
        changed();
        return s;
    }

    public static boolean stop(String name, long drainMillis) {
        InferenceServer s;
        synchronized (Endpoints.class) {
            s = RUNNING.remove(name);
        }
        if (s == null) return false;
        try {
            s.stop(drainMillis);
        } finally {
            changed();
        }
        return true;
    }

    /** Stops all, draining in-flight requests (kernel shutdown). */
    public static int stopAll(long drainMillis) {
        List<String> names;
        synchronized (Endpoints.class) {
            names = new ArrayList<>(RUNNING.keySet());
        }
        for (String n : names) stop(n, drainMillis);
        return names.size();
    }
}
