package io.djlkernel.kernel.protocol;

import com.google.gson.JsonObject;
import io.djlkernel.kernel.eval.Interpreter;
import io.djlkernel.kernel.transport.Channel;
import io.djlkernel.kernel.transport.Json;
import io.djlkernel.kernel.transport.Message;

/** is_complete_request. Its reply's {@code status} is the verdict itself (complete, incomplete, invalid, unknown). */
public final class IsCompleteHandler implements RequestHandler {
    private final Outbox outbox;
    private final InterpreterHandle interpreter;

    public IsCompleteHandler(Outbox outbox, InterpreterHandle interpreter) {
        this.outbox = outbox;
        this.interpreter = interpreter;
    }

    @Override
    public void handle(Channel channel, Message request) throws InterruptedException {
        Interpreter.Completeness verdict;
        try {
            verdict = interpreter.get().isComplete(Json.string(request.content(), "code", ""));
        } catch (InterpreterHandle.UnavailableException e) {
            verdict = new Interpreter.Completeness("unknown", "");
        }
        JsonObject reply = new JsonObject();
        reply.addProperty("status", verdict.status());
        if ("incomplete".equals(verdict.status())) reply.addProperty("indent", verdict.indent());
        outbox.reply(channel, request, reply);
    }
}
