package io.djlkernel.djl.devices;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.djlkernel.api.magic.MagicArgs;
import io.djlkernel.api.magic.MagicContext;
import io.djlkernel.api.magic.MagicException;
import io.djlkernel.djl.DjlEnvironment;
import io.djlkernel.djl.TorchBridge;
import io.djlkernel.djl.render.Report;
import io.djlkernel.djl.tensors.NDArrayFormat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code %gpu [--check]}: what a PyTorch user checks first, in one magic. */
public final class GpuMagic {
    public static final String SUMMARY = "GPUs as PyTorch sees them: CUDA, devices, memory, versions (--check: matmul on each)";
    public static final String USAGE = "%gpu [--check]\n"
            + "  CUDA available (and why not), device count, current device, names, compute capability, memory,\n"
            + "  driver/CUDA/libtorch versions, DJL engine, flavor and native path.\n"
            + "  --check   multiply two 1000x1000 float32 matrices on each device; report time and GFLOP/s";
    static final int N = 1000;

    private GpuMagic() {
    }

    public static Object run(String args, MagicContext context) throws MagicException {
        List<String> words = MagicArgs.split(args);
        boolean check = false;
        for (String w : words) {
            if (w.equals("--check")) check = true;
            else throw new MagicException("unknown argument: " + w + "\n" + USAGE);
        }
        Report report = report();
        if (check && DjlEnvironment.isLoaded()) check(report);
        return report;
    }

