package io.djlkernel.djl.tensors;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.djlkernel.djl.DjlEnvironment;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The notebook's NDManager (the {@code manager} every cell has), created on first use so that kernel start-up
 * never loads the engine, and a census of every manager and array alive in the engine for {@code %memory}.
 */
public final class NotebookManagers {
    public static final String NAME = "notebook";
    private static final Object LOCK = new Object();
    private static volatile NDManager root;

    private NotebookManagers() {
    }

    /** The notebook's manager on the engine's default device (the first GPU when there is one), made on first call. */
    public static NDManager root() {
        NDManager m = root;
        if (m != null && m.isOpen()) return m;
        synchronized (LOCK) {
            if (root == null || !root.isOpen()) {
                NDManager created = DjlEnvironment.engine().newBaseManager();
                created.setName(NAME);
                root = created;
            }
            return root;
        }
    }

    /** Whether the notebook's manager exists (without creating it). */
    public static boolean exists() {
        NDManager m = root;
        return m != null && m.isOpen();
    }

    /** Closes the notebook's manager (and everything it holds); the next {@link #root()} makes a new one. */
    public static Freed closeRoot() {
        synchronized (LOCK) {
            NDManager m = root;
            root = null;
            if (m == null || !m.isOpen()) return new Freed(0, 0, 0);
            Census before = Census.of(List.of(m));
            m.close();
            return new Freed(before.arrays, before.bytes, before.managers);
        }
    }

    /**
     * Closes every manager the engine holds (the notebook's, those cells made with {@code NDManager.newBaseManager()},
     * models' and predictors'), which frees their device memory. Used by --free --all and on shutdown.
     */
    public static Freed closeAll() {
        Freed notebook = closeRoot();
        if (!DjlEnvironment.isLoaded()) return notebook;
        List<NDManager> top = topLevelManagers();
        Census before = Census.of(top);
        for (NDManager m : top) {
            try {
                m.close();
            } catch (RuntimeException ignored) {
                // a manager already half-closed by its owner
            }
        }
        return new Freed(notebook.arrays + before.arrays, notebook.bytes + before.bytes,
                notebook.managers + before.managers);
    }

    /** The managers directly under the engine's system manager (one per newBaseManager call that is still open). */
    public static List<NDManager> topLevelManagers() {
        if (!DjlEnvironment.isLoaded()) return List.of();
        NDManager probe = root;
        NDManager system;
        if (probe != null && probe.isOpen()) {
            system = probe.getParentManager();
        } else {
            try (NDManager temp = DjlEnvironment.engine().newBaseManager()) {
                system = temp.getParentManager();
            }
        }
        List<NDManager> out = new ArrayList<>();
        for (Object r : resources(system)) {
            if (r instanceof NDManager && ((NDManager) r).isOpen()) out.add((NDManager) r);
        }
        return out;
    }

    static Collection<AutoCloseable> resources(NDManager manager) {
        if (!(manager instanceof BaseNDManager)) return List.of();
        try {
            Field f = BaseNDManager.class.getDeclaredField("resources");
            f.setAccessible(true);
            @SuppressWarnings("unchecked")
            Map<String, AutoCloseable> map = (Map<String, AutoCloseable>) f.get(manager);
            return new ArrayList<>(map.values());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return List.of();
        }
    }

    /** Live arrays and their logical bytes (views counted in full), by device and by top-level manager. */
    public static final class Census {
        public long arrays;
        public long bytes;
        public long managers;
        public final Map<String, long[]> byDevice = new LinkedHashMap<>();   // device -> {arrays, bytes}
        public final Map<String, long[]> byManager = new LinkedHashMap<>();  // manager -> {arrays, bytes, device#}

        public static Census of(List<NDManager> tops) {
            Census c = new Census();
            for (NDManager top : tops) {
                long[] before = {c.arrays, c.bytes};
                c.walk(top, 0);
                String label = label(top);
                c.byManager.merge(label, new long[]{c.arrays - before[0], c.bytes - before[1]},
                        (a, b) -> new long[]{a[0] + b[0], a[1] + b[1]});
            }
            return c;
        }

        private void walk(NDManager m, int depth) {
            if (!m.isOpen() || depth > 64) return;
            managers++;
            for (Object r : resources(m)) {
                if (r instanceof NDManager) {
                    walk((NDManager) r, depth + 1);
                } else if (r instanceof NDArray) {
                    NDArray a = (NDArray) r;
                    if (a.isReleased()) continue;
                    long b;
                    try {
                        b = a.getShape().size() * a.getDataType().getNumOfBytes();
                    } catch (RuntimeException e) {
                        continue;
                    }
                    arrays++;
                    bytes += b;
                    Device d = a.getDevice();
                    byDevice.merge(d.toString(), new long[]{1, b}, (x, y) -> new long[]{x[0] + y[0], x[1] + y[1]});
                }
            }
        }

        public static String label(NDManager m) {
            String name = m.getName();
            boolean unnamed = name == null || name.isEmpty() || name.matches("[0-9a-fA-F-]{32,36}");
            return (unnamed ? "manager@" + Integer.toHexString(System.identityHashCode(m)) : name)
                    + " (" + m.getDevice() + ")";
        }
    }

    /** What a close released. */
    public record Freed(long arrays, long bytes, long managers) {
    }
}
