package io.djlkernel.djl.devices;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * GPU readings from NVML ({@code libnvidia-ml.so.1}, the driver's monitoring library) through JNA. Unlike
 * CUDA calls it creates no CUDA context, so it is safe from monitor threads and costs no device memory.
 */
public final class Nvml {
    private static final int NVML_SUCCESS = 0;
    private static final Object LOCK = new Object();
    private static volatile Nvml instance;
    private static volatile String unavailable;

    private final Lib lib;

    /** The C functions used (signatures from nvml.h; structs passed as raw memory). */
    interface Lib extends Library {
        int nvmlInit_v2();

        int nvmlShutdown();

        int nvmlDeviceGetCount_v2(IntByReference count);

        int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

        int nvmlDeviceGetName(Pointer device, byte[] name, int length);

        int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length);

        /** nvmlMemory_t: unsigned long long total, free, used (used counts the driver's reserved memory). */
        int nvmlDeviceGetMemoryInfo(Pointer device, Pointer memory);

        /** nvmlMemory_v2_t: unsigned int version; unsigned long long total, reserved, free, used (driver 510+). */
        int nvmlDeviceGetMemoryInfo_v2(Pointer device, Pointer memory);

        /** nvmlPciInfo_t: char busIdLegacy[16]; unsigned int domain, bus, device, pciDeviceId, pciSubSystemId; char busId[32]. */
        int nvmlDeviceGetPciInfo_v3(Pointer device, Pointer pci);

        /** nvmlUtilization_t: unsigned int gpu, memory. */
        int nvmlDeviceGetUtilizationRates(Pointer device, Pointer utilization);

        int nvmlDeviceGetTemperature(Pointer device, int sensorType, IntByReference temp);

        int nvmlDeviceGetPowerUsage(Pointer device, IntByReference milliwatts);

        int nvmlDeviceGetEnforcedPowerLimit(Pointer device, IntByReference milliwatts);

        int nvmlDeviceGetCudaComputeCapability(Pointer device, IntByReference major, IntByReference minor);

        int nvmlSystemGetDriverVersion(byte[] version, int length);

        int nvmlSystemGetCudaDriverVersion_v2(IntByReference version);
    }

    private Nvml(Lib lib) {
        this.lib = lib;
    }

    /** NVML, initialized once, or null when this machine has no NVIDIA driver ({@link #unavailableReason()}). */
    public static Nvml get() {
        Nvml n = instance;
        if (n != null || unavailable != null) return n;
        synchronized (LOCK) {
            if (instance != null || unavailable != null) return instance;
            try {
                Lib lib = load();
                int rc = lib.nvmlInit_v2();
                if (rc != NVML_SUCCESS) {
                    unavailable = "NVML failed to initialize (error " + rc + (rc == 9 ? ": driver not loaded" : "") + ")";
                } else {
                    instance = new Nvml(lib);
                }
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                unavailable = "no NVIDIA driver (libnvidia-ml.so.1 not found)";
            } catch (RuntimeException e) {
                unavailable = "NVML failed: " + e.getMessage();
            }
            return instance;
        }
    }

    /**
     * The driver ships only the versioned {@code libnvidia-ml.so.1} (the unversioned name comes with dev packages),
     * often in a mounted driver folder outside the loader cache, so try the names and folders drivers really use.
     */
    private static Lib load() {
        UnsatisfiedLinkError first = null;
        for (String name : NVML_NAMES) {
            if (name.startsWith("/") && !java.nio.file.Files.exists(java.nio.file.Path.of(name))) continue;
            try {
                return Native.load(name, Lib.class);
            } catch (UnsatisfiedLinkError e) {
                if (first == null) first = e;
            }
        }
        throw first != null ? first : new UnsatisfiedLinkError("libnvidia-ml.so.1 not found");
    }

    static final String[] NVML_NAMES = {"nvidia-ml", "libnvidia-ml.so.1", "/usr/local/nvidia/lib64/libnvidia-ml.so.1",
            "/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1", "/usr/lib64/libnvidia-ml.so.1", "/usr/lib/wsl/lib/libnvidia-ml.so.1"};

    public static String unavailableReason() {
        return unavailable;
    }

    public synchronized List<GpuReading> readings() {
        List<GpuReading> out = new ArrayList<>();
        IntByReference count = new IntByReference();
        if (lib.nvmlDeviceGetCount_v2(count) != NVML_SUCCESS) return out;
        String driver = driverVersion();
        for (int i = 0; i < count.getValue(); i++) {
            PointerByReference handle = new PointerByReference();
            if (lib.nvmlDeviceGetHandleByIndex_v2(i, handle) != NVML_SUCCESS) continue;
            Pointer d = handle.getValue();
            String name = string((buf, len) -> lib.nvmlDeviceGetName(d, buf, len));
            String uuid = string((buf, len) -> lib.nvmlDeviceGetUUID(d, buf, len));
            long[] memory = memory(d);
            Long total = memory == null ? null : memory[0] / (1024 * 1024);
            Long used = memory == null ? null : memory[1] / (1024 * 1024);
            Integer utilGpu = null;
            Integer utilMem = null;
            try (Memory util = new Memory(8)) {
                if (lib.nvmlDeviceGetUtilizationRates(d, util) == NVML_SUCCESS) {
                    utilGpu = util.getInt(0);
                    utilMem = util.getInt(4);
                }
            }
            IntByReference v = new IntByReference();
            Integer temp = lib.nvmlDeviceGetTemperature(d, 0, v) == NVML_SUCCESS ? v.getValue() : null;
            Double power = lib.nvmlDeviceGetPowerUsage(d, v) == NVML_SUCCESS ? v.getValue() / 1000.0 : null;
            Double limit = lib.nvmlDeviceGetEnforcedPowerLimit(d, v) == NVML_SUCCESS ? v.getValue() / 1000.0 : null;
            IntByReference major = new IntByReference();
            IntByReference minor = new IntByReference();
            String cc = lib.nvmlDeviceGetCudaComputeCapability(d, major, minor) == NVML_SUCCESS
                    ? major.getValue() + "." + minor.getValue() : null;
            out.add(new GpuReading(i, name, uuid, busId(d), used, total, utilGpu, utilMem, temp, power, limit, cc,
                    driver, "nvml"));
        }
        return out;
    }

    private static final int MEMORY_V2_SIZE = 40;
    private static final int MEMORY_V2_VERSION = MEMORY_V2_SIZE | (2 << 24);
    private boolean memoryV2 = true;
    private boolean pciV3 = true;

    /**
     * {total, used} in bytes. The v2 call gives "used" without the driver's reserved memory, as nvidia-smi shows
     * it (an idle H200 reads 0 MiB there but 615 MiB through v1); older drivers only have v1.
     */
    private long[] memory(Pointer d) {
        if (memoryV2) {
            try (Memory mem = new Memory(MEMORY_V2_SIZE)) {
                mem.clear();
                mem.setInt(0, MEMORY_V2_VERSION);
                if (lib.nvmlDeviceGetMemoryInfo_v2(d, mem) == NVML_SUCCESS) {
                    return new long[] {mem.getLong(8), mem.getLong(32)};
                }
            } catch (UnsatisfiedLinkError e) {
                memoryV2 = false;
            }
        }
        try (Memory mem = new Memory(24)) {
            if (lib.nvmlDeviceGetMemoryInfo(d, mem) == NVML_SUCCESS) return new long[] {mem.getLong(0), mem.getLong(16)};
        }
        return null;
    }

    /** The PCI bus id as nvidia-smi prints it (00000000:00:06.0), or null. */
    private String busId(Pointer d) {
        if (!pciV3) return null;
        try (Memory pci = new Memory(128)) {
            pci.clear();
            if (lib.nvmlDeviceGetPciInfo_v3(d, pci) != NVML_SUCCESS) return null;
            String id = pci.getString(36, StandardCharsets.US_ASCII.name());
            return id.isEmpty() ? null : id;
        } catch (UnsatisfiedLinkError e) {
            pciV3 = false;
            return null;
        }
    }

    public synchronized String driverVersion() {
        return string(lib::nvmlSystemGetDriverVersion);
    }

    /** The newest CUDA the driver supports, like nvidia-smi's "CUDA Version: 12.8". */
    public synchronized String cudaDriverVersion() {
        IntByReference v = new IntByReference();
        if (lib.nvmlSystemGetCudaDriverVersion_v2(v) != NVML_SUCCESS) return null;
        int version = v.getValue();
        return (version / 1000) + "." + (version % 1000) / 10;
    }

    private interface StringCall {
        int call(byte[] buffer, int length);
    }

    private static String string(StringCall call) {
        byte[] buf = new byte[96];
        if (call.call(buf, buf.length) != NVML_SUCCESS) return null;
        int n = 0;
        while (n < buf.length && buf[n] != 0) n++;
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }
}
