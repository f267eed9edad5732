package io.djlkernel.kernel.protocol;

import com.google.gson.JsonObject;
import io.djlkernel.kernel.transport.Channel;
import io.djlkernel.kernel.transport.Message;
import io.djlkernel.kernel.transport.MessageFactory;
import io.djlkernel.kernel.transport.Transport;

/** How handlers answer: replies to a request on its channel, and iopub publications under a parent. */
public final class Outbox {
    private final Transport transport;
    private final MessageFactory messages;

    public Outbox(Transport transport, MessageFactory messages) {
        this.transport = transport;
        this.messages = messages;
    }

    /** Sends {@code content} as the reply to {@code request} (xxx_request → xxx_reply). */
    public void reply(Channel channel, Message request, JsonObject content) {
        transport.send(channel, messages.reply(request, MessageFactory.replyType(request.type()), content));
    }

    /** Publishes on iopub; {@code parent} null for messages that answer no request. */
    public void publish(Message parent, String msgType, JsonObject content) {
        transport.send(Channel.IOPUB, messages.publish(parent, msgType, content));
    }

    public void status(Message parent, String executionState) {
        JsonObject content = new JsonObject();
        content.addProperty("execution_state", executionState);
        publish(parent, "status", content);
    }

    /** Sends a message on the stdin channel to the front end that sent {@code request}. */
    public void sendStdin(Message request, String msgType, JsonObject content) {
        transport.send(Channel.STDIN, messages.reply(request, msgType, content));
    }

    public static JsonObject ok() {
        JsonObject content = new JsonObject();
        content.addProperty("status", "ok");
        return content;
    }

    public static JsonObject error(String ename, String evalue, Iterable<String> traceback) {
        JsonObject content = new JsonObject();
        content.addProperty("status", "error");
        content.addProperty("ename", ename);
        content.addProperty("evalue", evalue);
        com.google.gson.JsonArray lines = new com.google.gson.JsonArray();
        for (String line : traceback) lines.add(line);
        content.add("traceback", lines);
        return content;
    }
}
