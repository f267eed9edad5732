package io.djlkernel.djl.serving;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The endpoints running in this process, by model name. */
public final class Endpoints {
    private static final Map<String, InferenceServer> RUNNING = new LinkedHashMap<>();

    private Endpoints() {
    }

    public static synchronized InferenceServer get(String name) {
        return RUNNING.get(name);
    }

    public static synchronized List<InferenceServer> all() {
        return new ArrayList<>(RUNNING.values());
    }

    /** Starts one, replacing (stopping) a running endpoint of the same model. */
    public static InferenceServer start(ServableModel model, ServeOptions options) {
        stop(model.name(), 5_000);
        InferenceServer s = InferenceServer.start(model, options);
        synchronized (Endpoints.class) {
            RUNNING.put(model.name(), s);
        }
        return s;
    }

    public static boolean stop(String name, long drainMillis) {
        InferenceServer s;
        synchronized (Endpoints.class) {
            s = RUNNING.remove(name);
        }
        if (s == null) return false;
        s.stop(drainMillis);
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
