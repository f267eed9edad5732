package io.djlkernel.kernel.protocol;

import io.djlkernel.kernel.io.StdinBroker;
import io.djlkernel.kernel.transport.Channel;
import io.djlkernel.kernel.transport.Message;

import java.util.concurrent.CompletableFuture;

/**
 * interrupt_request: stops the execute request in progress, whatever it is doing (waiting for the interpreter to
 * start, compiling, loading classes, running, resolving {@code %maven}) and a read of System.in waiting for the
 * front end. An interrupt belongs to the request in progress when it came and ends with it: one that comes while
 * the kernel is idle is dropped, as ipykernel's SIGINT between cells is, so it never stops a later cell that
 * nobody asked to stop.
 */
public final class InterruptHandler implements RequestHandler {
    private final Outbox outbox;
    private final InterpreterHandle interpreter;
    private final StdinBroker stdin;
    /** Guarded by this: the request in progress, and what completes when an interrupt is aimed at it. */
    private Message current;
    private CompletableFuture<Void> interrupted = new CompletableFuture<>();

    public InterruptHandler(Outbox outbox, InterpreterHandle interpreter, StdinBroker stdin) {
        this.outbox = outbox;
        this.interpreter = interpreter;
        this.stdin = stdin;
    }

    @Override
    public void handle(Channel channel, Message request) {
        interrupt();
        outbox.reply(channel, request, Outbox.ok());
    }

    /** Also used for SIGINT, so a front end that signals instead of messaging does not kill the kernel. */
    public void interrupt() {
        stdin.cancel();
        synchronized (this) {
            if (current == null) return;
            interrupted.complete(null);
            // not ready: the request still waits for start-up and sees `interrupted` when it ends waiting
            interpreter.ifReady().ifPresent(i -> i.interrupt());
        }
    }

    /** An execute request starts: interrupts from now on are its own. Completes when one is aimed at it. */
    synchronized CompletableFuture<Void> begin(Message request) {
        current = request;
        interrupted = new CompletableFuture<>();
        return interrupted;
    }

    /** The request has been answered: an interrupt that came too late for it must not reach the next one. */
    synchronized void end() {
        current = null;
        interpreter.ifReady().ifPresent(i -> i.clearInterrupt());
    }
}
