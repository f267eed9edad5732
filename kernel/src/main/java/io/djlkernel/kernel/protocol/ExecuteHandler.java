package io.djlkernel.kernel.protocol;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.api.display.RendererRegistry;
import io.djlkernel.kernel.eval.EvalException;
import io.djlkernel.kernel.eval.EvalResult;
import io.djlkernel.kernel.eval.PagedHelp;
import io.djlkernel.kernel.eval.Interpreter;
import io.djlkernel.kernel.history.History;
import io.djlkernel.kernel.io.OutputRouter;
import io.djlkernel.kernel.io.StdinBroker;
import io.djlkernel.kernel.transport.Channel;
import io.djlkernel.kernel.transport.Json;
import io.djlkernel.kernel.transport.Message;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * execute_request, with its flags as ipykernel honours them: {@code silent} (no execute_input, no result, count
 * unchanged, not in history), {@code store_history} (the count advances only for stored cells),
 * {@code stop_on_error} (execute requests already queued behind a failed cell are answered "aborted"),
 * {@code user_expressions} (evaluated after a successful cell) and {@code allow_stdin}.
 */
public final class ExecuteHandler implements RequestHandler {
    private static final Logger LOG = Logger.getLogger(ExecuteHandler.class.getName());

    private final Outbox outbox;
    private final InterpreterHandle interpreter;
    private final RendererRegistry renderers;
    private final OutputRouter output;
    private final StdinBroker stdin;
    private final History history;
    private final Consumer<Runnable> shellQueue;
    private final InterruptHandler interrupts;
    private int executionCount;
    private boolean aborting;

    /**
     * @param shellQueue appends a task behind the requests already queued on the shell executor; used to end
     *                   the abort of queued requests after a failed cell
     */
    public ExecuteHandler(Outbox outbox, InterpreterHandle interpreter, RendererRegistry renderers,
                          OutputRouter output, StdinBroker stdin, History history, Consumer<Runnable> shellQueue,
                          InterruptHandler interrupts) {
        this.interrupts = interrupts;
        this.outbox = outbox;
        this.interpreter = interpreter;
        this.renderers = renderers;
        this.output = output;
        this.stdin = stdin;
        this.history = history;
        this.shellQueue = shellQueue;
    }

    @Override
    public void handle(Channel channel, Message request) throws InterruptedException {
        if (aborting) {
            JsonObject reply = new JsonObject();
            reply.addProperty("status", "aborted");
            reply.addProperty("execution_count", executionCount);
            outbox.reply(channel, request, reply);
            return;
        }
        // before execute_input: a front end may interrupt as soon as it sees that, and must reach this request
        CompletableFuture<Void> interrupted = interrupts.begin(request);
        try {
            execute(channel, request, interrupted);
        } finally {
            interrupts.end();
        }
    }

    private void execute(Channel channel, Message request, CompletableFuture<Void> interrupted)
            throws InterruptedException {
        JsonObject content = request.content();
        String code = Json.string(content, "code", "");
        boolean silent = Json.bool(content, "silent", false);
        boolean storeHistory = !silent && Json.bool(content, "store_history", true);
        boolean stopOnError = Json.bool(content, "stop_on_error", true);
        boolean allowStdin = Json.bool(content, "allow_stdin", false);

        if (storeHistory) {
            executionCount++;
            history.add(executionCount, code);
        }
        int count = executionCount;
        if (!silent) {
            JsonObject input = new JsonObject();
            input.addProperty("code", code);
            input.addProperty("execution_count", count);
            outbox.publish(request, "execute_input", input);
        }

        output.beginCell(request);
        stdin.beginCell(request, allowStdin);
        JsonObject reply;
        try {
            reply = run(request, code, silent, storeHistory, count, interrupted);
        } finally {
            stdin.endCell();
            output.endCell();
        }
        reply.addProperty("execution_count", count);
        if ("error".equals(reply.get("status").getAsString()) && stopOnError) {
            aborting = true;
            // requests queued until now are aborted; this runs after them and lets later ones run again. Queued
            // before the reply goes out, so a request the client sends on seeing the reply is not aborted.
            shellQueue.accept(() -> aborting = false);
        }
        outbox.reply(channel, request, reply);
    }

