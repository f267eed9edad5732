package io.djlkernel.kernel.transport;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Makes messages with fresh headers for one kernel session: replies to requests and iopub publications. */
public final class MessageFactory {
    public static final String PROTOCOL_VERSION = "5.3";

    private final String session;
    private final String username;

    public MessageFactory(String session, String username) {
        this.session = session;
        this.username = username;
    }

    public static MessageFactory forNewSession() {
        return new MessageFactory(UUID.randomUUID().toString(), System.getProperty("user.name", "kernel"));
    }

    public String session() {
        return session;
    }

    public JsonObject header(String msgType) {
        JsonObject h = new JsonObject();
        h.addProperty("msg_id", UUID.randomUUID().toString());
        h.addProperty("session", session);
        h.addProperty("username", username);
        h.addProperty("date", Instant.now().toString());
        h.addProperty("msg_type", msgType);
        h.addProperty("version", PROTOCOL_VERSION);
        return h;
    }

    /** A message sent back to whoever sent {@code request} (same routing identities, parent = its header). */
    public Message reply(Message request, String msgType, JsonObject content) {
        return new Message(request.identities(), header(msgType), request.header(), new JsonObject(), content, List.of());
    }

    /** An iopub message; {@code parent} may be null for output that belongs to no request. */
    public Message publish(Message parent, String msgType, JsonObject content) {
        byte[] topic = ("kernel." + session + "." + msgType).getBytes(StandardCharsets.UTF_8);
        JsonObject parentHeader = parent == null ? new JsonObject() : parent.header();
        return new Message(List.of(topic), header(msgType), parentHeader, new JsonObject(), content, List.of());
    }

    /** A request as a client sends it (no routing identities: a DEALER socket adds its own). */
    public Message request(String msgType, JsonObject content) {
        return new Message(List.of(), header(msgType), new JsonObject(), new JsonObject(), content, List.of());
    }

    /** request_type → reply_type, as the protocol pairs them. */
    public static String replyType(String requestType) {
        return requestType.endsWith("_request")
                ? requestType.substring(0, requestType.length() - "_request".length()) + "_reply"
                : requestType + "_reply";
    }
}
