package io.djlkernel.djl.devices;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One GPU's state as NVML or nvidia-smi report it. Fields the driver does not report ("N/A", "[Not Supported]")
 * are null. Memory in MiB, power in watts, temperature in °C, utilization in percent.
 */
public record GpuReading(int index, String name, String uuid, String busId, Long memoryUsedMiB, Long memoryTotalMiB,
                         Integer utilizationGpu, Integer utilizationMemory, Integer temperatureC, Double powerW,
                         Double powerLimitW, String computeCapability, String driverVersion, String source) {

    /** The JSON shape used by usage_reply's "gpus" and the djl.devices comm (snake_case, nulls kept). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", index);
        m.put("name", name);
        m.put("uuid", uuid);
        m.put("bus_id", busId);
        m.put("memory_used_mib", memoryUsedMiB);
        m.put("memory_total_mib", memoryTotalMiB);
        m.put("memory_used_bytes", memoryUsedMiB == null ? null : memoryUsedMiB * 1024 * 1024);
        m.put("memory_total_bytes", memoryTotalMiB == null ? null : memoryTotalMiB * 1024 * 1024);
        m.put("utilization_gpu", utilizationGpu);
        m.put("utilization_memory", utilizationMemory);
        m.put("temperature_c", temperatureC);
        m.put("power_w", powerW);
        m.put("power_limit_w", powerLimitW);
        m.put("compute_capability", computeCapability);
        m.put("driver_version", driverVersion);
        m.put("source", source);
        return m;
    }

    public String memoryText() {
        if (memoryUsedMiB == null && memoryTotalMiB == null) return "n/a";
        return (memoryUsedMiB == null ? "?" : memoryUsedMiB) + " / " + (memoryTotalMiB == null ? "?" : memoryTotalMiB) + " MiB";
    }
}
