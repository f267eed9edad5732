package io.djlkernel.kernel.transport;

import java.time.Duration;

/**
 * Moves messages between the kernel and its front ends. The protocol core sees only this, so tests can drive
 * it with an in-memory transport and the ZeroMQ details stay in one class.
 */
public interface Transport extends AutoCloseable {

    /** Receives what arrives. Called on the transport's own thread: implementations must return quickly. */
    interface Listener {
        void onMessage(Channel channel, Message message);

        /** A message that could not be decoded (bad signature messages never get here: they are dropped). */
        void onInvalidMessage(Channel channel, InvalidMessageException problem);
    }

    /** Binds and starts delivering to {@code listener}; returns once front ends can connect. */
    void start(Listener listener);

    /** Queues a message; safe from any thread, never blocks on the network. */
    void send(Channel channel, Message message);

    /** Waits until everything queued so far has been handed to the network, or the timeout passes. */
    boolean flush(Duration timeout);

    /** Sends what is queued (best effort), then closes the sockets. */
    @Override
    void close();
}