    /** The %gpu report (loads the engine, like torch.cuda.is_available() imports torch). */
    public static Report report() {
        Report r = new Report("GPU status");
        List<GpuReading> readings = GpuStatus.readings();
        Engine engine;
        try {
            engine = DjlEnvironment.engine();
        } catch (DjlEnvironment.DjlUnavailableException e) {
            r.row("CUDA available", "unknown: the PyTorch engine did not load");
            r.note("Error: " + e.getMessage());
            addDriverRows(r, readings);
            return r;
        }
        int torchGpus = engine.getGpuCount();
        r.row("CUDA available", torchGpus > 0 ? "yes" : "no — " + GpuStatus.whyNoCuda());
        r.row("Device count", torchGpus + (torchGpus == 0 ? " GPUs (cells run on cpu())" : torchGpus == 1 ? " GPU" : " GPUs"));
        Device current = engine.defaultDevice();
        r.row("Current device", current + (current.isGpu() ? "" : "  (no GPU: manager and Trainer use the CPU)"));
        addDriverRows(r, readings);
        r.row("libtorch", DjlEnvironment.torchVersion() + " (engine reports " + engine.getVersion() + ")");
        TorchBridge bridge = DjlEnvironment.bridge();
        if (bridge != null) r.row("Torch bridge", bridge.describe());
        r.row("DJL", Engine.getDjlVersion() + ", engine " + engine.getEngineName());
        r.row("Flavor", GpuStatus.nativeFlavor());
        String path = GpuStatus.libtorchPath();
        r.row("Native path", path == null ? "?" : path);
        r.row("Offline", DjlEnvironment.isOffline() ? "yes (DJL never downloads)" : "no");
        if (!readings.isEmpty()) {
            List<List<String>> body = new ArrayList<>();
            for (GpuReading g : readings) {
                body.add(List.of(Integer.toString(g.index()), nz(g.name()), nz(g.computeCapability()), g.memoryText(),
                        g.utilizationGpu() == null ? "n/a" : g.utilizationGpu() + " %",
                        g.temperatureC() == null ? "n/a" : g.temperatureC() + " °C",
                        g.powerW() == null ? "n/a" : String.format("%.0f W", g.powerW())));
            }
            r.table("GPUs (" + readings.get(0).source() + ")",
                    List.of("#", "name", "compute cap.", "memory used/total", "util", "temp", "power"), body);
        } else if (torchGpus == 0) {
            r.note("No GPU here: tensors live on cpu().");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cuda_available", torchGpus > 0);
        data.put("device_count", torchGpus);
        data.put("gpus", GpuStatus.readingMaps());
        r.data(data);
        return r;
    }

    private static void addDriverRows(Report r, List<GpuReading> readings) {
        Nvml nvml = Nvml.get();
        String driver = null;
        String cuda = null;
        if (nvml != null) {
            driver = nvml.driverVersion();
            cuda = nvml.cudaDriverVersion();
        } else if (!readings.isEmpty()) {
            driver = readings.get(0).driverVersion();
            cuda = NvidiaSmi.parseCudaVersion(NvidiaSmi.banner());
        }
        if (driver == null && readings.isEmpty()) {
            String err = GpuStatus.lastError();
            r.row("Driver / CUDA", "none (" + (err != null ? err : Nvml.unavailableReason() != null
                    ? Nvml.unavailableReason() : "no NVIDIA driver") + ")");
        } else {
            r.row("Driver / CUDA", nz(driver) + " / " + (cuda == null ? "?" : cuda + " (newest the driver supports)"));
        }
    }

    /** --check: a 1000x1000 matmul on each device (timed after a warm-up), with its GFLOP/s. */
    static void check(Report report) {
        Engine engine = DjlEnvironment.engine();
        Device[] devices = engine.getDevices();
        List<List<String>> body = new ArrayList<>();
        List<Map<String, Object>> results = new ArrayList<>();
        float[] reference = null;
        try (NDManager host = engine.newBaseManager(Device.cpu())) {
            // the same inputs on every device (made on the CPU and copied), so results can be compared
            NDArray hostA = host.randomUniform(-1f, 1f, new Shape(N, N), DataType.FLOAT32);
            NDArray hostB = host.randomUniform(-1f, 1f, new Shape(N, N), DataType.FLOAT32);
            for (Device device : devices) {
                try (NDManager m = engine.newBaseManager(device)) {
                    NDArray a = hostA.toDevice(device, true);
                    NDArray b = hostB.toDevice(device, true);
                    a.attach(m);
                    b.attach(m);
                    a.matMul(b).sum().getFloat(); // warm-up (and, on a GPU, CUDA's lazy start)
                    long best = Long.MAX_VALUE;
                    NDArray c = null;
                    for (int i = 0; i < 5; i++) {
                        long t0 = System.nanoTime();
                        c = a.matMul(b);
                        c.get(0, 0).getFloat(); // waits for the device
                        best = Math.min(best, System.nanoTime() - t0);
                    }
                    double ms = best / 1e6;
                    double gflops = 2.0 * N * N * N / (best / 1e9) / 1e9;
                    float[] corner = c.get("0:4, 0:4").toFloatArray();
                    String note = "";
                    if (reference == null) {
                        reference = corner;
                    } else {
                        double diff = 0;
                        for (int i = 0; i < corner.length; i++) diff = Math.max(diff, Math.abs(corner[i] - reference[i]));
                        note = String.format("max |diff| vs %s: %.2g", devices[0], diff);
                    }
                    body.add(List.of(device.toString(), NDArrayFormat.shapeString(c.getShape()),
                            String.format("%.2f ms", ms), String.format("%.1f", gflops), note));
                    Map<String, Object> res = new LinkedHashMap<>();
                    res.put("device", device.toString());
                    res.put("shape", List.of(N, N));
                    res.put("ms", ms);
                    res.put("gflops", gflops);
                    results.add(res);
                } catch (RuntimeException e) {
                    body.add(List.of(device.toString(), "-", "failed", "-", String.valueOf(e.getMessage())));
                }
            }
        }
        report.table("Check: " + N + "x" + N + " float32 matmul, best of 5 (same inputs on every device)",
                List.of("device", "result shape", "time", "GFLOP/s", "note"), body);
        if (report.data() instanceof Map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> data = (Map<String, Object>) report.data();
            data.put("check", results);
        }
    }

    private static String nz(String s) {
        return s == null ? "n/a" : s;
    }
}
