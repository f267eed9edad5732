package io.djlkernel.kernel;

import io.djlkernel.api.display.RendererRegistry;
import io.djlkernel.kernel.comm.CommManager;
import io.djlkernel.kernel.eval.Interpreter;
import io.djlkernel.kernel.transport.ConnectionInfo;
import io.djlkernel.kernel.transport.Transport;
import io.djlkernel.kernel.transport.ZmqTransport;
import java.util.Objects;
import java.util.function.Supplier;

/** Wires a {@link Kernel}. Building has no side effects: sockets, threads and System.out change at start. */
public final class KernelBuilder {
    private ConnectionInfo connection;
    private Transport transport;
    private Supplier<Interpreter> interpreter;
    private RendererRegistry renderers;
    private CommManager comms = new CommManager();
    private boolean installSystemStreams = true;
    private boolean bindDisplay = true;

    KernelBuilder() {
    }

    /** Where to bind (a ZeroMQ transport is made for it), unless {@link #transport} is given. */
    public KernelBuilder connection(ConnectionInfo connection) {
        this.connection = connection;
        return this;
    }

    /** A ready transport, e.g. an in-memory one in tests. */
    public KernelBuilder transport(Transport transport) {
        this.transport = transport;
        return this;
    }

    /** Creates the interpreter; called once, on a background thread, when the kernel starts. */
    public KernelBuilder interpreter(Supplier<Interpreter> interpreter) {
        this.interpreter = interpreter;
        return this;
    }

    public KernelBuilder renderers(RendererRegistry renderers) {
        this.renderers = renderers;
        return this;
    }

    public KernelBuilder comms(CommManager comms) {
        this.comms = comms;
        return this;
    }

    /**
     * Whether start replaces System.out/err/in (default true). Tests running several kernels in one JVM turn it
     * off and write to {@link Kernel#stdout()} instead.
     */
    public KernelBuilder installSystemStreams(boolean install) {
        this.installSystemStreams = install;
        return this;
    }

    /** Whether start binds {@code Display}'s static functions to this kernel (default true). */
    public KernelBuilder bindDisplay(boolean bind) {
        this.bindDisplay = bind;
        return this;
    }

    public Kernel build() {
        Objects.requireNonNull(interpreter, "interpreter");
        Objects.requireNonNull(renderers, "renderers");
        if (transport == null) {
            Objects.requireNonNull(connection, "connection or transport");
            transport = new ZmqTransport(connection);
        }
        return new Kernel(transport, interpreter, renderers, comms, installSystemStreams, bindDisplay);
    }
}
