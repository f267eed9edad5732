package io.djlkernel.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.djlkernel.api.KernelListener;
import io.djlkernel.djl.devices.DevicesCommTest;
import io.djlkernel.djl.devices.GpuMagic;
import io.djlkernel.djl.devices.GpuStatus;
import io.djlkernel.djl.render.Report;
import io.djlkernel.djl.tensors.MemoryMagic;
import io.djlkernel.djl.tensors.NotebookManagers;
import io.djlkernel.djl.tensors.TensorComm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Registration against a fake kernel, the magics and usage_reply's "gpus" on a CPU-only machine. */
class ExtensionTest {
    @AfterEach
    void restore() {
        GpuStatus.setSource(null);
    }

    @Test
    void registersEverythingThroughTheSpi() throws Exception {
        TestKernel kernel = new TestKernel();
        new DjlExtension().register(kernel);
        assertTrue(kernel.lineMagics.containsKey("gpu") && kernel.lineMagics.containsKey("memory"));
        assertTrue(kernel.renderers.containsKey(NDArray.class));
        assertTrue(kernel.targets.containsKey("djl.devices"));
        assertTrue(kernel.targets.get("djl.endpoints") instanceof io.djlkernel.djl.serving.EndpointsComm);
        assertTrue(kernel.targets.get("djl.tensor") instanceof TensorComm);
        assertTrue(kernel.usage.containsKey("gpus"));
        assertEquals(1, kernel.listeners.size());
        assertTrue(kernel.evals.containsAll(DjlExtension.IMPORTS));
        assertEquals(DjlExtension.DECLARE_MANAGER, kernel.evals.get(kernel.evals.size() - 1));
        assertTrue(DjlEnvironment.isOffline());

        // the manager is bound before a cell that mentions it, and only then
        KernelListener listener = kernel.listeners.get(0);
        int before = kernel.evals.size();
        listener.beforeCell("int x = 1;");
        assertEquals(before, kernel.evals.size());
        listener.beforeCell("var a = manager.zeros(new Shape(2));");
        assertEquals(MemoryMagic.REBIND, kernel.evals.get(kernel.evals.size() - 1));
    }

    @Test
    void modelDebuggingFunctionsAreAmongTheImportsEveryCellHas() throws Exception {
        TestKernel kernel = new TestKernel();
        new DjlExtension().register(kernel);
        for (String function : new String[]{"trace", "firstNonFinite", "gradients", "layerMonitor"}) {
            assertTrue(kernel.evals.contains("import static io.djlkernel.djl.debug.ModelDebug." + function + ";"), function);
        }
    }

    @Test
    void usageFieldIsAListOfReadings() throws Exception {
        TestKernel kernel = new TestKernel();
        new DjlExtension().register(kernel);
        GpuStatus.setSource(List::of);
        assertEquals(List.of(), kernel.usage.get("gpus").get());
        GpuStatus.setSource(() -> List.of(DevicesCommTest.H100));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> gpus = (List<Map<String, Object>>) kernel.usage.get("gpus").get();
        assertEquals(1, gpus.size());
        assertEquals(81559L, gpus.get(0).get("memory_total_mib"));
    }

    @Test
    void gpuMagicOnCpuSaysSoClearly() throws Exception {
        Report r = (Report) GpuMagic.run("", TestKernel.magicContext(new ArrayList<>()));
        String text = r.text();
        assertTrue(text.contains("CUDA available : no — "), text);
        assertTrue(r.get("CUDA available").contains("no NVIDIA driver") || r.get("CUDA available").contains("CPU-only"), text);
        assertTrue(text.contains("Device count   : 0 GPUs"), text);
        assertTrue(text.contains("Flavor         : cpu"), text);
        assertTrue(text.contains("libtorch       : 2.7.1"), text);
        assertTrue(text.contains("DJL            : 0.36.0"), text);
        assertTrue(r.get("Native path").contains("2.7.1"), text);
        Report checked = (Report) GpuMagic.run("--check", TestKernel.magicContext(new ArrayList<>()));
        String c = checked.text();
        assertTrue(c.contains("cpu()") && c.contains("(1000, 1000)") && c.contains("GFLOP/s"), c);
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) checked.data();
        assertEquals(false, data.get("cuda_available"));
        assertEquals(1, ((List<?>) data.get("check")).size());
    }

    @Test
    void gpuMagicListsRecordedGpus() throws Exception {
        GpuStatus.setSource(() -> List.of(DevicesCommTest.H100));
        String text = GpuMagic.report().text();
        assertTrue(text.contains("NVIDIA H100 80GB HBM3") && text.contains("1234 / 81559 MiB") && text.contains("9.0"), text);
    }

    @Test
    void memoryMagicCountsAndFrees() throws Exception {
        NDManager root = NotebookManagers.root();
        NDArray a = root.ones(new Shape(1000, 1000));
        try (NDManager mine = DjlEnvironment.engine().newBaseManager()) {
            mine.setName("mine");
            mine.zeros(new Shape(10));
            Report r = (Report) MemoryMagic.run("", TestKernel.magicContext(new ArrayList<>()));
            String text = r.text();
            assertTrue(text.contains("notebook (cpu())") && text.contains("mine (cpu())"), text);
            assertTrue(text.contains("3.8 MiB"), text);
            assertTrue(text.contains("JVM heap") && text.matches("(?s).*GPU memory +: no GPU.*"), text);
            List<String> evals = new ArrayList<>();
            Report freed = (Report) MemoryMagic.run("--free", TestKernel.magicContext(evals));
            assertTrue(a.isReleased());
            assertTrue(freed.get("Freed").startsWith("1 arrays, 3.8 MiB"), freed.text());
            assertEquals(List.of(MemoryMagic.REBIND), evals);
            assertTrue(mine.isOpen(), "--free keeps managers the notebook did not make");
            MemoryMagic.run("--free --all", TestKernel.magicContext(evals));
            assertFalse(mine.isOpen(), "--free --all closes them too");
        }
    }
}
