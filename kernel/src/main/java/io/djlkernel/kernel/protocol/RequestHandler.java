package io.djlkernel.kernel.protocol;

import io.djlkernel.kernel.transport.Channel;
import io.djlkernel.kernel.transport.Message;

/** Answers one message type. Runs on the executor of the channel the request came in on. */
@FunctionalInterface
public interface RequestHandler {
    void handle(Channel channel, Message request) throws InterruptedException;
}
