package io.djlkernel.kernel.protocol;

import com.google.gson.JsonObject;
import io.djlkernel.kernel.eval.Interpreter;
import io.djlkernel.kernel.transport.Channel;
import io.djlkernel.kernel.transport.Json;
import io.djlkernel.kernel.transport.Message;
import java.util.List;

/** complete_request: the interpreter's completions (magic names included: magics belong to the interpreter). */
public final class CompleteHandler implements RequestHandler {
    private final Outbox outbox;
    private final InterpreterHandle interpreter;

    public CompleteHandler(Outbox outbox, InterpreterHandle interpreter) {
        this.outbox = outbox;
        this.interpreter = interpreter;
    }

    @Override
    public void handle(Channel channel, Message request) throws InterruptedException {
        String code = Json.string(request.content(), "code", "");
        int cursor = CursorPositions.toCharIndex(code, Json.integer(request.content(), "cursor_pos", code.length()));
        Interpreter.Completion completion;
        try {
            completion = interpreter.get().complete(code, cursor);
        } catch (InterpreterHandle.UnavailableException e) {
            completion = new Interpreter.Completion(List.of(), cursor, cursor);
        }
        List<String> matches = completion.matches();
        int start = completion.cursorStart();
        int end = completion.cursorEnd();
        JsonObject reply = Outbox.ok();
        reply.add("matches", Json.strings(matches));
        reply.addProperty("cursor_start", CursorPositions.toCodePoints(code, start));
        reply.addProperty("cursor_end", CursorPositions.toCodePoints(code, end));
        reply.add("metadata", new JsonObject());
        outbox.reply(channel, request, reply);
    }
}
