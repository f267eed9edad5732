package io.djlkernel.kernel.testing;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.djlkernel.kernel.transport.Channel;
import io.djlkernel.kernel.transport.ConnectionInfo;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * A Jupyter client over real ZeroMQ sockets, for protocol tests against a kernel process. It signs and
 * checks messages itself (javax.crypto, not the kernel's signer), so a signing bug on both sides cannot hide.
 * <p>
 * Shell, control and stdin are used by the calling thread only; a background thread collects every iopub
 * message by parent msg_id, so nothing published while a test waits on a reply is lost.
 * <pre>{@code
 * try (KernelClient client = KernelClient.connect(connectionInfo)) {
 *     KernelClient.Execution run = client.execute("1 + 1");
 *     assertEquals("2", run.resultText());
 * }
 * }</pre>
 */
public final class KernelClient implements AutoCloseable {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);

    /** A message as received: its JSON parts, and the routing identities before the delimiter. */
    public record Received(List<byte[]> identities, JsonObject header, JsonObject parentHeader, JsonObject metadata,
                           JsonObject content) {
        public String type() {
            return header.get("msg_type").getAsString();
        }

        public String parentId() {
            JsonElement id = parentHeader.get("msg_id");
            return id == null ? "" : id.getAsString();
        }
    }

    /** An execute request's reply and what it published, busy to idle. */
    public record Execution(String msgId, Received reply, List<Received> iopub) {
        public String status() {
            return reply.content().get("status").getAsString();
        }

        public List<Received> ofType(String type) {
            return iopub.stream().filter(m -> m.type().equals(type)).toList();
        }

        /** All text of one stream ("stdout" or "stderr"), concatenated. */
        public String stream(String name) {
            StringBuilder text = new StringBuilder();
            for (Received m : ofType("stream")) {
                if (m.content().get("name").getAsString().equals(name)) text.append(m.content().get("text").getAsString());
            }
            return text.toString();
        }

        /** The execute_result's text/plain, or null when the cell had no result. */
        public String resultText() {
            List<Received> results = ofType("execute_result");
            if (results.isEmpty()) return null;
            return results.get(0).content().getAsJsonObject("data").get("text/plain").getAsString();
        }
    }

    private final ConnectionInfo connection;
    private final ZMQ.Context context = ZMQ.context(1);
    private final ZMQ.Socket shell;
    private final ZMQ.Socket control;
    private final ZMQ.Socket stdin;
    private final ZMQ.Socket heartbeat;
    private final Mac mac;
    private final String session = UUID.randomUUID().toString();
    private final Map<String, List<Received>> iopubByParent = new HashMap<>();
    private final Thread iopubReader;
    private volatile boolean closing;

    private KernelClient(ConnectionInfo connection) {
        this.connection = connection;
        this.mac = mac(connection.key());
        byte[] identity = ("client-" + session).getBytes(StandardCharsets.UTF_8);
        shell = dealer(connection.shellPort(), identity);
        control = dealer(connection.controlPort(), ("control-" + session).getBytes(StandardCharsets.UTF_8));
        // input_request is routed with the shell request's identity: stdin must share it
        stdin = dealer(connection.stdinPort(), identity);
        heartbeat = context.socket(SocketType.REQ);
        heartbeat.setLinger(0);
        heartbeat.connect(connection.endpoint(connection.heartbeatPort()));
        iopubReader = new Thread(this::readIopub, "kernel-client-iopub");
        iopubReader.setDaemon(true);
        iopubReader.start();
    }

    /** Connects and waits until the kernel answers and iopub delivers (so no early output is missed). */
    public static KernelClient connect(ConnectionInfo connection, Duration timeout) {
        KernelClient client = new KernelClient(connection);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String id = client.send(Channel.SHELL, "kernel_info_request", new JsonObject());
            Received reply = client.receive(client.shell, Duration.ofMillis(500));
            if (reply != null && client.awaitIdle(id, Duration.ofMillis(500)) != null) return client;
        }
        client.close();
        throw new AssertionError("kernel not ready within " + timeout);
    }

    public static KernelClient connect(ConnectionInfo connection) {
        return connect(connection, DEFAULT_TIMEOUT);
    }

    /** Sends a request; returns its msg_id. */
    public String send(Channel channel, String msgType, JsonObject content) {
        JsonObject header = new JsonObject();
        String id = UUID.randomUUID().toString();
        header.addProperty("msg_id", id);
        header.addProperty("session", session);
        header.addProperty("username", "tester");
        header.addProperty("date", Instant.now().toString());
        header.addProperty("msg_type", msgType);
        header.addProperty("version", "5.3");
        sendFrames(socketFor(channel), header, new JsonObject(), content, sign(header, new JsonObject(), new JsonObject(), content));
        return id;
    }

    /** Sends a correctly framed message whose signature is wrong (a kernel must drop it). */
    public String sendWithBadSignature(Channel channel, String msgType, JsonObject content) {
        JsonObject header = new JsonObject();
        String id = UUID.randomUUID().toString();
        header.addProperty("msg_id", id);
        header.addProperty("msg_type", msgType);
        header.addProperty("session", session);
        header.addProperty("version", "5.3");
        sendFrames(socketFor(channel), header, new JsonObject(), content, "0".repeat(64));
        return id;
    }

    /** Sends raw frames on a channel, e.g. deliberately malformed ones. */
    public void sendRaw(Channel channel, List<byte[]> frames) {
        ZMQ.Socket socket = socketFor(channel);
        for (int i = 0; i < frames.size(); i++) socket.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
    }

    /** The signature this client would put on these four parts (for hand-made frames). */
    public synchronized String sign(JsonObject header, JsonObject parent, JsonObject metadata, JsonObject content) {
        if (mac == null) return "";
        for (JsonObject part : List.of(header, parent, metadata, content)) mac.update(utf8(part));
        byte[] digest = mac.doFinal();
        StringBuilder hex = new StringBuilder(digest.length * 2);
        for (byte b : digest) hex.append(String.format("%02x", b));
        return hex.toString();
    }

    /** Sends a request and waits for its reply on the same channel. */
    public Received request(Channel channel, String msgType, JsonObject content, Duration timeout) {
        String id = send(channel, msgType, content);
        return awaitReply(channel, id, timeout);
    }

    public Received request(Channel channel, String msgType, JsonObject content) {
        return request(channel, msgType, content, DEFAULT_TIMEOUT);
    }

    /** Waits for the reply to {@code msgId}; replies to other requests that arrive first are skipped. */
    public Received awaitReply(Channel channel, String msgId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ZMQ.Socket socket = socketFor(channel);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new AssertionError("no reply to " + msgId + " on " + channel + " within " + timeout);
            Received reply = receive(socket, Duration.ofNanos(left));
            if (reply != null && reply.parentId().equals(msgId)) return reply;
        }
    }

    /** Null when nothing arrives in time (for tests that expect silence). */
    public Received poll(Channel channel, Duration timeout) {
        return receive(socketFor(channel), timeout);
    }

    /** Content of an execute_request with the usual defaults; {@code options} may change them. */
    public static JsonObject executeContent(String code, Consumer<JsonObject> options) {
        JsonObject content = new JsonObject();
        content.addProperty("code", code);
        content.addProperty("silent", false);
        content.addProperty("store_history", true);
        content.add("user_expressions", new JsonObject());
        content.addProperty("allow_stdin", false);
        content.addProperty("stop_on_error", true);
        if (options != null) options.accept(content);
        return content;
    }

    public String sendExecute(String code, Consumer<JsonObject> options) {
        return send(Channel.SHELL, "execute_request", executeContent(code, options));
    }

    /** Waits for the execute reply and the idle status of {@code msgId}. */
    public Execution awaitExecution(String msgId, Duration timeout) {
        Received reply = awaitReply(Channel.SHELL, msgId, timeout);
        List<Received> iopub = awaitIdle(msgId, timeout);
        if (iopub == null) throw new AssertionError("no idle status for " + msgId);
        return new Execution(msgId, reply, iopub);
    }

    public Execution execute(String code, Consumer<JsonObject> options, Duration timeout) {
        return awaitExecution(sendExecute(code, options), timeout);
    }

    public Execution execute(String code) {
        return execute(code, null, DEFAULT_TIMEOUT);
    }

    /** Everything published with parent {@code msgId} up to its idle status, or null if idle does not come. */
    public List<Received> awaitIdle(String msgId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (iopubByParent) {
            while (true) {
                List<Received> messages = iopubByParent.getOrDefault(msgId, List.of());
                for (Received m : messages) {
                    if (m.type().equals("status") && "idle".equals(m.content().get("execution_state").getAsString())) {
                        return List.copyOf(messages);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) return null;
                try {
                    iopubByParent.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
    }

    /** Iopub messages received so far with parent {@code msgId}. */
    public List<Received> iopubFor(String msgId) {
        synchronized (iopubByParent) {
            return List.copyOf(iopubByParent.getOrDefault(msgId, List.of()));
        }
    }

    /** Answers an input_request received on stdin. */
    public void sendInputReply(String value) {
        JsonObject content = new JsonObject();
        content.addProperty("value", value);
        send(Channel.STDIN, "input_reply", content);
    }

    /** Whether the heartbeat echoes a ping within {@code timeout}. */
    public boolean heartbeat(Duration timeout) {
        byte[] ping = ("ping-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        heartbeat.send(ping, 0);
        heartbeat.setReceiveTimeOut((int) timeout.toMillis());
        byte[] echo = heartbeat.recv(0);
        return echo != null && Arrays.equals(ping, echo);
    }

    public ConnectionInfo connection() {
        return connection;
    }

    @Override
    public void close() {
        closing = true;
        try {
            iopubReader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ZMQ.Socket s : List.of(shell, control, stdin, heartbeat)) s.close();
        context.term();
    }

    private void readIopub() {
        ZMQ.Socket iopub = context.socket(SocketType.SUB);
        iopub.setLinger(0);
        iopub.subscribe(new byte[0]);
        iopub.connect(connection.endpoint(connection.iopubPort()));
        try {
            while (!closing) {
                Received message = receive(iopub, Duration.ofMillis(100));
                if (message == null) continue;
                synchronized (iopubByParent) {
                    iopubByParent.computeIfAbsent(message.parentId(), k -> new ArrayList<>()).add(message);
                    iopubByParent.notifyAll();
                }
            }
        } finally {
            iopub.close();
        }
    }

    private Received receive(ZMQ.Socket socket, Duration timeout) {
        socket.setReceiveTimeOut((int) Math.max(1, timeout.toMillis()));
        byte[] first = socket.recv(0);
        if (first == null) return null;
        List<byte[]> frames = new ArrayList<>();
        frames.add(first);
        while (socket.hasReceiveMore()) frames.add(socket.recv(0));
        int d = 0;
        while (d < frames.size() && !Arrays.equals(frames.get(d), DELIMITER)) d++;
        if (frames.size() < d + 6) throw new AssertionError("kernel sent a malformed message: " + frames.size() + " frames");
        JsonObject header = parse(frames.get(d + 2));
        JsonObject parent = parse(frames.get(d + 3));
        JsonObject metadata = parse(frames.get(d + 4));
        JsonObject content = parse(frames.get(d + 5));
        String signature = new String(frames.get(d + 1), StandardCharsets.US_ASCII);
        String expected = signRaw(frames.get(d + 2), frames.get(d + 3), frames.get(d + 4), frames.get(d + 5));
        if (!expected.equals(signature)) throw new AssertionError("kernel sent a wrongly signed " + header);
        return new Received(frames.subList(0, d), header, parent, metadata, content);
    }

    private synchronized String signRaw(byte[]... parts) {
        if (mac == null) return "";
        for (byte[] part : parts) mac.update(part);
        StringBuilder hex = new StringBuilder();
        for (byte b : mac.doFinal()) hex.append(String.format("%02x", b));
        return hex.toString();
    }

    private void sendFrames(ZMQ.Socket socket, JsonObject header, JsonObject parent, JsonObject content, String signature) {
        socket.send(DELIMITER, ZMQ.SNDMORE);
        socket.send(signature.getBytes(StandardCharsets.US_ASCII), ZMQ.SNDMORE);
        socket.send(utf8(header), ZMQ.SNDMORE);
        socket.send(utf8(parent), ZMQ.SNDMORE);
        socket.send(utf8(new JsonObject()), ZMQ.SNDMORE);
        socket.send(utf8(content), 0);
    }

    private ZMQ.Socket socketFor(Channel channel) {
        return switch (channel) {
            case SHELL -> shell;
            case CONTROL -> control;
            case STDIN -> stdin;
            case IOPUB -> throw new IllegalArgumentException("clients do not send on iopub");
        };
    }

    private ZMQ.Socket dealer(int port, byte[] identity) {
        ZMQ.Socket socket = context.socket(SocketType.DEALER);
        socket.setLinger(0);
        socket.setIdentity(identity);
        socket.connect(connection.endpoint(port));
        return socket;
    }

    private static Mac mac(String key) {
        if (key == null || key.isEmpty()) return null;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonObject parse(byte[] frame) {
        return JsonParser.parseString(new String(frame, StandardCharsets.UTF_8)).getAsJsonObject();
    }

    private static byte[] utf8(JsonObject json) {
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }
}
