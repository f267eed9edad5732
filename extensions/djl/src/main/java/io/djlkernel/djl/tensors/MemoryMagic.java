package io.djlkernel.djl.tensors;

import ai.djl.ndarray.NDManager;
import io.djlkernel.api.magic.MagicArgs;
import io.djlkernel.api.magic.MagicContext;
import io.djlkernel.api.magic.MagicException;
import io.djlkernel.djl.DjlEnvironment;
import io.djlkernel.djl.devices.GpuReading;
import io.djlkernel.djl.devices.GpuStatus;
import io.djlkernel.djl.render.Report;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code %memory [--free [--all]]}: live NDArrays per device and manager, device memory, JVM heap. */
public final class MemoryMagic {
    public static final String SUMMARY = "live NDArrays per device and manager, GPU memory, JVM heap (--free closes them)";
    public static final String USAGE = "%memory [--free [--all]]\n"
            + "  Live NDArrays by device and by NDManager (logical bytes: views count in full), GPU memory from\n"
            + "  NVML/nvidia-smi, JVM heap and the process's resident memory.\n"
            + "  --free        close the notebook's manager and everything it holds (manager is then a fresh one)\n"
            + "  --free --all  close every NDManager in the engine (also the ones cells made, models, predictors)";

    /** Rebinds the cell variable after --free; only when it still is the closed notebook manager. */
    public static final String REBIND = "if (manager == null || !manager.isOpen()) manager = io.djlkernel.djl.tensors.Tensors.notebookManager();";

    private MemoryMagic() {
    }

    public static Object run(String args, MagicContext context) throws MagicException {
        List<String> words = MagicArgs.split(args);
        boolean free = words.remove("--free");
        boolean all = words.remove("--all");
        if (!words.isEmpty() || (all && !free)) throw new MagicException("unknown arguments: " + args + "\n" + USAGE);
        Report report = new Report(free ? "Memory (after --free" + (all ? " --all" : "") + ")" : "Memory");
        if (free) {
            NotebookManagers.Freed freed = all ? NotebookManagers.closeAll() : NotebookManagers.closeRoot();
            report.row("Freed", freed.arrays() + " arrays, " + bytes(freed.bytes()) + " in " + freed.managers() + " managers");
            if (context != null && !context.isExpression() && DjlEnvironment.isLoaded()) {
                try {
                    context.eval(REBIND);
                } catch (Exception ignored) {
                    // the cell's own variable named manager is not an NDManager: leave it alone
                }
            }
        }
        return fill(report);
    }

    static Report fill(Report report) {
        Map<String, Object> data = new LinkedHashMap<>();
        if (!DjlEnvironment.isLoaded()) {
            report.row("NDArrays", "none (the engine is not loaded yet: no tensor cell has run)");
        } else {
            List<NDManager> tops = NotebookManagers.topLevelManagers();
            NotebookManagers.Census census = NotebookManagers.Census.of(tops);
            report.row("NDArrays", census.arrays + " live, " + bytes(census.bytes) + " (logical; views count in full)");
            List<List<String>> byDevice = new ArrayList<>();
            census.byDevice.forEach((d, v) -> byDevice.add(List.of(d, Long.toString(v[0]), bytes(v[1]))));
            if (!byDevice.isEmpty()) report.table("By device", List.of("device", "arrays", "bytes"), byDevice);
            List<List<String>> byManager = new ArrayList<>();
            census.byManager.forEach((m, v) -> byManager.add(List.of(m, Long.toString(v[0]), bytes(v[1]))));
            if (!byManager.isEmpty()) report.table("By manager (with its sub-managers)", List.of("manager", "arrays", "bytes"), byManager);
            data.put("arrays", census.arrays);
            data.put("bytes", census.bytes);
            Map<String, Object> devices = new LinkedHashMap<>();
            census.byDevice.forEach((d, v) -> devices.put(d, Map.of("arrays", v[0], "bytes", v[1])));
            data.put("by_device", devices);
            Map<String, Object> managers = new LinkedHashMap<>();
            census.byManager.forEach((m, v) -> managers.put(m, Map.of("arrays", v[0], "bytes", v[1])));
            data.put("by_manager", managers);
        }
        List<GpuReading> gpus = GpuStatus.readings();
        if (gpus.isEmpty()) {
            report.row("GPU memory", "no GPU");
        } else {
            for (GpuReading g : gpus) report.row("GPU " + g.index() + " memory", g.memoryText() + " (" + g.name() + ")");
        }
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        report.row("JVM heap", bytes(heap.getUsed()) + " used, " + bytes(heap.getCommitted()) + " committed, "
                + bytes(heap.getMax()) + " max");
        long rss = residentBytes();
        if (rss > 0) report.row("Process RSS", bytes(rss) + " (JVM + libtorch + native tensors)");
        data.put("heap_used", heap.getUsed());
        data.put("heap_max", heap.getMax());
        data.put("rss", rss);
        data.put("gpus", GpuStatus.readingMaps());
        report.data(data);
        return report;
    }

    public static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return -1;
    }

    public static String bytes(long b) {
        if (b < 0) return "?";
        if (b < 1024) return b + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }
}
