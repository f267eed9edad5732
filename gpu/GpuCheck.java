import com.google.gson.GsonBuilder;
import io.djlkernel.djl.devices.DevicesComm;
import io.djlkernel.djl.devices.GpuMagic;
import io.djlkernel.djl.devices.GpuStatus;
import io.djlkernel.djl.devices.NvidiaSmi;
import io.djlkernel.djl.devices.Nvml;
import io.djlkernel.djl.render.Report;

/**
 * What gpu/check.sh runs through the kernel's own classes on a GPU machine (no Jupyter needed there):
 * {@code readings} (NVML and nvidia-smi agree, and what one reading costs), {@code comm} (the devices panel's
 * payload), {@code check} (%gpu --check: the report and a matmul on every device).
 */
public class GpuCheck {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "readings" -> System.exit(readings());
            case "comm" -> {
                System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(DevicesComm.reading()));
                System.exit(0);
            }
            case "check" -> {
                Report report = (Report) GpuMagic.run("--check", null);
                System.out.println(report.text());
                boolean cuda = report.get("CUDA available").startsWith("yes");
                System.exit(cuda && report.text().contains("gpu(0)") && !report.text().contains("failed") ? 0 : 1);
            }
            default -> throw new IllegalArgumentException("mode: readings | comm | check");
        }
    }

    private static int readings() throws Exception {
        var r = GpuStatus.readings();
        Nvml nvml = Nvml.get();
        System.out.println("readings (" + (nvml != null ? "NVML" : "nvidia-smi: " + Nvml.unavailableReason()) + "): "
                + r.size() + " GPUs");
        for (var g : r) System.out.println("  " + g.toMap());
        if (r.isEmpty()) {
            System.out.println("  error: " + GpuStatus.lastError());
            return 1;
        }
        var smi = NvidiaSmi.query();
        System.out.println("nvidia-smi parse: " + smi.size() + " GPUs, first " + (smi.isEmpty() ? "-" : smi.get(0).toMap()));
        int status = smi.size() == r.size() ? 0 : 1;
        if (nvml != null && !smi.isEmpty()) {
            // the devices panel polls every second: what one reading costs, NVML against spawning nvidia-smi
            long nvmlNs = best(() -> nvml.readings());
            long smiNs = best(() -> {
                try {
                    NvidiaSmi.query();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            System.out.printf("one reading: NVML %.3f ms, nvidia-smi %.1f ms -> NVML is %.0fx cheaper%n",
                    nvmlNs / 1e6, smiNs / 1e6, (double) smiNs / nvmlNs);
            boolean sameName = r.get(0).name().equals(smi.get(0).name());
            var a = r.get(0);
            var b = smi.get(0);
            boolean sameBus = String.valueOf(a.busId()).equalsIgnoreCase(String.valueOf(b.busId()));
            // an idle GPU: both must read the same used memory (NVML v1 would count the driver's reservation)
            boolean sameMemory = a.memoryUsedMiB() != null && b.memoryUsedMiB() != null
                    && Math.abs(a.memoryUsedMiB() - b.memoryUsedMiB()) <= 16
                    && a.memoryTotalMiB().equals(b.memoryTotalMiB());
            System.out.println("NVML and nvidia-smi agree: name " + sameName + ", bus id " + sameBus + " (" + a.busId()
                    + "), memory used/total " + sameMemory + " (" + a.memoryUsedMiB() + "/" + a.memoryTotalMiB()
                    + " vs " + b.memoryUsedMiB() + "/" + b.memoryTotalMiB() + " MiB)");
            if (!sameName || !sameBus || !sameMemory) status = 1;
        }
        return status;
    }

    private static long best(Runnable reading) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 7; i++) {
            long t0 = System.nanoTime();
            reading.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best;
    }
}
