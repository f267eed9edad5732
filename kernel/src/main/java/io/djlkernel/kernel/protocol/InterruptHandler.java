package io.djlkernel.kernel.protocol;

import io.djlkernel.kernel.io.StdinBroker;
import io.djlkernel.kernel.transport.Channel;
import io.djlkernel.kernel.transport.Message;

/** interrupt_request: stops the running cell (and a read of System.in waiting for the front end). */
public final class InterruptHandler implements RequestHandler {
    private final Outbox outbox;
    private final InterpreterHandle interpreter;
    private final StdinBroker stdin;

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
        interpreter.ifReady().ifPresent(i -> i.interrupt());
    }
}