    private JsonObject run(Message request, String code, boolean silent, boolean storeHistory, int count,
                           CompletableFuture<Void> interrupted) throws InterruptedException {
        Interpreter eval;
        try {
            eval = interpreter.get(interrupted);
        } catch (InterpreterHandle.UnavailableException e) {
            return publishError(request, "KernelStartupError", e.getMessage(), List.of(e.getMessage()));
        } catch (InterpreterHandle.InterruptedWhileStartingException e) {
            return interruptedBeforeRunning(request);
        }
        // interrupted as start-up ended: the interrupt found no interpreter to pass the stop to
        if (interrupted.isDone()) return interruptedBeforeRunning(request);
        EvalResult result;
        try {
            result = io.djlkernel.kernel.eval.CellOrigin.evaluating(code, "In [" + count + "]", () -> eval.eval(code));
        } catch (EvalException e) {
            return publishError(request, e.ename(), e.evalue(), e.traceback());
        } catch (RuntimeException | LinkageError | StackOverflowError | OutOfMemoryError e) {
            // the interpreter should turn these into EvalExceptions; never let one end the shell thread
            LOG.log(Level.WARNING, "interpreter threw out of eval", e);
            return publishError(request, e.getClass().getName(), String.valueOf(e.getMessage()), stackTrace(e));
        }

        JsonObject reply = Outbox.ok();
        com.google.gson.JsonArray payload = new com.google.gson.JsonArray();
        if (result.hasValue() && result.value() instanceof PagedHelp help) {
            JsonObject page = new JsonObject();
            page.addProperty("source", "page");
            JsonObject data = new JsonObject();
            data.addProperty(MimeBundle.TEXT_PLAIN, help.text());
            page.add("data", data);
            page.addProperty("start", 0);
            payload.add(page);
        } else if (result.hasValue() && !silent) {
            JsonObject bundle = render(result.value());
            if (bundle != null) {
                output.flush();
                JsonObject executeResult = new JsonObject();
                executeResult.addProperty("execution_count", count);
                executeResult.add("data", bundle.get("data"));
                executeResult.add("metadata", bundle.get("metadata"));
                outbox.publish(request, "execute_result", executeResult);
                JsonElement text = bundle.getAsJsonObject("data").get(MimeBundle.TEXT_PLAIN);
                if (storeHistory && text != null && text.isJsonPrimitive()) history.setOutput(count, text.getAsString());
            }
        }
        reply.add("user_expressions", userExpressions(eval, Json.object(request.content(), "user_expressions")));
        reply.add("payload", payload);
        return reply;
    }

    private JsonObject userExpressions(Interpreter eval, JsonObject expressions) {
        JsonObject results = new JsonObject();
        for (Map.Entry<String, JsonElement> entry : expressions.entrySet()) {
            JsonObject value;
            try {
                String expression = entry.getValue().getAsString();
                EvalResult result = eval.eval(expression);
                JsonObject bundle = result.hasValue() ? render(result.value()) : null;
                value = Outbox.ok();
                value.add("data", bundle != null ? bundle.get("data") : new JsonObject());
                value.add("metadata", bundle != null ? bundle.get("metadata") : new JsonObject());
            } catch (EvalException e) {
                value = Outbox.error(e.ename(), e.evalue(), e.traceback());
            } catch (RuntimeException e) {
                value = Outbox.error(e.getClass().getName(), String.valueOf(e.getMessage()), List.of());
            }
            results.add(entry.getKey(), value);
        }
        return results;
    }

    /** {data, metadata} of a value, or null when rendering failed (reported as stderr output instead). */
    private JsonObject render(Object value) {
        try {
            MimeBundle bundle = renderers.render(value);
            JsonObject rendered = new JsonObject();
            rendered.add("data", Json.toJson(bundle.data()));
            rendered.add("metadata", Json.toJson(bundle.metadata()));
            return rendered;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "rendering a result failed", e);
            output.stderr().println("[djl-kernel: could not display the result: " + e + "]");
            return null;
        }
    }

    private JsonObject interruptedBeforeRunning(Message request) {
        String value = "the cell was interrupted before it ran (the Java interpreter was still starting)";
        return publishError(request, "Interrupted", value,
                List.of("\u001b[1;31mInterrupted\u001b[0m: " + value + "; the interpreter goes on starting."));
    }

    private JsonObject publishError(Message request, String ename, String evalue, List<String> traceback) {
        output.flush();
        JsonObject error = Outbox.error(ename, evalue, traceback);
        JsonObject published = error.deepCopy();
        published.remove("status");
        outbox.publish(request, "error", published);
        error.add("user_expressions", new JsonObject());
        error.add("payload", new com.google.gson.JsonArray());
        return error;
    }

    private static List<String> stackTrace(Throwable e) {
        StringWriter text = new StringWriter();
        e.printStackTrace(new PrintWriter(text));
        return List.of(text.toString().split("\n"));
    }
}
