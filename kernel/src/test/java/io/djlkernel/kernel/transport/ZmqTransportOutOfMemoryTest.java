package io.djlkernel.kernel.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.djlkernel.kernel.testing.KernelClient;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
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

    /**
     * Any local process can reach the kernel's ports, and jeromq allocates a frame as soon as its header declares
     * the size, before a signature is checked: one peer declaring a frame bigger than the heap used to fill it from
     * jeromq's I/O thread. Such a peer must be disconnected, and the kernel go on answering.
     */
    @Test
    void aPeerDeclaringAHugeFrameIsDisconnectedAndTheKernelGoesOn() throws Exception {
        ConnectionInfo connection = new ConnectionInfo("tcp", "127.0.0.1", 0, 0, 0, 0, 0, "hmac-sha256",
                UUID.randomUUID().toString());
        Answering listener = new Answering();
        long restartsBefore = JeromqThreads.restarts();
        try (ZmqTransport transport = new ZmqTransport(connection)) {
            listener.transport = transport;
            transport.start(listener);
            // past the limit, and at most what a ZMTP frame header can say that jeromq would try to allocate
            long declared = Math.min((long) Integer.MAX_VALUE, ZmqTransport.MAX_FRAME_BYTES + 1);
            for (int port : new int[] {transport.boundConnection().shellPort(), transport.boundConnection().heartbeatPort()}) {
                try (Socket peer = new Socket("127.0.0.1", port)) {
                    peer.setSoTimeout(10_000);
                    DataOutputStream out = new DataOutputStream(peer.getOutputStream());
                    InputStream in = peer.getInputStream();
                    out.write(zmtpGreeting());
                    in.readNBytes(64); // the kernel's greeting
                    out.write(readyCommand(port == transport.boundConnection().heartbeatPort() ? "REQ" : "DEALER"));
                    out.writeByte(0x02); // a message frame with an 8-byte size
                    out.writeLong(declared);
                    out.write(new byte[100]);
                    out.flush();
                    assertTrue(closedByTheKernel(in), "the peer declaring a " + declared + "-byte frame is disconnected");
                }
            }
            try (KernelClient client = KernelClient.connect(transport.boundConnection())) {
                KernelClient.Received answer = client.request(Channel.SHELL, "kernel_info_request", new JsonObject(),
                        Duration.ofSeconds(10));
                assertNotNull(answer, "the kernel still answers");
                assertEquals(true, client.heartbeat(Duration.ofSeconds(5)), "the heartbeat answers");
            }
            assertEquals(restartsBefore, JeromqThreads.restarts(), "refused before allocating: the heap never ran out");
        }
    }

    private static byte[] zmtpGreeting() {
        byte[] g = new byte[64];
        g[0] = (byte) 0xff;
        g[9] = 0x7f;
        g[10] = 3; // ZMTP 3.0
        byte[] mechanism = "NULL".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(mechanism, 0, g, 12, mechanism.length);
        return g;
    }

    private static byte[] readyCommand(String socketType) {
        byte[] name = "Socket-Type".getBytes(StandardCharsets.US_ASCII);
        byte[] value = socketType.getBytes(StandardCharsets.US_ASCII);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(5);
        body.writeBytes("READY".getBytes(StandardCharsets.US_ASCII));
        body.write(name.length);
        body.writeBytes(name);
        body.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(value.length).array());
        body.writeBytes(value);
        java.io.ByteArrayOutputStream command = new java.io.ByteArrayOutputStream();
        command.write(0x04);
        command.write(body.size());
        command.writeBytes(body.toByteArray());
        return command.toByteArray();
    }

    /** Reads until the kernel closes the connection (true) or 10 s pass with it open (false). */
    private static boolean closedByTheKernel(InputStream in) {
        try {
            byte[] buffer = new byte[4096];
            while (true) {
                if (in.read(buffer) < 0) return true;
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }
}
