package io.djlkernel.kernel.protocol;

import com.google.gson.JsonObject;
import io.djlkernel.kernel.eval.Interpreter;
import io.djlkernel.kernel.transport.Channel;
import io.djlkernel.kernel.transport.Json;
import io.djlkernel.kernel.transport.Message;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/** complete_request: the interpreter's completions, or magic names when the word at the cursor starts with %. */
public final class CompleteHandler implements RequestHandler {
    private final Outbox outbox;
    private final InterpreterHandle interpreter;
    private final Supplier<? extends Collection<String>> magicNames;

    public CompleteHandler(Outbox outbox, InterpreterHandle interpreter,
                           Supplier<? extends Collection<String>> magicNames) {
        this.outbox = outbox;
        this.interpreter = interpreter;
        this.magicNames = magicNames;
    }

    @Override
    public void handle(Channel channel, Message request) throws InterruptedException {
        String code = Json.string(request.content(), "code", "");
        int cursor = CursorPositions.toCharIndex(code, Json.integer(request.content(), "cursor_pos", code.length()));
        List<String> matches;
        int start;
        int end;
        int wordStart = magicWordStart(code, cursor);
        if (wordStart >= 0) {
            String word = code.substring(wordStart, cursor);
            matches = new ArrayList<>();
            for (String name : magicNames.get()) {
                if (name.startsWith(word)) matches.add(name);
            }
            matches.sort(null);
            start = wordStart;
            end = cursor;
        } else {
            Interpreter.Completion completion;
            try {
                completion = interpreter.get().complete(code, cursor);
            } catch (InterpreterHandle.UnavailableException e) {
                completion = new Interpreter.Completion(List.of(), cursor, cursor);
            }
            matches = completion.matches();
            start = completion.cursorStart();
            end = completion.cursorEnd();
        }
        JsonObject reply = Outbox.ok();
        reply.add("matches", Json.strings(matches));
        reply.addProperty("cursor_start", CursorPositions.toCodePoints(code, start));
        reply.addProperty("cursor_end", CursorPositions.toCodePoints(code, end));
        reply.add("metadata", new JsonObject());
        outbox.reply(channel, request, reply);
    }

    /** Where a %magic word ending at the cursor starts, or -1 when the word there is no magic. */
    static int magicWordStart(String code, int cursor) {
        int i = cursor;
        while (i > 0 && isWordChar(code.charAt(i - 1))) i--;
        int percent = i;
        while (percent < cursor && code.charAt(percent) == '%') percent++;
        if (percent == i) return -1; // no leading %
        // a magic starts a line (after indentation); "a %b" is the remainder operator
        int lineStart = code.lastIndexOf('\n', i - 1) + 1;
        return code.substring(lineStart, i).isBlank() ? i : -1;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '%';
    }
}
