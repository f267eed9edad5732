package io.djlkernel.kernel;

import com.google.gson.JsonObject;
import io.djlkernel.api.display.Display;
import io.djlkernel.api.display.RendererRegistry;
import io.djlkernel.kernel.comm.CommManager;
import io.djlkernel.kernel.debug.DebugAdapter;
import io.djlkernel.kernel.eval.Interpreter;
import io.djlkernel.kernel.history.History;
import io.djlkernel.kernel.io.OutputRouter;
import io.djlkernel.kernel.io.StandardStreams;
import io.djlkernel.kernel.io.StdinBroker;
import io.djlkernel.kernel.protocol.CommHandlers;
import io.djlkernel.kernel.protocol.CompleteHandler;
import io.djlkernel.kernel.protocol.ExecuteHandler;
import io.djlkernel.kernel.protocol.HistoryHandler;
import io.djlkernel.kernel.protocol.InspectHandler;
import io.djlkernel.kernel.protocol.InterpreterHandle;
import io.djlkernel.kernel.protocol.InterruptHandler;
import io.djlkernel.kernel.protocol.IopubDisplayPublisher;
import io.djlkernel.kernel.protocol.IsCompleteHandler;
import io.djlkernel.kernel.protocol.KernelInfoHandler;
import io.djlkernel.kernel.protocol.Outbox;
import io.djlkernel.kernel.protocol.RequestRouter;
import io.djlkernel.kernel.protocol.ShutdownHandler;
import io.djlkernel.kernel.protocol.UsageHandler;
import io.djlkernel.kernel.transport.MessageFactory;
import io.djlkernel.kernel.transport.Transport;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Jupyter kernel: a transport, the protocol handlers, the routed standard streams and an interpreter. Made by
 * {@link #builder()}; {@link #start()} binds and answers at once while the interpreter starts in the background.
 */
public final class Kernel {
    private static final Logger LOG = Logger.getLogger(Kernel.class.getName());

    private final Transport transport;
    private final Outbox outbox;
    private final OutputRouter output;
    private final StdinBroker stdin;
    private final InterpreterHandle interpreter;
    private final RendererRegistry renderers;
    private final CommManager comms;
    private final RequestRouter router;
    private final InterruptHandler interrupts;
    private final DebugAdapter debugger;
    private final boolean installSystemStreams;
    private final boolean bindDisplay;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean stopping = new AtomicBoolean();

    public static KernelBuilder builder() {
        return new KernelBuilder();
    }

    Kernel(Transport transport, Supplier<Interpreter> interpreterFactory, RendererRegistry renderers,
           CommManager comms, boolean installSystemStreams,
           boolean bindDisplay) {
        this.transport = transport;
        this.renderers = renderers;
        this.comms = comms;
        this.installSystemStreams = installSystemStreams;
        this.bindDisplay = bindDisplay;
        this.outbox = new Outbox(transport, MessageFactory.forNewSession());
        this.output = new OutputRouter((parent, name, text) -> {
            JsonObject content = new JsonObject();
            content.addProperty("name", name);
            content.addProperty("text", text);
            outbox.publish(parent, "stream", content);
        });
        this.stdin = new StdinBroker((request, prompt, password) -> {
            JsonObject content = new JsonObject();
            content.addProperty("prompt", prompt);
            content.addProperty("password", password);
            outbox.sendStdin(request, "input_request", content);
        }, output::flush);
        this.interpreter = new InterpreterHandle(interpreterFactory);
        this.router = new RequestRouter(outbox, stdin);
        this.interrupts = new InterruptHandler(outbox, interpreter, stdin);
        this.debugger = new DebugAdapter(outbox, interpreter, renderers);
        History history = new History();
        CommHandlers commHandlers = new CommHandlers(outbox, comms);
        router.handleBesideShell(m -> m.type().startsWith("comm_") && comms.handledBesideShell(m.type(), m.content()));
        router.on("kernel_info_request", new KernelInfoHandler(outbox))
                .on("execute_request", new ExecuteHandler(outbox, interpreter, renderers, output, stdin, history,
                        router::enqueueShell, interrupts))
                .on("history_request", new HistoryHandler(outbox, history))
                .on("complete_request", new CompleteHandler(outbox, interpreter))
                .on("inspect_request", new InspectHandler(outbox, interpreter))
                .on("is_complete_request", new IsCompleteHandler(outbox, interpreter))
                .on("comm_info_request", commHandlers::info)
                .on("comm_open", commHandlers::open)
                .on("comm_msg", commHandlers::message)
                .on("comm_close", commHandlers::close)
                .on("interrupt_request", (channel, message) -> {
                    interrupts.handle(channel, message);
                    debugger.interrupted(); // a paused cell goes on, to its next stop check
                })
                .on("debug_request", debugger)
                .on("usage_request", new UsageHandler(outbox, interpreter))
                .on("shutdown_request", new ShutdownHandler(outbox, this::shutdown));
    }

    /** Binds the sockets, routes the standard streams and starts creating the interpreter. */
    public void start() {
        output.start();
        if (installSystemStreams) StandardStreams.install(output.stdout(), output.stderr(), stdin.inputStream());
        // the interpreter takes longest: start it before binding, which is quick
        interpreter.startCreating();
        transport.start(router);
        comms.bind((type, content) -> outbox.publish(router.currentShellRequest(), type, content));
        if (bindDisplay) {
            Display.bind(new IopubDisplayPublisher(outbox, output, router::currentShellRequest), renderers);
        }
        outbox.status(null, "starting");
        LOG.info("kernel started");
    }

    /** Stops the running cell, as interrupt_request does (the launcher routes SIGINT here). */
    public void interrupt() {
        interrupts.interrupt();
        debugger.interrupted();
    }

    /** How long shutdown waits for the interpreter (extensions' shuttingDown included) before it closes the sockets. */
    static final long CLOSE_BUDGET_MS = 4000;

    /** Stops the kernel in the background: the interpreter, then the sockets (after sending what is queued). */
    public void shutdown() {
        if (!stopping.compareAndSet(false, true)) return;
        Thread stopper = new Thread(this::stop, "djl-kernel-shutdown");
        stopper.setDaemon(true);
        stopper.start();
    }

    private void stop() {
        try {
            debugger.close(); // nothing may stay paused: the interrupt below has to reach every cell thread
            interpreter.ifReady().ifPresent(Interpreter::interrupt);
            stdin.cancel();
            Thread closer = new Thread(interpreter::close, "djl-kernel-interpreter-close");
            closer.setDaemon(true);
            closer.start();
            // the interpreter's close drains endpoints (a request in flight gets its answer): give it most of the
            // 5 s that Jupyter (jupyter_client's shutdown_wait_time) waits before it kills the kernel process
            closer.join(CLOSE_BUDGET_MS);
            output.close();
            transport.flush(Duration.ofSeconds(2));
            router.close();
            transport.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "shutdown failed", e);
        } finally {
            if (installSystemStreams) StandardStreams.restore();
            LOG.info("kernel stopped");
            stopped.countDown();
        }
    }

    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    public boolean awaitShutdown(long timeout, TimeUnit unit) throws InterruptedException {
        return stopped.await(timeout, unit);
    }

    /** Where cell output goes (System.out once started, unless the builder said otherwise). */
    public PrintStream stdout() {
        return output.stdout();
    }

    public PrintStream stderr() {
        return output.stderr();
    }

    public InputStream stdin() {
        return stdin.inputStream();
    }

    public CommManager comms() {
        return comms;
    }
}
