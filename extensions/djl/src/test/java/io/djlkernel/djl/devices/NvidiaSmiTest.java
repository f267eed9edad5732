package io.djlkernel.djl.devices;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing recorded nvidia-smi outputs, and running a stand-in nvidia-smi. */
class NvidiaSmiTest {
    static String fixture(String name) throws IOException {
        try (InputStream in = NvidiaSmiTest.class.getResourceAsStream("/nvidia-smi/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @AfterEach
    void restore() {
        NvidiaSmi.command = "nvidia-smi";
    }

    @Test
    void oneGpu() throws Exception {
        List<GpuReading> r = NvidiaSmi.parse(fixture("one-gpu.csv"), NvidiaSmi.FIELDS);
        assertEquals(1, r.size());
        GpuReading g = r.get(0);
        assertEquals(0, g.index());
        assertEquals("NVIDIA H100 80GB HBM3", g.name());
        assertEquals(1234L, g.memoryUsedMiB());
        assertEquals(81559L, g.memoryTotalMiB());
        assertEquals(7, g.utilizationGpu());
        assertEquals(34, g.temperatureC());
        assertEquals(71.53, g.powerW());
        assertEquals("9.0", g.computeCapability());
        assertEquals("550.90.07", g.driverVersion());
        assertEquals("00000000:19:00.0", g.busId());
        Map<String, Object> m = g.toMap();
        assertEquals(1234L * 1024 * 1024, m.get("memory_used_bytes"));
        assertEquals("nvidia-smi", m.get("source"));
    }

    @Test
    void eightGpus() throws Exception {
        List<GpuReading> r = NvidiaSmi.parse(fixture("eight-gpus.csv"), NvidiaSmi.FIELDS);
        assertEquals(8, r.size());
        for (int i = 0; i < 8; i++) assertEquals(i, r.get(i).index());
        assertEquals(3L, r.get(7).memoryUsedMiB());
        assertEquals("8.0", r.get(3).computeCapability());
    }

    @Test
    void notAvailableFieldsAreNull() throws Exception {
        List<GpuReading> r = NvidiaSmi.parse(fixture("not-available-fields.csv"), NvidiaSmi.FIELDS);
        assertEquals(2, r.size());
        assertNull(r.get(0).utilizationGpu());
        assertNull(r.get(0).powerW());
        assertNull(r.get(0).powerLimitW());
        assertEquals(29, r.get(0).temperatureC());
        assertNull(r.get(1).temperatureC());
        assertNull(r.get(1).powerW());
        assertNull(r.get(1).computeCapability());
        assertEquals(350.0, r.get(1).powerLimitW());
    }

    @Test
    void errorTextBecomesTheMessage() throws Exception {
        NvidiaSmi.SmiException e = assertThrows(NvidiaSmi.SmiException.class,
                () -> NvidiaSmi.parse(fixture("driver-error.txt"), NvidiaSmi.FIELDS));
        assertTrue(e.getMessage().startsWith("NVIDIA-SMI has failed because it couldn't communicate"), e.getMessage());
        assertTrue(NvidiaSmi.parse("", NvidiaSmi.FIELDS).isEmpty());
    }

    @Test
    void cudaVersionFromTheBanner() throws Exception {
        assertEquals("12.8", NvidiaSmi.parseCudaVersion(fixture("banner.txt")));
        assertNull(NvidiaSmi.parseCudaVersion("no banner"));
    }

    @Test
    void runsAndFallsBackForOldDrivers(@TempDir Path dir) throws Exception {
        String oldCsv = "0, Tesla V100-SXM2-16GB, GPU-aaaa, 00000000:00:04.0, 100, 16160, 0, 0, 40, 25.5, 300.00, 470.57.02";
        Path fake = dir.resolve("nvidia-smi");
        Files.writeString(fake, "#!/bin/sh\n"
                + "case \"$*\" in *compute_cap*) echo 'Field \"compute_cap\" is not a valid field to query.'; exit 2;; esac\n"
                + "echo '" + oldCsv + "'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        NvidiaSmi.command = fake.toString();
        List<GpuReading> r = NvidiaSmi.query();
        assertEquals(1, r.size());
        assertEquals("Tesla V100-SXM2-16GB", r.get(0).name());
        assertNull(r.get(0).computeCapability());
        assertEquals("470.57.02", r.get(0).driverVersion());
    }

    @Test
    void driverErrorFromARun(@TempDir Path dir) throws Exception {
        Path fake = dir.resolve("nvidia-smi");
        Files.writeString(fake, "#!/bin/sh\ncat <<'X'\n" + fixture("driver-error.txt") + "X\nexit 9\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        NvidiaSmi.command = fake.toString();
        NvidiaSmi.SmiException e = assertThrows(NvidiaSmi.SmiException.class, NvidiaSmi::query);
        assertTrue(e.getMessage().contains("couldn't communicate with the NVIDIA driver"));
        NvidiaSmi.command = dir.resolve("missing").toString();
        assertThrows(IOException.class, NvidiaSmi::query);
    }

    @Test
    void nvmlIsAbsentHereAndSaysWhy() {
        // CI and this machine have no NVIDIA driver: NVML must fail softly, with a reason
        if (Nvml.get() == null) {
            assertTrue(Nvml.unavailableReason().contains("NVIDIA") || Nvml.unavailableReason().contains("NVML"),
                    Nvml.unavailableReason());
        }
    }
}
