package io.djlkernel.djl;

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

        /** nvmlMemory_t: unsigned long long total, free, used. */
        int nvmlDeviceGetMemoryInfo(Pointer device, Pointer memory);

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
                Lib lib = Native.load("nvidia-ml", Lib.class);
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
            Long used = null;
            Long total = null;
            try (Memory mem = new Memory(24)) {
                if (lib.nvmlDeviceGetMemoryInfo(d, mem) == NVML_SUCCESS) {
                    total = mem.getLong(0) / (1024 * 1024);
                    used = mem.getLong(16) / (1024 * 1024);
                }
            }
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
            out.add(new GpuReading(i, name, uuid, null, used, total, utilGpu, utilMem, temp, power, limit, cc,
                    driver, "nvml"));
        }
        return out;
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
