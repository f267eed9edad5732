package io.djlkernel.djl.devices;

import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import io.djlkernel.djl.DjlEnvironment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * GPU readings for monitors (usage_request, the djl.devices comm, %gpu, %memory): NVML first, nvidia-smi when
 * NVML is missing, an empty list when neither is there. Never calls CUDA (no context, no device memory).
 * Readings are cached briefly so that several monitors polling at once cost one query.
 */
public final class GpuStatus {
    static final long CACHE_MILLIS = 200;
    private static final Object LOCK = new Object();
    private static volatile Supplier<List<GpuReading>> source = GpuStatus::query;
    private static volatile List<GpuReading> cached = List.of();
    private static volatile long cachedAt;
    private static volatile String lastError;
    private static volatile boolean smiMissing;

    private GpuStatus() {
    }

    /** The current readings (possibly up to {@value #CACHE_MILLIS} ms old); never throws. */
    public static List<GpuReading> readings() {
        long now = System.currentTimeMillis();
        if (now - cachedAt < CACHE_MILLIS) return cached;
        synchronized (LOCK) {
            if (System.currentTimeMillis() - cachedAt < CACHE_MILLIS) return cached;
            List<GpuReading> fresh;
            try {
                fresh = source.get();
            } catch (RuntimeException e) {
                lastError = e.toString();
                fresh = List.of();
            }
            cached = List.copyOf(fresh);
            cachedAt = System.currentTimeMillis();
            return cached;
        }
    }

    public static List<Map<String, Object>> readingMaps() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (GpuReading r : readings()) out.add(r.toMap());
        return out;
    }

    /** For tests: replace where readings come from (null restores NVML / nvidia-smi). */
    public static void setSource(Supplier<List<GpuReading>> replacement) {
        synchronized (LOCK) {
            source = replacement == null ? GpuStatus::query : replacement;
            cachedAt = 0;
        }
    }

    private static List<GpuReading> query() {
        Nvml nvml = Nvml.get();
        if (nvml != null) {
            lastError = null;
            return nvml.readings();
        }
        if (smiMissing) return List.of();
        try {
            List<GpuReading> r = NvidiaSmi.query();
            lastError = null;
            return r;
        } catch (IOException e) {
            smiMissing = true; // not installed: do not spawn a process on every poll
            return List.of();
        } catch (NvidiaSmi.SmiException e) {
            lastError = "nvidia-smi: " + e.getMessage();
            return List.of();
        }
    }

    /** The last error from NVML or nvidia-smi (e.g. "couldn't communicate with the NVIDIA driver"), or null. */
    public static String lastError() {
        return lastError;
    }

    /** Whether an NVIDIA driver answers (NVML loads, or nvidia-smi runs). */
    public static boolean hasDriver() {
        if (Nvml.get() != null) return true;
        readings();
        return !smiMissing && lastError == null;
    }

    /** The natives' flavor: "cpu", "cu128", ... (from the loaded engine, PYTORCH_FLAVOR or the bundled jar). */
    public static String nativeFlavor() {
        if (DjlEnvironment.isLoaded()) {
            String path = libtorchPath();
            if (path != null) {
                for (String part : path.split("[-/]")) {
                    if (part.equals("cpu") || part.matches("cu\\d+")) return part;
                }
            }
            try {
                if (DjlEnvironment.engine().hasCapability(StandardCapabilities.CUDA)) return "cuda";
            } catch (RuntimeException ignored) {
                // fall through to the settings
            }
        }
        String flavor = DjlEnvironment.setting("PYTORCH_FLAVOR");
        if (flavor != null) return flavor;
        Properties bundled = DjlEnvironment.bundledNatives();
        return bundled != null ? bundled.getProperty("flavor", "?") : "?";
    }

    /** Where libtorch was loaded from (null before the engine loads). */
    public static String libtorchPath() {
        if (!DjlEnvironment.isLoaded()) return null;
        try {
            return ai.djl.pytorch.jni.LibUtils.getLibtorchPath();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Why PyTorch sees no GPU here, in a few words that name the cause. */
    public static String whyNoCuda() {
        String visible = System.getenv("CUDA_VISIBLE_DEVICES");
        if (!hasDriver()) {
            String err = lastError();
            return err != null ? "the NVIDIA driver does not answer: " + err
                    : "no NVIDIA driver on this machine (libnvidia-ml.so.1 and nvidia-smi not found)";
        }
        if (visible != null && (visible.isBlank() || visible.strip().equals("-1"))) {
            return "no device visible: CUDA_VISIBLE_DEVICES=\"" + visible + "\" hides every GPU";
        }
        if (readings().isEmpty()) return "no device visible: the driver is there but lists no GPU";
        String flavor = nativeFlavor();
        if ("cpu".equals(flavor)) {
            return "CPU-only natives (PyTorch " + DjlEnvironment.TORCH_VERSION + " flavor cpu): for the GPU set "
                    + "PYTORCH_LIBRARY_PATH to torch " + DjlEnvironment.TORCH_VERSION + "+cu128's lib folder with "
                    + "PYTORCH_VERSION=" + DjlEnvironment.TORCH_VERSION + " and PYTORCH_FLAVOR=cu128";
        }
        return "the driver lists GPUs but CUDA did not initialize (is libcudart on LD_LIBRARY_PATH? "
                + "is the driver new enough for CUDA 12.8?)";
    }

    /** GPUs as PyTorch sees them; loads the engine. */
    static int torchGpuCount() {
        Engine e = DjlEnvironment.engine();
        return e.getGpuCount();
    }
}
