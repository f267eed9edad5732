package io.djlkernel.kernel.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import io.djlkernel.kernel.testing.KernelClient;
import io.djlkernel.kernel.testing.KernelProcess;
import io.djlkernel.kernel.transport.Channel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The packaged kernel (djl.kernel.jar) with JShell, over real sockets: what a notebook user sees. */
class JShellKernelIT {
    private static KernelProcess kernel;
    private static KernelClient client;

    @BeforeAll
    static void start() throws Exception {
        String jar = System.getProperty("djl.kernel.jar");
        assumeTrue(jar != null && Files.isRegularFile(Path.of(jar)), "djl.kernel.jar not built");
        long started = System.nanoTime();
        kernel = KernelProcess.start(KernelProcess.jarCommand(Path.of(jar)));
        client = KernelClient.connect(kernel.connection(), Duration.ofSeconds(30));
        System.out.println("kernel_info answered " + (System.nanoTime() - started) / 1_000_000 + " ms after launch");
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.request(Channel.CONTROL, "shutdown_request", new JsonObject());
            assertTrue(kernel.waitForExit(15, TimeUnit.SECONDS), "kernel did not exit after shutdown");
            client.close();
        }
        if (kernel != null) kernel.close();
    }

    @Test
    void aCellsValueOutputAndCountReachTheFrontEnd() {
        KernelClient.Execution run = client.execute("System.out.println(\"hi\"); 1 + 1");
        assertEquals("ok", run.status(), run.reply().content().toString());
        assertEquals("hi\n", run.stream("stdout"));
        assertEquals("2", run.resultText());
    }

    @Test
    void interruptStopsAnEndlessLoopAndTheSessionLivesOn() {
        client.execute("int kept = 7;");
        String loop = client.sendExecute("while (true) {}", null);
        sleep(500);
        long start = System.nanoTime();
        client.request(Channel.CONTROL, "interrupt_request", new JsonObject());
        KernelClient.Execution stopped = client.awaitExecution(loop, Duration.ofSeconds(10));
        assertEquals("error", stopped.status());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "interrupt took too long");
        assertEquals("7", client.execute("kept").resultText());
    }

    @Test
    void compileErrorsAreErrorsNotCrashes() {
        KernelClient.Execution bad = client.execute("int x = \"text\";");
        assertEquals("error", bad.status());
        assertEquals(1, bad.ofType("error").size());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
