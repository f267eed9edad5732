package io.djlkernel.kernel.debug;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.jdi.Location;
import com.sun.jdi.request.StepRequest;
import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.api.display.RendererRegistry;
import io.djlkernel.kernel.eval.Interpreter;
import io.djlkernel.kernel.eval.SnippetLines;
import io.djlkernel.kernel.protocol.InterpreterHandle;
import io.djlkernel.kernel.protocol.Outbox;
import io.djlkernel.kernel.protocol.RequestHandler;
import io.djlkernel.kernel.transport.Channel;
import io.djlkernel.kernel.transport.Json;
import io.djlkernel.kernel.transport.Message;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * debug_request on the control channel: the Debug Adapter Protocol as JupyterLab's debugger speaks it to ipykernel
 * (debugInfo, initialize, attach, dumpCell, setBreakpoints, ... disconnect), answered with debug_reply; stops and
 * resumes go out as debug_event on IOPub. A request the kernel cannot do gets {@code success: false} and a message
 * a person can act on; the session goes on.
 */
public final class DebugAdapter implements RequestHandler, JdiEngine.Events, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DebugAdapter.class.getName());
    private static final long EVALUATE_TIMEOUT_S = 10;

    private final Outbox outbox;
    private final InterpreterHandle interpreter;
    private final ValueView values;
    private final CellSourceMap sources;
    private final AtomicInteger seq = new AtomicInteger();
    private final AtomicInteger breakpointIds = new AtomicInteger();
    /** The last debug_request: parent of the events (as ipykernel does). */
    private volatile Message lastRequest;
    private volatile JdiEngine engine;
    private volatile boolean started;
    /** Frames, scopes and expandable values shown since the last stop, by the ids the front end holds. */
    private final Map<Integer, Object> handles = new HashMap<>();
    private int nextHandle = 1;

    private record Scope(JdiEngine.Frame frame, boolean locals) {
    }

    public DebugAdapter(Outbox outbox, InterpreterHandle interpreter, RendererRegistry renderers) {
        this.outbox = outbox;
        this.interpreter = interpreter;
        this.values = new ValueView(renderers);
        this.sources = new CellSourceMap(Path.of(System.getProperty("java.io.tmpdir"),
                "djl-kernel_" + ProcessHandle.current().pid()));
    }

    /** The JVM option that loads the (dormant) JDWP agent the debugger wakes. */
    public static final String AGENT_OPTION = JdwpConnection.AGENT_OPTION;

    /** Whether this kernel can debug (its JVM was started with the JDWP agent). */
    public static boolean available() {
        return JdwpConnection.agentLoaded();
    }

    @Override
    public void handle(Channel channel, Message request) {
        lastRequest = request;
        JsonObject dap = request.content();
        String command = Json.string(dap, "command", "");
        JsonObject arguments = dap.has("arguments") && dap.get("arguments").isJsonObject()
                ? dap.getAsJsonObject("arguments") : new JsonObject();
        JsonObject reply = new JsonObject();
        reply.addProperty("seq", seq.incrementAndGet());
        reply.addProperty("type", "response");
        reply.addProperty("request_seq", Json.integer(dap, "seq", 0));
        reply.addProperty("command", command);
        try {
            JsonObject body = answer(command, arguments);
            reply.addProperty("success", true);
            reply.add("body", body);
        } catch (Refusal e) {
            reply.addProperty("success", false);
            reply.addProperty("message", e.getMessage());
            reply.add("body", new JsonObject());
        } catch (Exception e) {
            boolean malformed = malformedArguments(e);
            LOG.log(malformed ? Level.FINE : Level.WARNING, "debug request " + command + " failed", e);
            reply.addProperty("success", false);
            reply.addProperty("message", malformed
                    ? "malformed " + command + " request: an argument is missing or of the wrong type (" + e.getMessage() + ")"
                    : command + " failed: " + e);
            reply.add("body", new JsonObject());
        }
        outbox.reply(channel, request, reply);
        if (command.equals("initialize") && reply.get("success").getAsBoolean()) event("initialized", new JsonObject());
    }

    /**
     * Whether a request failed on reading its arguments: Gson's accessors throw these for a value of another JSON
     * type (a string where a number goes, an array for a number), and a missing argument is a null.
     */
    private static boolean malformedArguments(Exception e) {
        if (e instanceof NumberFormatException || e instanceof ClassCastException) return true;
        // the JVM's own message names the call: "... because the return value of "com.google.gson.JsonObject.get(String)" is null"
        if (e instanceof NullPointerException) return String.valueOf(e.getMessage()).contains("com.google.gson.JsonObject.get");
        StackTraceElement[] at = e.getStackTrace();
        return (e instanceof IllegalStateException || e instanceof UnsupportedOperationException)
                && at.length > 0 && at[0].getClassName().startsWith("com.google.gson.");
    }

    /** A request the kernel answers with success: false and this message. */
    private static final class Refusal extends Exception {
        Refusal(String message) {
            super(message, null, false, false);
        }
    }

    private JsonObject answer(String command, JsonObject args) throws Exception {
        switch (command) {
            case "debugInfo":
                return debugInfo();
            case "initialize":
                return capabilities();
            case "attach":
                attach();
                return new JsonObject();
            case "configurationDone":
                return new JsonObject();
            case "dumpCell":
                return dumpCell(args);
            case "setBreakpoints":
                return setBreakpoints(args);
            case "setExceptionBreakpoints":
                return setExceptionBreakpoints(args);
            case "threads":
                return threads();
            case "stackTrace":
                return stackTrace(args);
            case "scopes":
                return scopes(args);
            case "variables":
                return variables(args);
            case "evaluate":
                return evaluate(args);
            case "continue":
                return resume(args, null);
            case "next":
                return resume(args, StepRequest.STEP_OVER);
            case "stepIn":
                return resume(args, StepRequest.STEP_INTO);
            case "stepOut":
                return resume(args, StepRequest.STEP_OUT);
            case "pause":
                engine().pause();
                return new JsonObject();
            case "source":
                return source(args);
            case "inspectVariables":
                return inspectVariables();
            case "richInspectVariables":
                return richInspectVariables(args);
            case "copyToGlobals":
                return copyToGlobals(args);
            case "modules":
                JsonObject modules = new JsonObject();
                modules.add("modules", new JsonArray());
                modules.addProperty("totalModules", 0);
                return modules;
            case "disconnect":
                disconnect();
                return new JsonObject();
            default:
                throw new Refusal("unknown debug command '" + command + "': this kernel answers debugInfo, initialize, "
                        + "attach, configurationDone, dumpCell, setBreakpoints, setExceptionBreakpoints, threads, "
                        + "stackTrace, scopes, variables, evaluate, continue, next, stepIn, stepOut, pause, source, "
                        + "inspectVariables, richInspectVariables, copyToGlobals, modules, disconnect");
        }
    }

    private JsonObject debugInfo() {
        JsonObject body = new JsonObject();
        body.addProperty("isStarted", started);
        body.addProperty("hashMethod", "Murmur2");
        body.addProperty("hashSeed", CellSourceMap.HASH_SEED);
        body.addProperty("tmpFilePrefix", sources.prefix());
        body.addProperty("tmpFileSuffix", CellSourceMap.SUFFIX);
        JsonArray breakpoints = new JsonArray();
        JdiEngine e = engine;
        if (e != null) {
            e.breakpoints().forEach((path, lines) -> {
                JsonObject source = new JsonObject();
                source.addProperty("source", path);
                JsonArray list = new JsonArray();
                for (int line : lines) {
                    JsonObject bp = new JsonObject();
                    bp.addProperty("line", line);
                    list.add(bp);
                }
                source.add("breakpoints", list);
                breakpoints.add(source);
            });
        }
        body.add("breakpoints", breakpoints);
        JsonArray stopped = new JsonArray();
        if (e != null) e.pausedThreads().forEach(stopped::add);
        body.add("stoppedThreads", stopped);
        body.addProperty("richRendering", true);
        JsonArray exceptionPaths = new JsonArray();
        exceptionPaths.add("Java Exceptions");
        body.add("exceptionPaths", exceptionPaths);
        body.addProperty("copyToGlobals", true); // JupyterLab's "Copy Variable to Globals" (ipykernel says so too)
        return body;
    }

    private static JsonObject capabilities() {
        JsonObject body = new JsonObject();
        body.addProperty("supportsConfigurationDoneRequest", true);
        body.addProperty("supportsEvaluateForHovers", true);
        body.addProperty("supportsVariablePaging", true);
        body.addProperty("supportsVariableType", true);
        body.addProperty("supportsConditionalBreakpoints", false);
        body.addProperty("supportsSetVariable", false);
        body.addProperty("supportsExceptionInfoRequest", false);
        body.addProperty("supportsDelayedStackTraceLoading", false);
        JsonArray filters = new JsonArray();
        filters.add(filter(JdiEngine.FILTER_RAISED, "Raised exceptions",
                "Pause where an exception is thrown into cell code, caught or not"));
        filters.add(filter(JdiEngine.FILTER_UNCAUGHT, "Uncaught exceptions", "Pause where an exception ends the cell"));
        body.add("exceptionBreakpointFilters", filters);
        return body;
    }

    private static JsonObject filter(String id, String label, String description) {
        JsonObject f = new JsonObject();
        f.addProperty("filter", id);
        f.addProperty("label", label);
        f.addProperty("description", description);
        f.addProperty("default", false);
        return f;
    }

    private synchronized void attach() throws Exception {
        if (engine == null) {
            if (!available()) {
                throw new Refusal("this kernel was started without the JDWP agent: reinstall it with "
                        + "`java -jar djl-kernel.jar install --debugger` (docs/debugging.md)");
            }
            engine = new JdiEngine(sources, this);
            // declarations made before the debugger started map to their cells too
            interpreter.get().observeSnippets(sources);
        }
        started = true;
    }

    private JdiEngine engine() throws Refusal {
        JdiEngine e = engine;
        if (e == null || !started) throw new Refusal("the debugger is not started: send initialize and attach first");
        return e;
    }

    private JsonObject dumpCell(JsonObject args) throws Exception {
        String code = Json.string(args, "code", null);
        if (code == null) throw new Refusal("dumpCell needs arguments.code, the cell's text");
        JsonObject body = new JsonObject();
        body.addProperty("sourcePath", sources.dump(code));
        return body;
    }

    private JsonObject setBreakpoints(JsonObject args) throws Exception {
        JdiEngine e = engine();
        JsonObject source = args.has("source") && args.get("source").isJsonObject() ? args.getAsJsonObject("source") : null;
        String path = source == null ? null : Json.string(source, "path", null);
        if (path == null) throw new Refusal("setBreakpoints needs arguments.source.path");
        String code = sources.code(path);
        if (code == null) {
            throw new Refusal(path + " is not a cell this kernel knows: send dumpCell with the cell's code first, "
                    + "then set breakpoints at the path it returns");
        }
        String[] cellLines = code.split("\n", -1);
        Set<Integer> lines = new TreeSet<>();
        JsonArray result = new JsonArray();
        JsonArray wanted = args.has("breakpoints") ? args.getAsJsonArray("breakpoints") : new JsonArray();
        for (JsonElement element : wanted) {
            int line = element.getAsJsonObject().get("line").getAsInt();
            JsonObject bp = new JsonObject();
            String problem = null;
            if (line < 1 || line > cellLines.length) {
                problem = "line " + line + " is outside the cell (it has " + cellLines.length + " lines)";
            } else if (!holdsCode(cellLines[line - 1]) || e.holdsNoCode(path, line)) {
                problem = "line " + line + " of the cell holds no code to stop at";
            }
            bp.addProperty("id", breakpointIds.incrementAndGet());
            bp.addProperty("verified", problem == null);
            if (problem != null) bp.addProperty("message", problem);
            else lines.add(line);
            bp.addProperty("line", line);
            JsonObject src = new JsonObject();
            src.addProperty("path", path);
            bp.add("source", src);
            result.add(bp);
        }
        e.setBreakpoints(path, lines);
        JsonObject body = new JsonObject();
        body.add("breakpoints", result);
        return body;
    }

    private static boolean holdsCode(String line) {
        String s = line.strip();
        return !s.isEmpty() && !s.startsWith("//") && !s.startsWith("%") && !s.equals("}") && !s.equals("{")
                && !s.startsWith("/*") && !s.startsWith("*");
    }

    private JsonObject setExceptionBreakpoints(JsonObject args) throws Refusal {
        Set<String> filters = new TreeSet<>();
        if (args.has("filters")) for (JsonElement f : args.getAsJsonArray("filters")) filters.add(f.getAsString());
        for (String f : filters) {
            if (!f.equals(JdiEngine.FILTER_RAISED) && !f.equals(JdiEngine.FILTER_UNCAUGHT)) {
                throw new Refusal("unknown exception filter '" + f + "': use raised or uncaught");
            }
        }
        engine().setExceptionFilters(filters);
        JsonObject body = new JsonObject();
        body.add("breakpoints", new JsonArray());
        return body;
    }

    private JsonObject threads() throws Refusal {
        JsonArray threads = new JsonArray();
        for (long id : engine().pausedThreads()) {
            JsonObject t = new JsonObject();
            t.addProperty("id", id);
            t.addProperty("name", "cell");
            threads.add(t);
        }
        JsonObject body = new JsonObject();
        body.add("threads", threads);
        return body;
    }

    private long threadId(JsonObject args) throws Refusal {
        if (!args.has("threadId")) throw new Refusal("this request needs arguments.threadId");
        return args.get("threadId").getAsLong();
    }

    private JsonObject stackTrace(JsonObject args) throws Exception {
        long thread = threadId(args);
        JdiEngine e = engine();
        if (e.pausedThread(thread) == null) throw new Refusal("thread " + thread + " is not paused");
        JsonArray frames = new JsonArray();
        for (Object[] shown : e.frames(thread)) {
            JsonObject frame = new JsonObject();
            if (shown[0] == null) {
                frame.addProperty("id", handle(null));
                frame.addProperty("name", shown[1] + " library frame" + ((int) shown[1] == 1 ? "" : "s") + " (" + shown[2] + " …)");
                frame.addProperty("line", 0);
                frame.addProperty("column", 0);
                frame.addProperty("presentationHint", "subtle");
            } else {
                JdiEngine.Frame f = (JdiEngine.Frame) shown[0];
                Location location = (Location) shown[1];
                frame.addProperty("id", handle(f));
                frame.addProperty("name", frameName(location, f.lines()));
                frame.addProperty("line", f.lines().cellLine(location.lineNumber()));
                frame.addProperty("column", 1);
                JsonObject source = new JsonObject();
                String path = sources.pathOf(f.lines().cellCode());
                source.addProperty("name", Path.of(path).getFileName().toString());
                source.addProperty("path", path);
                source.addProperty("sourceReference", 0);
                frame.add("source", source);
            }
            frames.add(frame);
        }
        JsonObject body = new JsonObject();
        body.add("stackFrames", frames);
        body.addProperty("totalFrames", frames.size());
        return body;
    }

    /** A cell's own code is "cell" (its label), a method declared in a cell its name. */
    private static String frameName(Location location, SnippetLines lines) {
        String method = location.method().name();
        String type = location.declaringType().name();
        String nested = type.length() > lines.className().length() ? type.substring(lines.className().length() + 1) : "";
        String where = lines.label();
        if (method.equals("do_it$")) return where;
        if (method.startsWith("lambda$")) return "lambda in " + where;
        return (nested.isEmpty() ? "" : nested.replace('$', '.') + ".") + method + " (" + where + ")";
    }

    private JsonObject scopes(JsonObject args) throws Exception {
        Object frame = handles.get(args.has("frameId") ? args.get("frameId").getAsInt() : -1);
        if (!(frame instanceof JdiEngine.Frame f)) throw new Refusal("no such frame: ask stackTrace for frame ids");
        JsonArray scopes = new JsonArray();
        scopes.add(scope("Locals", handle(new Scope(f, true))));
        scopes.add(scope("Globals", handle(new Scope(f, false))));
        JsonObject body = new JsonObject();
        body.add("scopes", scopes);
        return body;
    }

    private static JsonObject scope(String name, int reference) {
        JsonObject s = new JsonObject();
        s.addProperty("name", name);
        s.addProperty("variablesReference", reference);
        s.addProperty("expensive", false);
        s.add("source", new JsonObject());
        return s;
    }

    private JsonObject variables(JsonObject args) throws Exception {
        int reference = args.has("variablesReference") ? args.get("variablesReference").getAsInt() : -1;
        Object target;
        synchronized (handles) {
            if (!handles.containsKey(reference)) {
                throw new Refusal("no variables under reference " + reference + " (values are gone once the cell goes on)");
            }
            target = handles.get(reference);
        }
        int start = args.has("start") ? args.get("start").getAsInt() : 0;
        int count = args.has("count") ? args.get("count").getAsInt() : 0;
        JsonArray variables = new JsonArray();
        if (target instanceof Scope scope) {
            if (scope.locals()) {
                Map<String, String> types = engine().localTypes(scope.frame());
                engine().locals(scope.frame()).forEach((name, value) -> variables.add(variable(name, value, types.get(name))));
            } else {
                globals().forEach((name, child) -> variables.add(variable(name, child.value(), child.type())));
            }
        } else if (target != null) {
            for (ValueView.Child child : ValueView.children(target, start, count)) {
                variables.add(variable(child.name(), child.value(), child.type()));
            }
        }
        JsonObject body = new JsonObject();
        body.add("variables", variables);
        return body;
    }

    private JsonObject variable(String name, Object value, String declaredType) {
        JsonObject v = new JsonObject();
        v.addProperty("name", name);
        v.addProperty("value", values.text(value));
        boolean primitive = declaredType != null && !declaredType.contains(".") && !declaredType.contains("[");
        v.addProperty("type", declaredType != null && (value == null || primitive) ? declaredType : ValueView.type(value));
        v.addProperty("evaluateName", name);
        if (ValueView.hasChildren(value)) {
            v.addProperty("variablesReference", handle(value));
            int children = ValueView.childCount(value);
            boolean indexed = value.getClass().isArray() || value instanceof java.util.Collection;
            v.addProperty(indexed ? "indexedVariables" : "namedVariables", children);
        } else {
            v.addProperty("variablesReference", 0);
        }
        return v;
    }

    /** Variables copied to globals while the cell that holds JShell is paused, until they are declared. */
    private final Map<String, ValueView.Child> copies = new LinkedHashMap<>();

    /**
     * The session's variables: the static fields of the newest class of each variable JShell declared, and those
     * copied to globals that the paused cell has not let JShell declare yet.
     */
    private Map<String, ValueView.Child> globals() throws Exception {
        Map<String, ValueView.Child> globals = new LinkedHashMap<>();
        ClassLoader cells = interpreter.get().classLoader();
        List<SnippetLines> classes = new ArrayList<>(sources.newestClasses());
        classes.sort((a, b) -> Integer.compare(snippetNumber(a), snippetNumber(b)));
        for (SnippetLines lines : classes) {
            Class<?> type;
            try {
                type = Class.forName(lines.className(), false, cells);
            } catch (ClassNotFoundException | LinkageError e) {
                continue;
            }
            for (Field field : type.getDeclaredFields()) {
                int mods = field.getModifiers();
                if (!Modifier.isStatic(mods) || field.isSynthetic() || field.getName().startsWith("$")) continue;
                Object value;
                try {
                    field.setAccessible(true);
                    value = field.get(null);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    value = "(not readable: " + e + ")";
                }
                globals.put(field.getName(), new ValueView.Child(field.getName(), value, field.getType().getTypeName()));
            }
        }
        synchronized (copies) {
            copies.forEach(globals::put);
        }
        return globals;
    }

    private static int snippetNumber(SnippetLines lines) {
        String digits = lines.className().replaceAll("\\D", "");
        return digits.isEmpty() ? 0 : Integer.parseInt(digits.substring(0, Math.min(9, digits.length())));
    }

    private JsonObject evaluate(JsonObject args) throws Exception {
        String expression = Json.string(args, "expression", "").strip();
        if (expression.endsWith(";")) expression = expression.substring(0, expression.length() - 1);
        if (expression.isEmpty()) throw new Refusal("evaluate needs arguments.expression");
        Object frame = handles.get(args.has("frameId") ? args.get("frameId").getAsInt() : -1);
        if (!(frame instanceof JdiEngine.Frame f)) {
            throw new Refusal("evaluate needs the frameId of a paused cell frame (from stackTrace): "
                    + "expressions are evaluated where a cell is paused");
        }
        JdiEngine e = engine();
        Map<String, String> types = e.localTypes(f);
        Map<String, Object> locals = e.locals(f);
        FrameEvaluator evaluator = new FrameEvaluator(interpreter.get().classLoader(), e::cellClassNames);
        String code = expression;
        java.util.concurrent.ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "djl-kernel-debug-evaluate");
            t.setDaemon(true);
            return t;
        });
        Future<Object> result = worker.submit(() -> evaluator.evaluate(code, sources.latestImports(), types, locals));
        worker.shutdown(); // its thread ends with the evaluation
        Object value;
        try {
            value = result.get(EVALUATE_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (TimeoutException timeout) {
            result.cancel(true);
            throw new Refusal("the expression did not finish within " + EVALUATE_TIMEOUT_S + " s");
        } catch (ExecutionException failed) {
            Throwable cause = failed.getCause();
            if (cause instanceof FrameEvaluator.CompileException) {
                throw new Refusal("does not compile: " + cause.getMessage());
            }
            throw new Refusal("the expression threw " + cause);
        }
        JsonObject body = new JsonObject();
        body.addProperty("result", values.text(value));
        body.addProperty("type", ValueView.type(value));
        body.addProperty("variablesReference", ValueView.hasChildren(value) ? handle(value) : 0);
        return body;
    }

    private JsonObject resume(JsonObject args, Integer depth) throws Exception {
        long thread = threadId(args);
        JdiEngine e = engine();
        // DAP's continue resumes every paused thread unless singleThread is set; JupyterLab 4.6 relies on that:
        // its continue forgets the stopped thread before sending, so the request names thread 1
        boolean all = depth == null && !Json.bool(args, "singleThread", false) && !e.pausedThreads().isEmpty();
        if (!all && e.pausedThread(thread) == null) throw new Refusal("thread " + thread + " is not paused");
        forgetHandles();
        for (long id : all ? e.pausedThreads() : java.util.Set.of(thread)) {
            e.resume(id, depth);
            if (depth == null) continued(id);
        }
        JsonObject body = new JsonObject();
        body.addProperty("allThreadsContinued", all);
        return body;
    }

    /**
     * JupyterLab's "Copy Variable to Globals": the paused frame's local becomes a session variable of the same
     * static type. The value is taken now (the object itself, through JDI); the paused cell holds JShell, so the
     * variable is declared when the cell's code ends, and the next cell sees it. Meanwhile Globals list it.
     */
    private JsonObject copyToGlobals(JsonObject args) throws Exception {
        String from = Json.string(args, "srcVariableName", null);
        String to = Json.string(args, "dstVariableName", null);
        if (from == null || to == null || !args.has("srcFrameId")) {
            throw new Refusal("copyToGlobals needs arguments.srcVariableName, dstVariableName and srcFrameId");
        }
        if (!javax.lang.model.SourceVersion.isIdentifier(to) || javax.lang.model.SourceVersion.isKeyword(to)
                || to.startsWith("$")) {
            throw new Refusal("'" + to + "' is not a name a session variable can have: use a Java identifier "
                    + "(letters, digits, _; not a keyword, not starting with $)");
        }
        int frameId = args.get("srcFrameId").getAsInt();
        Object frame = handles.get(frameId);
        if (!(frame instanceof JdiEngine.Frame f)) {
            throw new Refusal("no paused cell frame " + frameId + ": copyToGlobals copies a local of a frame that "
                    + "stackTrace gave while the cell is paused");
        }
        JdiEngine e = engine();
        Map<String, List<String>> types = e.sourceTypes(f);
        if (!types.containsKey(from)) {
            throw new Refusal("no variable '" + from + "' in frame " + frameId + " (its variables: "
                    + String.join(", ", types.keySet()) + ")");
        }
        Object value = e.locals(f).get(from);
        java.util.concurrent.CompletableFuture<String> declared = interpreter.get().declareVariable(to, types.get(from), value);
        String type = types.get(from).get(0);
        synchronized (copies) {
            copies.put(to, new ValueView.Child(to, value, type));
        }
        declared.whenComplete((t, failed) -> {
            synchronized (copies) {
                copies.remove(to);
            }
        });
        JsonObject body = new JsonObject();
        body.addProperty("value", values.text(value));
        body.addProperty("type", type);
        body.addProperty("variablesReference", 0);
        body.addProperty("message", to + " is declared in the session (" + type + ") when the paused cell's code "
                + "ends: the next cell can use it");
        return body;
    }

    private JsonObject source(JsonObject args) throws Refusal {
        JsonObject source = args.has("source") && args.get("source").isJsonObject() ? args.getAsJsonObject("source") : null;
        String path = source == null ? null : Json.string(source, "path", null);
        String code = path == null ? null : sources.code(path);
        if (code == null) throw new Refusal("no cell source at " + path);
        JsonObject body = new JsonObject();
        body.addProperty("content", code);
        body.addProperty("mimeType", "text/x-java");
        return body;
    }

    private JsonObject inspectVariables() throws Exception {
        JsonArray variables = new JsonArray();
        if (engine != null) globals().forEach((name, child) -> variables.add(variable(name, child.value(), child.type())));
        else for (Interpreter.Variable v : interpreter.get().variables()) {
            JsonObject variable = new JsonObject();
            variable.addProperty("name", v.name());
            variable.addProperty("value", v.valuePreview());
            variable.addProperty("type", v.type());
            variable.addProperty("evaluateName", v.name());
            variable.addProperty("variablesReference", 0);
            variables.add(variable);
        }
        JsonObject body = new JsonObject();
        body.add("variables", variables);
        return body;
    }

    private JsonObject richInspectVariables(JsonObject args) throws Exception {
        String name = Json.string(args, "variableName", null);
        if (name == null) throw new Refusal("richInspectVariables needs arguments.variableName");
        Object frame = handles.get(args.has("frameId") ? args.get("frameId").getAsInt() : -1);
        Map<String, Object> scope = frame instanceof JdiEngine.Frame f ? engine().locals(f) : Map.of();
        Object value;
        if (scope.containsKey(name)) {
            value = scope.get(name);
        } else {
            Map<String, ValueView.Child> globals = globals();
            if (!globals.containsKey(name)) throw new Refusal("no variable named " + name);
            value = globals.get(name).value();
        }
        MimeBundle bundle = values == null ? null : renderers().render(value);
        JsonObject body = new JsonObject();
        body.add("data", Json.toJson(bundle.data()));
        body.add("metadata", Json.toJson(bundle.metadata()));
        return body;
    }

    private RendererRegistry renderers() {
        return values.renderers();
    }

    private void disconnect() {
        started = false;
        JdiEngine e = engine;
        if (e != null) e.clear();
        forgetHandles();
    }

    private int handle(Object value) {
        synchronized (handles) {
            int id = nextHandle++;
            handles.put(id, value);
            return id;
        }
    }

    private void forgetHandles() {
        synchronized (handles) {
            handles.clear();
        }
    }

    // --- events ---

    @Override
    public void stopped(long threadId, String reason, String text) {
        JsonObject body = new JsonObject();
        body.addProperty("reason", reason);
        body.addProperty("threadId", threadId);
        body.addProperty("allThreadsStopped", false);
        if (text != null) body.addProperty("text", text);
        event("stopped", body);
    }

    @Override
    public void continued(long threadId) {
        JsonObject body = new JsonObject();
        body.addProperty("threadId", threadId);
        body.addProperty("allThreadsContinued", false);
        event("continued", body);
    }

    private void event(String name, JsonObject body) {
        JsonObject content = new JsonObject();
        content.addProperty("seq", seq.incrementAndGet());
        content.addProperty("type", "event");
        content.addProperty("event", name);
        content.add("body", body);
        outbox.publish(lastRequest, "debug_event", content);
    }

    /** An interrupt: paused cells go on, so that the interrupt can stop them. */
    public void interrupted() {
        JdiEngine e = engine;
        if (e != null) e.interrupt();
    }

    /** Shutdown: nothing stays paused, the connection closes. */
    @Override
    public void close() {
        JdiEngine e = engine;
        if (e != null) e.close();
    }
}
