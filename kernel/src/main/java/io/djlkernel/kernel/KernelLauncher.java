package io.djlkernel.kernel;

import io.djlkernel.api.display.RendererRegistry;
import io.djlkernel.kernel.comm.CommManager;
import io.djlkernel.kernel.display.DefaultRendererRegistry;
import io.djlkernel.kernel.eval.Interpreter;
import io.djlkernel.kernel.eval.JShellInterpreter;
import io.djlkernel.kernel.session.NotebookInterpreter;
import io.djlkernel.kernel.transport.ConnectionInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Runs a kernel for a connection file until a front end shuts it down, then ends the JVM. */
public final class KernelLauncher {
    private static final Logger LOG = Logger.getLogger(KernelLauncher.class.getName());

    private KernelLauncher() {
    }

    /** {@code java -cp djl-kernel.jar io.djlkernel.kernel.KernelLauncher <connection-file>} */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: KernelLauncher <connection-file>");
            System.exit(2);
        }
        launch(Paths.get(args[0]));
    }

    /**
     * The kernel with JShell, magics and the extensions on the class path. Blocks until shutdown, then exits the
     * JVM (cells may leave threads running).
     */
    public static void launch(Path connectionFile) {
        RendererRegistry renderers = new DefaultRendererRegistry();
        CommManager comms = new CommManager();
        launch(connectionFile, () -> {
            long started = System.nanoTime();
            JShellInterpreter java = new JShellInterpreter();
            LOG.info(() -> "JShell created in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            java.warmUpCellCompiler(); // beside the extensions' start-up
            NotebookInterpreter notebook = new NotebookInterpreter(java, renderers, comms);
            notebook.sessionReady();
            java.warmUpInBackground(notebook::idleSinceNanos);
            return notebook;
        }, renderers, comms);
    }

    /** As {@link #launch(Path)} with another interpreter and renderers (tests, embedders). */
    public static void launch(Path connectionFile, Supplier<Interpreter> interpreter, RendererRegistry renderers) {
        launch(connectionFile, interpreter, renderers, new CommManager());
    }

    private static void launch(Path connectionFile, Supplier<Interpreter> interpreter, RendererRegistry renderers,
                               CommManager comms) {
        Path logFile = KernelLogging.configure();
        ConnectionInfo connection;
        try {
            connection = ConnectionInfo.read(connectionFile);
        } catch (IOException | RuntimeException e) { // unreadable, not JSON, not a JSON object
            String detail = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            int at = detail.indexOf(" at line "); // Gson's advice on lenient parsing is not for a user
            if (at >= 0) detail = "malformed JSON" + detail.substring(at);
            String why = e instanceof IOException ? e.toString() : "not a JSON object of ports and key (" + detail + ")";
            throw new UncheckedIOException("cannot read connection file " + connectionFile + ": " + why,
                    e instanceof IOException io ? io : new IOException(e));
        }
        LOG.info(() -> "starting, pid " + ProcessHandle.current().pid() + ", Java " + Runtime.version()
                + ", log " + logFile);
        Kernel kernel = Kernel.builder()
                .connection(connection)
                .interpreter(interpreter)
                .renderers(renderers)
                .comms(comms)
                .build();
        kernel.start();
        handleSigint(kernel);
        try {
            kernel.awaitShutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exit();
    }

    /**
     * A front end whose kernelspec has no {@code interrupt_mode: message} interrupts with SIGINT, which would
     * kill the JVM: make it interrupt the cell instead.
     */
    @SuppressWarnings("removal")
    private static void handleSigint(Kernel kernel) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> kernel.interrupt());
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            LOG.log(Level.INFO, "SIGINT not handled; interrupts need interrupt_mode message", e);
        }
    }

    private static void exit() {
        // a shutdown hook that never returns must not keep a dead kernel around
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(5000);
            } catch (InterruptedException ignored) {
                return;
            }
            Runtime.getRuntime().halt(0);
        }, "djl-kernel-exit-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        System.exit(0);
    }
}
