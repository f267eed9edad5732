package io.djlkernel.kernel.protocol;

import com.google.gson.JsonObject;
import io.djlkernel.kernel.comm.CommManager;
import io.djlkernel.kernel.transport.Channel;
import io.djlkernel.kernel.transport.Json;
import io.djlkernel.kernel.transport.Message;
import java.util.Map;

/** comm_info_request (answered) and comm_open / comm_msg / comm_close (not requests: no reply). */
public final class CommHandlers {
    private final Outbox outbox;
    private final CommManager comms;

    public CommHandlers(Outbox outbox, CommManager comms) {
        this.outbox = outbox;
        this.comms = comms;
    }

    public void info(Channel channel, Message request) {
        JsonObject content = request.content();
        String target = content.has("target_name") ? Json.string(content, "target_name", null) : null;
        JsonObject list = new JsonObject();
        for (Map.Entry<String, String> comm : comms.openComms(target).entrySet()) {
            JsonObject entry = new JsonObject();
            entry.addProperty("target_name", comm.getValue());
            list.add(comm.getKey(), entry);
        }
        JsonObject reply = Outbox.ok();
        reply.add("comms", list);
        outbox.reply(channel, request, reply);
    }

    public void open(Channel channel, Message message) {
        JsonObject c = message.content();
        comms.onOpen(Json.string(c, "comm_id", ""), Json.string(c, "target_name", ""), Json.object(c, "data"));
    }

    public void message(Channel channel, Message message) {
        JsonObject c = message.content();
        comms.onMessage(Json.string(c, "comm_id", ""), Json.object(c, "data"));
    }

    public void close(Channel channel, Message message) {
        JsonObject c = message.content();
        comms.onClose(Json.string(c, "comm_id", ""), Json.object(c, "data"));
    }
}
