package io.djlkernel.djl.tensors;

import ai.djl.ndarray.NDArray;

import java.lang.ref.WeakReference;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The N-D arrays the tensor viewer may ask more slices of, by the id their {@code application/vnd.djl.ndarray+json}
 * document carries. Weakly held and bounded: an entry never keeps an array (or the native memory behind it)
 * alive, a closed array counts as gone, and past {@value #MAX} entries the least recently used one is dropped.
 */
public final class TensorRefs {
    static final int MAX = 256;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<String, WeakReference<NDArray>> REFS = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, WeakReference<NDArray>> eldest) {
            return size() > MAX;
        }
    };

    private TensorRefs() {
    }

    /** A new id for {@code array} (one per display: the same array shown twice gets two). */
    static synchronized String register(NDArray array) {
        REFS.values().removeIf(r -> r.get() == null);
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        String id = HexFormat.of().formatHex(b);
        REFS.put(id, new WeakReference<>(array));
        return id;
    }

    /** The array, or null when it was collected, closed, evicted or never registered here (another kernel run). */
    static synchronized NDArray get(String id) {
        WeakReference<NDArray> ref = REFS.get(id);
        NDArray a = ref == null ? null : ref.get();
        if (a == null || a.isReleased()) {
            REFS.remove(id);
            return null;
        }
        return a;
    }

    static synchronized int size() {
        return REFS.size();
    }

    /** Forgets every array (kernel shutdown). */
    public static synchronized void clear() {
        REFS.clear();
    }
}
