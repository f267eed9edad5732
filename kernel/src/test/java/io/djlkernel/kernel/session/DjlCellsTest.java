package io.djlkernel.kernel.session;

import io.djlkernel.api.display.RendererRegistry;
import io.djlkernel.djl.DjlEnvironment;
import io.djlkernel.kernel.eval.EvalException;
import io.djlkernel.kernel.eval.EvalResult;
import io.djlkernel.kernel.eval.JShellInterpreter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DJL extension inside a real session: lazy manager, imports, helpers, magics, and stopping tensor loops. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DjlCellsTest {
    private static final RendererRegistry registry = new io.djlkernel.kernel.display.DefaultRendererRegistry();
    private static NotebookInterpreter notebook;

    @BeforeAll
    static void start() {
        notebook = new NotebookInterpreter(new JShellInterpreter(), registry, null);
    }

    @AfterAll
    static void stop() {
        notebook.close();
    }

    private static Object value(String code) throws EvalException {
        EvalResult result = notebook.eval(code);
        assertTrue(result.hasValue(), "no value from " + code);
        return result.value();
    }

    @Test
    @Order(1)
    void theEngineLoadsInTheBackgroundOnceTheSessionIsReady() throws Exception {
        assertFalse(DjlEnvironment.isLoaded(), "registering the extension must not load libtorch");
        notebook.sessionReady();
        assertEquals("(2, 3)", value("new Shape(2, 3)").toString()); // imports work, loaded or not
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!DjlEnvironment.isLoaded() && System.nanoTime() < deadline) Thread.sleep(50);
        assertTrue(DjlEnvironment.isLoaded(), "no tensor cell ran, yet the engine loaded in the background");
    }

    @Test
    @Order(2)
    void firstTensorCellBindsTheManager() throws Exception {
        Object x = value("var x = manager.create(new float[]{1, 2, 3, 4}, new Shape(2, 2));\nx");
        assertTrue(DjlEnvironment.isLoaded());
        assertEquals("tensor([[1., 2.],\n        [3., 4.]], device='cpu', dtype=float32, shape=(2, 2))",
                registry.render(x).toString());
        assertEquals("cpu()", value("cpu()").toString());
        assertEquals(1, ((Object[]) value("devices()")).length);
        EvalException noGpu = assertThrows(EvalException.class, () -> notebook.eval("gpu()"));
        assertTrue(noGpu.evalue().contains("gpu(0) is not available") && noGpu.evalue().contains("no NVIDIA driver"), noGpu.evalue());
    }

    @Test
    @Order(3)
    void repeatingAnImportKeepsTheManager() throws Exception {
        Object before = value("manager");
        notebook.eval("import ai.djl.ndarray.types.*;");
        notebook.eval("import ai.djl.ndarray.*;");
        assertSame(before, value("manager"));
        assertEquals(Boolean.TRUE, value("manager.isOpen()"));
    }

    @Test
    @Order(4)
    void memoryFreeClosesAndRebinds() throws Exception {
        notebook.eval("var keep = manager.ones(new Shape(1000, 1000));");
        String report = value("%memory").toString();
        assertTrue(report.contains("NDArrays") && report.contains("JVM heap"), report);
        assertTrue(report.contains("notebook"), report);
        String freed = value("%memory --free").toString();
        assertTrue(freed.contains("Freed"), freed);
        assertEquals(Boolean.TRUE, value("keep.isReleased()"));
        assertEquals(Boolean.TRUE, value("manager.isOpen()"), "manager is a fresh one after --free");
    }

    @Test
    @Order(5)
    void gpuMagicSaysThereIsNoGpu() throws Exception {
        String report = value("%gpu").toString();
        assertTrue(report.contains("CUDA available : no"), report);
        assertTrue(report.contains("Flavor") && report.contains("cpu"), report);
    }

    @Test
    @Order(6)
    void interruptStopsALoopOfTensorOpsWithinASecond() throws Exception {
        notebook.eval("var m = manager.randomUniform(0f, 1f, new Shape(1000, 1000));");
        for (String loop : new String[]{
                // many tiny ops
                "long n = 0; while (true) { try (NDManager s = manager.newSubManager()) { m.add(1).mul(2); n++; } }",
                // ~30 ms native ops: the check fires between them
                "while (true) { try (NDManager s = manager.newSubManager()) { m.matMul(m).sum(); } }"}) {
            CompletableFuture<Throwable> done = CompletableFuture.supplyAsync(() -> {
                try {
                    notebook.eval(loop);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            Thread.sleep(700);
            assertFalse(done.isDone(), "the loop should still be running");
            long t0 = System.nanoTime();
            notebook.interrupt();
            Throwable t = done.get(5, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertNotNull(t);
            System.out.println("interrupt stopped the loop after " + ms + " ms");
            assertTrue(ms < 1000, "stopped after " + ms + " ms");
            assertTrue(t instanceof EvalException, String.valueOf(t));
        }
        assertEquals(Boolean.TRUE, value("m.sum().getFloat() > 0"), "the session still works after the interrupt");
    }

    @Test
    @Order(7)
    void serveUsedAsAValueGivesItsUrlAsAString() throws Exception {
        java.nio.file.Path model = java.nio.file.Path.of("../extensions/djl/src/test/resources/models/classifier/classifier.pt")
                .toAbsolutePath().normalize();
        notebook.eval("String url = %serve colours --model " + model + " --translator image-classification --size 32 --port 0 --warmup 0;"); // ready at once: no warm-up
        try {
            assertTrue(value("url").toString().startsWith("http://127.0.0.1:"), value("url").toString());
            assertEquals(200, value("((java.net.HttpURLConnection) java.net.URI.create(url + \"/v2/health/ready\").toURL()"
                    + ".openConnection()).getResponseCode()"));
        } finally {
            notebook.eval("%serve stop colours");
        }
    }

    @Test
    @Order(8)
    void aFileThatLoadUsesMayUseTheManagerInAFreshSession(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Files.writeString(dir.resolve("ones.jsh"), "var ones = manager.ones(new Shape(2, 2));\nones.sum().getFloat()");
        NotebookInterpreter fresh = new NotebookInterpreter(new JShellInterpreter(), registry, null);
        try {
            fresh.setWorkingDirectory(dir);
            EvalResult result = fresh.eval("%load ones.jsh");
            assertEquals(4.0f, result.value(), "the loaded cell found `manager` bound, as a cell of its own would");
        } finally {
            fresh.close();
        }
    }
}
