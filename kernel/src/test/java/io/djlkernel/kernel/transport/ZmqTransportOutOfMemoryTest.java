package io.djlkernel.kernel.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.gson.JsonObject;
import io.djlkernel.kernel.testing.KernelClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A cell that fills the heap can make any thread's allocation fail first, the transport's own IO thread among them
 * (seen on Java 25: the kernel stayed up but never heard or answered again). The IO thread and the heartbeat must
 * go on once memory is back.
 */
class ZmqTransportOutOfMemoryTest {

    /** Answers kernel_info as a kernel does (reply, then idle on iopub); fails with OutOfMemoryError on demand. */
    private static final class Answering implements Transport.Listener {
        final AtomicInteger failures = new AtomicInteger();
        ZmqTransport transport;

        @Override
        public void onMessage(Channel channel, Message request) {
            if (request.type().equals("fill_the_heap_request")) {
                failures.incrementAndGet();
                throw new OutOfMemoryError("Java heap space (simulated on the IO thread)");
            }
            JsonObject content = new JsonObject();
            content.addProperty("status", "ok");
            transport.send(channel, reply(request, request.type().replace("_request", "_reply"), content));
            JsonObject idle = new JsonObject();
            idle.addProperty("execution_state", "idle");
            transport.send(Channel.IOPUB, reply(request, "status", idle));
        }

        @Override
        public void onInvalidMessage(Channel channel, InvalidMessageException problem) {
        }

        private static Message reply(Message request, String type, JsonObject content) {
            JsonObject header = new JsonObject();
            header.addProperty("msg_id", UUID.randomUUID().toString());
            header.addProperty("msg_type", type);
            header.addProperty("session", "test");
            header.addProperty("username", "test");
            header.addProperty("date", "2026-12-06T00:00:00Z");
            header.addProperty("version", "5.3");
            return new Message(type.equals("status") ? List.of() : request.identities(), header, request.header(),
                    new JsonObject(), content, List.of());
        }
    }

    @Test
    void theIoThreadAndTheHeartbeatGoOnAfterAnOutOfMemoryError() {
        ConnectionInfo connection = new ConnectionInfo("tcp", "127.0.0.1", 0, 0, 0, 0, 0, "hmac-sha256",
                UUID.randomUUID().toString());
        Answering listener = new Answering();
        try (ZmqTransport transport = new ZmqTransport(connection)) {
            listener.transport = transport;
            transport.start(listener);
            try (KernelClient client = KernelClient.connect(transport.boundConnection())) {
                for (int i = 0; i < 3; i++) {
                    client.send(Channel.SHELL, "fill_the_heap_request", new JsonObject());
                    KernelClient.Received answer = client.request(Channel.SHELL, "kernel_info_request", new JsonObject(),
                            Duration.ofSeconds(10));
                    assertNotNull(answer, "answered after the IO thread's allocation failed");
                    assertEquals("kernel_info_reply", answer.type());
                }
                assertEquals(3, listener.failures.get());
                assertEquals(true, client.heartbeat(Duration.ofSeconds(5)), "the heartbeat answers");
            }
        }
    }
}
