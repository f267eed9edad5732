package io.djlkernel.kernel.testing;

import com.google.gson.JsonObject;
import io.djlkernel.kernel.transport.Channel;
import io.djlkernel.kernel.transport.InvalidMessageException;
import io.djlkernel.kernel.transport.Message;
import io.djlkernel.kernel.transport.MessageFactory;
import io.djlkernel.kernel.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * An in-memory transport: tests deliver requests as a front end would and read what the kernel sent, so
 * protocol handlers are tested without sockets (xeus style).
 */
public final class RecordingTransport implements Transport {
    public record Sent(Channel channel, Message message) {
    }

    private final MessageFactory client = new MessageFactory("client-session", "tester");
    private final List<Sent> sent = new ArrayList<>();
    private Listener listener;
    private boolean closed;

    @Override
    public synchronized void start(Listener listener) {
        this.listener = listener;
    }

    @Override
    public synchronized void send(Channel channel, Message message) {
        sent.add(new Sent(channel, message));
        notifyAll();
    }

    @Override
    public boolean flush(Duration timeout) {
        return true;
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }

    public synchronized boolean closed() {
        return closed;
    }

    /** A request as the front end "client-session" sends it, routed with identity "client". */
    public Message request(String type, JsonObject content) {
        Message bare = client.request(type, content);
        return new Message(List.of("client".getBytes(StandardCharsets.UTF_8)), bare.header(), bare.parentHeader(),
                bare.metadata(), bare.content(), List.of());
    }

    /** Delivers {@code message} as if it arrived on {@code channel}; returns it. */
    public Message deliver(Channel channel, Message message) {
        Listener l;
        synchronized (this) {
            l = listener;
        }
        l.onMessage(channel, message);
        return message;
    }

    public Message deliver(Channel channel, String type, JsonObject content) {
        return deliver(channel, request(type, content));
    }

    public void deliverInvalid(Channel channel, InvalidMessageException problem) {
        listener.onInvalidMessage(channel, problem);
    }

    public synchronized List<Sent> sent() {
        return List.copyOf(sent);
    }

    /** Messages sent so far on {@code channel} whose parent is {@code request}. */
    public synchronized List<Message> sentFor(Channel channel, Message request) {
        List<Message> found = new ArrayList<>();
        for (Sent s : sent) {
            if (s.channel() == channel && s.message().parentId().equals(request.id())) found.add(s.message());
        }
        return found;
    }

    /** Waits for the first sent message matching {@code condition}; fails after {@code timeout}. */
    public synchronized Sent await(Predicate<Sent> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int checked = 0;
        while (true) {
            for (; checked < sent.size(); checked++) {
                if (condition.test(sent.get(checked))) return sent.get(checked);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new AssertionError("timed out waiting; sent so far: " + sent);
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Waits for the reply to {@code request} (on any channel). */
    public Message awaitReply(Message request, Duration timeout) throws InterruptedException {
        return await(s -> s.channel() != Channel.IOPUB && s.message().parentId().equals(request.id())
                && s.message().type().endsWith("_reply"), timeout).message();
    }

    /** Waits for the idle status of {@code request}: everything it caused has been sent by then. */
    public List<Message> awaitIdle(Message request, Duration timeout) throws InterruptedException {
        await(s -> s.channel() == Channel.IOPUB && s.message().parentId().equals(request.id())
                && s.message().type().equals("status")
                && "idle".equals(s.message().content().get("execution_state").getAsString()), timeout);
        return sentFor(Channel.IOPUB, request);
    }
}
