package io.djlkernel.kernel.protocol;

import com.google.gson.JsonObject;
import io.djlkernel.kernel.eval.Interpreter;
import io.djlkernel.kernel.transport.Channel;
import io.djlkernel.kernel.transport.Json;
import io.djlkernel.kernel.transport.Message;

/** inspect_request: signature and documentation of what is at the cursor, as text/plain. */
public final class InspectHandler implements RequestHandler {
    private final Outbox outbox;
    private final InterpreterHandle interpreter;

    public InspectHandler(Outbox outbox, InterpreterHandle interpreter) {
        this.outbox = outbox;
        this.interpreter = interpreter;
    }

    @Override
    public void handle(Channel channel, Message request) throws InterruptedException {
        String code = Json.string(request.content(), "code", "");
        int cursor = CursorPositions.toCharIndex(code, Json.integer(request.content(), "cursor_pos", code.length()));
        int detail = Json.integer(request.content(), "detail_level", 0);
        Interpreter.Inspection inspection;
        try {
            inspection = interpreter.get().inspect(code, cursor, detail);
        } catch (InterpreterHandle.UnavailableException e) {
            inspection = null;
        }
        JsonObject data = new JsonObject();
        if (inspection != null) {
            String signature = inspection.signature() == null ? "" : inspection.signature();
            String doc = inspection.documentation() == null ? "" : inspection.documentation();
            String text = signature.isEmpty() ? doc : doc.isEmpty() ? signature : signature + "\n\n" + doc;
            if (!text.isEmpty()) data.addProperty("text/plain", text);
        }
        JsonObject reply = Outbox.ok();
        reply.addProperty("found", data.size() > 0);
        reply.add("data", data);
        reply.add("metadata", new JsonObject());
        outbox.reply(channel, request, reply);
    }
}
