package io.djlkernel.kernel.protocol;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.djlkernel.kernel.history.History;
import io.djlkernel.kernel.history.HistoryEntry;
import io.djlkernel.kernel.transport.Channel;
import io.djlkernel.kernel.transport.Json;
import io.djlkernel.kernel.transport.Message;
import java.util.List;

/** history_request: tail, range and search, each entry {@code [session, line, input]} or with {@code [input, output]}. */
public final class HistoryHandler implements RequestHandler {
    private final Outbox outbox;
    private final History history;

    public HistoryHandler(Outbox outbox, History history) {
        this.outbox = outbox;
        this.history = history;
    }

    @Override
    public void handle(Channel channel, Message request) {
        JsonObject content = request.content();
        boolean withOutput = Json.bool(content, "output", false);
        List<HistoryEntry> entries = switch (Json.string(content, "hist_access_type", "tail")) {
            case "range" -> history.range(Json.integer(content, "session", 0), Json.integer(content, "start", 1),
                    Json.integer(content, "stop", 0));
            case "search" -> history.search(Json.string(content, "pattern", "*"), Json.integer(content, "n", 0),
                    Json.bool(content, "unique", false));
            default -> history.tail(Json.integer(content, "n", 10));
        };
        JsonArray list = new JsonArray(entries.size());
        for (HistoryEntry e : entries) {
            JsonArray item = new JsonArray(3);
            item.add(e.session());
            item.add(e.line());
            if (withOutput) {
                JsonArray inOut = new JsonArray(2);
                inOut.add(e.input());
                inOut.add(e.output());
                item.add(inOut);
            } else {
                item.add(e.input());
            }
            list.add(item);
        }
        JsonObject reply = Outbox.ok();
        reply.add("history", list);
        outbox.reply(channel, request, reply);
    }
}
