package io.djlkernel.djl.models;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The models loaded in this kernel, by name: what {@code %model} fills and what serving reads.
 * <pre>{@code
 * LoadedModel m = ModelStore.get("resnet");          // NoSuchElementException listing the loaded names
 * LoadedModel m = ModelStore.load("mlp", Path.of("mlp.pt"), ModelOptions.defaults()); // no magic needed
 * ModelStore.onUnload(m -> stopEndpointsOf(m.name()));
 * }</pre>
 */
public final class ModelStore {
    private static final Map<String, LoadedModel> MODELS = new LinkedHashMap<>();
    private static final List<Consumer<LoadedModel>> UNLOAD_LISTENERS = new CopyOnWriteArrayList<>();

    private ModelStore() {
    }

    /** The model loaded under {@code name}; NoSuchElementException (naming the loaded ones) when there is none. */
    public static LoadedModel get(String name) {
        LoadedModel m = find(name).orElse(null);
        if (m == null) {
            throw new NoSuchElementException("no model named '" + name + "' is loaded"
                    + (names().isEmpty() ? " (none is: use %model load NAME PATH)" : "; loaded: " + String.join(", ", names())));
        }
        return m;
    }

    public static synchronized Optional<LoadedModel> find(String name) {
        return Optional.ofNullable(MODELS.get(name));
    }

    public static synchronized List<String> names() {
        return new ArrayList<>(MODELS.keySet());
    }

    public static synchronized Collection<LoadedModel> all() {
        return new ArrayList<>(MODELS.values());
    }

    /**
     * Loads a model (file, DJL folder or archive; relative paths against {@link ModelRoot#get()}) and keeps it
     * under {@code name}, replacing (and closing) one of that name.
     */
    public static LoadedModel load(String name, Path path, ModelOptions options) throws IOException, ModelLoadException {
        LoadedModel m = ModelLoader.load(name, path, options);
        put(m);
        return m;
    }

    /** Keeps a model under its name; a previous one of the same name is closed. */
    public static void put(LoadedModel model) {
        LoadedModel old;
        synchronized (ModelStore.class) {
            old = MODELS.put(model.name(), model);
        }
        if (old != null && old != model) closeQuietly(old);
    }

    /** Removes and closes a model; false when none had that name. Unload listeners run before it closes. */
    public static boolean unload(String name) {
        LoadedModel m;
        synchronized (ModelStore.class) {
            m = MODELS.remove(name);
        }
        if (m == null) return false;
        closeQuietly(m);
        return true;
    }

    /** Unloads every model (kernel shutdown). */
    public static void unloadAll() {
        for (String n : names()) unload(n);
    }

    /** Called with a model before it is closed (unload, replace, shutdown): stop serving it there. */
    public static void onUnload(Consumer<LoadedModel> listener) {
        UNLOAD_LISTENERS.add(listener);
    }

    private static void closeQuietly(LoadedModel m) {
        for (Consumer<LoadedModel> l : UNLOAD_LISTENERS) {
            try {
                l.accept(m);
            } catch (RuntimeException ignored) {
                // a listener's failure must not keep the memory
            }
        }
        m.close();
    }
}
