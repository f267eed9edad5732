package io.djlkernel.kernel.debug;

import com.sun.jdi.AbsentInformationException;
import com.sun.jdi.ClassType;
import com.sun.jdi.IncompatibleThreadStateException;
import com.sun.jdi.LocalVariable;
import com.sun.jdi.Location;
import com.sun.jdi.LongValue;
import com.sun.jdi.Method;
import com.sun.jdi.ObjectReference;
import com.sun.jdi.PrimitiveValue;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.StackFrame;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.VMDisconnectedException;
import com.sun.jdi.Value;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.ClassPrepareEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.event.ExceptionEvent;
import com.sun.jdi.event.StepEvent;
import com.sun.jdi.event.ThreadDeathEvent;
import com.sun.jdi.event.ThreadStartEvent;
import com.sun.jdi.event.VMDisconnectEvent;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.ClassPrepareRequest;
import com.sun.jdi.request.EventRequest;
import com.sun.jdi.request.EventRequestManager;
import com.sun.jdi.request.ExceptionRequest;
import com.sun.jdi.request.StepRequest;
import com.sun.jdi.request.ThreadDeathRequest;
import com.sun.jdi.request.ThreadStartRequest;
import io.djlkernel.kernel.eval.SnippetLines;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Breakpoints, steps and paused threads in cell code, through JDI attached to this JVM ({@link JdwpConnection}).
 * Every request suspends only the thread that hit it (SUSPEND_EVENT_THREAD): a paused cell thread stops, while the
 * kernel's threads, comms, endpoints and this engine's own event loop keep running. Only classes JShell compiled
 * for cells ({@code REPL.*}) get breakpoints and steps; lines are the cells' own ({@link CellSourceMap}).
 */
final class JdiEngine implements CellSourceMap.Listener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JdiEngine.class.getName());
    static final String FILTER_RAISED = "raised";
    static final String FILTER_UNCAUGHT = "uncaught";
    /**
     * The class loader of the session's cell classes. JShell names every snippet class REPL.$JShell$N, so the javac
     * warm-up's throwaway JShell (JavacWarmup, in this JVM too) makes classes of the same names: only classes of
     * this loader are the cells'.
     */
    private static final String CELL_LOADER = "io.djlkernel.kernel.eval.SnippetClassLoader";

    /** What the engine reports (the adapter turns these into debug_event messages). */
    interface Events {
        void stopped(long threadId, String reason, String text);

        void continued(long threadId);
    }

    /** A paused cell thread's frame as the stack shows it; {@code index} into the thread's frames. */
    record Frame(ThreadReference thread, int index, SnippetLines lines) {
    }

    private final CellSourceMap sources;
    private final Events events;
    private final VirtualMachine vm;
    private final EventRequestManager requests;
    private final Thread loop;
    /** Cell lines with a breakpoint, by cell path. */
    private final Map<String, Set<Integer>> breakpoints = new ConcurrentHashMap<>();
    /** Prepared cell classes (nested ones too) by wrapper class. */
    private final Map<String, List<ReferenceType>> types = new ConcurrentHashMap<>();
    private final Map<String, List<BreakpointRequest>> installed = new ConcurrentHashMap<>();
    private final Map<Long, ThreadReference> paused = new ConcurrentHashMap<>();
    private final Map<Long, StepRequest> steps = new ConcurrentHashMap<>();
    private final Map<Long, ExceptionRequest> exceptionRequests = new ConcurrentHashMap<>();
    private volatile Set<String> exceptionFilters = Set.of();
    private volatile ThreadStartRequest threadStarts;
    /**
     * A step ran off the end of a snippet of this cell (each top-level statement is a snippet on a thread of its
     * own): the step goes on at the first line of the cell's next snippet that runs, until the cell ends.
     */
    private volatile String stepIntoNextSnippetOf;
    /** Orders a stepping thread's end against the end of its cell and the start of the next snippet. */
    private final Object carryOver = new Object();
    /** An interrupt came: nothing stops until the next cell starts. */
    private volatile boolean interrupted;
    /** Pause came while no cell thread ran: stop the next snippet at its first line. */
    private volatile boolean pauseNextRun;
    private ClassType bridge;

    JdiEngine(CellSourceMap sources, Events events) throws IOException {
        this.sources = sources;
        this.events = events;
        ObjectBridge.hold(ObjectBridge.class); // loaded and initialized before JDI looks for it
        ObjectBridge.take(1);
        this.vm = JdwpConnection.attach();
        this.requests = vm.eventRequestManager();
        ClassPrepareRequest prepares = requests.createClassPrepareRequest();
        prepares.addClassFilter("REPL.*");
        prepares.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
        prepares.enable();
        ThreadDeathRequest deaths = requests.createThreadDeathRequest();
        deaths.setSuspendPolicy(EventRequest.SUSPEND_NONE);
        deaths.enable();
        this.loop = new Thread(this::loop, "djl-kernel-debugger");
        loop.setDaemon(true);
        loop.start();
        sources.listen(this);
    }

    // --- breakpoints ---

    /** Sets the breakpoints of a cell (replacing its earlier ones). */
    void setBreakpoints(String path, Set<Integer> lines) {
        if (lines.isEmpty()) breakpoints.remove(path);
        else breakpoints.put(path, new TreeSet<>(lines));
        for (SnippetLines lines0 : sources.classesOf(path)) reinstall(lines0.className());
    }

    Map<String, Set<Integer>> breakpoints() {
        return breakpoints;
    }

    /**
     * Whether a line of the cell surely holds no code: a class compiled from the cell spans it and none has code on
     * it. A line no compiled class spans may belong to a snippet not compiled yet: JupyterLab sends a cell's
     * breakpoints again while it runs (between two snippets), and those of its later statements must stay.
     */
    boolean holdsNoCode(String path, int line) {
        boolean spanned = false;
        for (SnippetLines of : sources.classesOf(path)) {
            int first = Integer.MAX_VALUE;
            int last = 0;
            for (int classLine = 1; classLine < of.cellLines().length; classLine++) {
                int cellLine = of.cellLine(classLine);
                if (cellLine == line) return false;
                if (cellLine > 0) {
                    first = Math.min(first, cellLine);
                    last = Math.max(last, cellLine);
                }
            }
            spanned |= first <= line && line <= last;
        }
        return spanned;
    }

    @Override
    public void mapped(SnippetLines lines, boolean aboutToRun) {
        if (aboutToRun) {
            interrupted = false;
            String steppingCell;
            synchronized (carryOver) {
                // the death event of the cell's last thread may come later than its next snippet: look now
                for (StepRequest step : List.copyOf(steps.values())) {
                    if (hasEnded(step.thread())) threadDied(step.thread(), true);
                }
                steppingCell = stepIntoNextSnippetOf;
                stepIntoNextSnippetOf = null;
            }
            if (pauseNextRun) {
                pauseNextRun = false;
                stopAtFirstLine(lines.className(), "pause");
            } else if (lines.cellCode().equals(steppingCell)) {
                stopAtFirstLine(lines.className(), "step");
            }
        }
        reinstall(lines.className());
    }

    /** The cell's code has ended (its last snippet ran, or it stopped): a step carried over ends with it. */
    @Override
    public void cellEnded() {
        synchronized (carryOver) {
            // the death event of its last thread may come later: that step ends here, it has nowhere to go on
            for (StepRequest step : List.copyOf(steps.values())) {
                if (hasEnded(step.thread())) threadDied(step.thread(), false);
            }
            stepIntoNextSnippetOf = null;
        }
    }

    private synchronized void reinstall(String wrapper) {
        List<BreakpointRequest> old = installed.remove(wrapper);
        if (old != null) requests.deleteEventRequests(old);
        List<ReferenceType> prepared = types.get(wrapper);
        if (prepared == null) {
            // compiled before the debugger started: look it (and its nested classes) up once
            List<ReferenceType> found = cellClassesNamed(wrapper);
            if (found.isEmpty()) return;
            prepared = new java.util.concurrent.CopyOnWriteArrayList<>(found);
            for (ReferenceType outer : found) nestedIn(outer, prepared);
            types.put(wrapper, prepared);
        }
        for (ReferenceType type : List.copyOf(prepared)) install(type);
    }

    private synchronized void install(ReferenceType type) {
        SnippetLines lines = sources.lines(type.name());
        if (lines == null) return;
        Set<Integer> cellLines = breakpoints.get(sources.pathOf(lines.cellCode()));
        if (cellLines == null) return;
        for (int cellLine : cellLines) {
            // one location per method: where the cell line starts, not each class line JShell made of it (a
            // variable's initializer and its assignment) nor each place the line goes on after a call
            Map<Method, Location> first = new LinkedHashMap<>();
            for (int classLine : lines.classLines(cellLine)) {
                try {
                    for (Location location : type.locationsOfLine(classLine)) {
                        first.merge(location.method(), location, (x, y) -> x.lineNumber() < y.lineNumber()
                                || x.lineNumber() == y.lineNumber() && x.codeIndex() <= y.codeIndex() ? x : y);
                    }
                } catch (AbsentInformationException e) {
                    // no line table: nothing to stop at
                }
            }
            for (Location location : first.values()) {
                BreakpointRequest request = requests.createBreakpointRequest(location);
                request.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
                request.enable();
                installed.computeIfAbsent(lines.className(), k -> new ArrayList<>()).add(request);
            }
        }
    }

    private static void nestedIn(ReferenceType outer, List<ReferenceType> into) {
        for (ReferenceType nested : outer.nestedTypes()) {
            into.add(nested);
            nestedIn(nested, into);
        }
    }

    /** The session's cell classes of this name (there is one; the warm-up's JShell may have another). */
    private List<ReferenceType> cellClassesNamed(String name) {
        List<ReferenceType> cells = new ArrayList<>();
        for (ReferenceType type : vm.classesByName(name)) if (isCellClass(type)) cells.add(type);
        return cells;
    }

    private static boolean isCellClass(ReferenceType type) {
        try {
            return type.classLoader() != null && type.classLoader().referenceType().name().equals(CELL_LOADER);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void stopAtFirstLine(String wrapper, String reason) {
        for (ReferenceType type : cellClassesNamed(wrapper)) {
            for (Method method : type.methodsByName("do_it$")) {
                try {
                    for (Location location : method.allLineLocations()) {
                        SnippetLines lines = sources.lines(wrapper);
                        if (lines == null || lines.cellLine(location.lineNumber()) == 0) continue;
                        BreakpointRequest once = requests.createBreakpointRequest(location);
                        once.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
                        once.addCountFilter(1);
                        once.putProperty("once", reason);
                        once.enable();
                        return;
                    }
                } catch (AbsentInformationException e) {
                    // nothing to stop at
                }
            }
        }
    }

    // --- exceptions ---

    /** {@link #FILTER_RAISED}: every exception that reaches cell code; {@link #FILTER_UNCAUGHT}: those that end it. */
    synchronized void setExceptionFilters(Set<String> filters) {
        exceptionFilters = Set.copyOf(filters);
        if (filters.isEmpty()) {
            if (threadStarts != null) requests.deleteEventRequest(threadStarts);
            threadStarts = null;
            requests.deleteEventRequests(new ArrayList<>(exceptionRequests.values()));
            exceptionRequests.clear();
        } else if (threadStarts == null) {
            // an exception request must be limited to cell threads: one that stopped the kernel's own threads (this
            // engine's included) could never be resumed. Each cell thread gets its own as it starts.
            threadStarts = requests.createThreadStartRequest();
            threadStarts.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
            threadStarts.enable();
        }
    }

    private void threadStarted(ThreadReference thread) {
        try {
            if (exceptionFilters.isEmpty() || !isCellThread(thread)) return;
            ExceptionRequest request = requests.createExceptionRequest(null, true, true);
            request.addThreadFilter(thread);
            request.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
            request.enable();
            exceptionRequests.put(thread.uniqueID(), request);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "no exception request for " + thread, e);
        }
    }

    private static boolean isCellThread(ThreadReference thread) {
        try {
            return thread.threadGroup() != null && thread.threadGroup().name().startsWith("cell-");
        } catch (RuntimeException e) {
            return false;
        }
    }

    private boolean exception(ExceptionEvent event) {
        Location caught = event.catchLocation();
        String catcher = caught == null ? "" : caught.declaringType().name();
        boolean escapesCell = caught == null || catcher.startsWith("io.djlkernel.kernel.eval.")
                || catcher.startsWith("jdk.internal.reflect.") || catcher.startsWith("java.lang.reflect.");
        boolean reachesCell = escapesCell || catcher.startsWith("REPL.");
        Set<String> filters = exceptionFilters;
        if (!(filters.contains(FILTER_UNCAUGHT) && escapesCell) && !(filters.contains(FILTER_RAISED) && reachesCell)) {
            return false;
        }
        // once out of cell code (the reflection that ran the cell wraps it again) it is not the cell's any more
        if (!inCellCode(event.thread())) return false;
        String text = event.exception().referenceType().name();
        return stop(event.thread(), "exception", text);
    }

    private boolean inCellCode(ThreadReference thread) {
        try {
            for (StackFrame frame : thread.frames()) {
                if (sources.lines(frame.location().declaringType().name()) != null) return true;
            }
        } catch (IncompatibleThreadStateException e) {
            return false;
        }
        return false;
    }

    // --- running and stopping ---

    private void loop() {
        try {
            while (true) {
                EventSet set = vm.eventQueue().remove();
                boolean resume = true;
                for (Event event : set) {
                    try {
                        // a step and a breakpoint at one place come in one set: one stop
                        if (resume) resume = !handle(event);
                        else if (event instanceof StepEvent step) requests.deleteEventRequest(step.request());
                    } catch (VMDisconnectedException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "debug event " + event + " failed", e);
                    }
                    if (event instanceof VMDisconnectEvent) return;
                }
                if (resume) set.resume();
            }
        } catch (InterruptedException | VMDisconnectedException e) {
            LOG.fine("debugger event loop ends");
        }
    }

    /** @return whether the event's thread stays paused */
    private boolean handle(Event event) {
        if (event instanceof ClassPrepareEvent prepare) {
            prepared(prepare.referenceType());
            return false;
        }
        if (event instanceof BreakpointEvent hit) {
            Object once = hit.request().getProperty("once");
            if (once != null) {
                requests.deleteEventRequest(hit.request());
                return stop(hit.thread(), (String) once, null);
            }
            StepRequest stepping = steps.get(hit.thread().uniqueID());
            // the line a step starts from may hold more breakpoint locations: the step goes on past them
            if (stepping != null && sameLineAsStart(stepping, hit.thread(), hit.location())) return false;
            return stop(hit.thread(), "breakpoint", null);
        }
        if (event instanceof StepEvent step) {
            requests.deleteEventRequest(step.request());
            steps.remove(step.thread().uniqueID());
            if (sameLineAsStart((StepRequest) step.request(), step.thread(), step.location())) {
                // JShell spreads one cell line over several class lines (a variable's field and its initializer):
                // step again; the event set's resume lets the thread go
                step(step.thread(), (Integer) step.request().getProperty("depth"),
                        (Integer) step.request().getProperty("cellLine"), cellLinesOf((StepRequest) step.request()));
                return false;
            }
            return stop(step.thread(), step.request().getProperty("pause") != null ? "pause" : "step", null);
        }
        if (event instanceof ExceptionEvent thrown) return exception(thrown);
        if (event instanceof ThreadStartEvent start) {
            threadStarted(start.thread());
            return false;
        }
        if (event instanceof ThreadDeathEvent death) {
            synchronized (carryOver) {
                threadDied(death.thread(), true);
            }
            return false;
        }
        return false;
    }

    private void prepared(ReferenceType type) {
        String wrapper = CellSourceMap.wrapperOf(type.name());
        if (wrapper == null || !isCellClass(type)) return;
        types.computeIfAbsent(wrapper, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(type);
        install(type);
    }

    private boolean stop(ThreadReference thread, String reason, String text) {
        if (interrupted) return false;
        StepRequest pending = steps.remove(thread.uniqueID());
        if (pending != null) requests.deleteEventRequest(pending);
        paused.put(thread.uniqueID(), thread);
        events.stopped(thread.uniqueID(), reason, text);
        return true;
    }

    private static boolean hasEnded(ThreadReference thread) {
        try {
            return thread.status() == ThreadReference.THREAD_STATUS_ZOMBIE;
        } catch (com.sun.jdi.ObjectCollectedException e) {
            return true;
        }
    }

    /** The snippet the stepping thread runs. */
    private static SnippetLines cellLinesOf(StepRequest step) {
        return (SnippetLines) step.getProperty("lines");
    }

    /** @param cellGoesOn whether the cell may have more snippets to run (a step then goes on in the next) */
    private void threadDied(ThreadReference thread, boolean cellGoesOn) {
        long id = thread.uniqueID();
        ExceptionRequest exceptions = exceptionRequests.remove(id);
        if (exceptions != null) requests.deleteEventRequest(exceptions);
        StepRequest step = steps.remove(id);
        if (step != null) {
            requests.deleteEventRequest(step);
            // next or step into at a snippet's end goes on in the same cell's next snippet, if it has one (mapped);
            // a step out of the cell's own code lets the cell run on, as continue does
            SnippetLines lines = cellLinesOf(step);
            boolean out = Integer.valueOf(StepRequest.STEP_OUT).equals(step.getProperty("depth"));
            stepIntoNextSnippetOf = !cellGoesOn || interrupted || lines == null || out ? null : lines.cellCode();
            events.continued(id);
        }
    }

    ThreadReference pausedThread(long threadId) {
        return paused.get(threadId);
    }

    Set<Long> pausedThreads() {
        return Set.copyOf(paused.keySet());
    }

    /** Resumes a paused thread; with {@code depth} (a StepRequest constant), stops again after that step. */
    void resume(long threadId, Integer depth) throws IncompatibleThreadStateException {
        ThreadReference thread = paused.remove(threadId);
        if (thread == null) throw new IllegalStateException("thread " + threadId + " is not paused");
        Integer cellLine = null;
        if (depth != null && thread.frameCount() > 0) {
            Location at = thread.frame(0).location();
            SnippetLines lines = sources.lines(at.declaringType().name());
            cellLine = lines == null ? null : lines.cellLine(at.lineNumber());
        }
        if (depth != null) step(thread, depth, cellLine, runningSnippet(thread));
        thread.resume();
    }

    /** The snippet a cell thread runs: its bottom cell frame's (the top may be a method an earlier cell declared). */
    private SnippetLines runningSnippet(ThreadReference thread) throws IncompatibleThreadStateException {
        SnippetLines running = null;
        for (StackFrame frame : thread.frames()) {
            SnippetLines lines = sources.lines(frame.location().declaringType().name());
            if (lines != null) running = lines;
        }
        return running;
    }

    /** @param lines the snippet the stepping thread runs (null: none of a cell's) */
    private void step(ThreadReference thread, Integer depth, Integer fromCellLine, SnippetLines lines) {
        long threadId = thread.uniqueID();
        {
            StepRequest old = steps.remove(threadId);
            if (old != null) requests.deleteEventRequest(old);
            StepRequest step = requests.createStepRequest(thread, StepRequest.STEP_LINE, depth);
            step.addClassFilter("REPL.*");
            step.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
            step.putProperty("depth", depth);
            int frames;
            try {
                frames = thread.frameCount();
            } catch (IncompatibleThreadStateException e) {
                frames = -1;
            }
            step.putProperty("frames", frames);
            if (fromCellLine != null) step.putProperty("cellLine", fromCellLine);
            if (lines != null) step.putProperty("lines", lines);
            step.enable();
            steps.put(threadId, step);
        }
    }

    /** A step that ended in the same frame on the cell line it started from (or in JShell's wrapping code). */
    private boolean sameLineAsStart(StepRequest step, ThreadReference thread, Location location) {
        Object from = step.getProperty("cellLine");
        Object frames = step.getProperty("frames");
        if (from == null || frames == null) return false;
        try {
            if (thread.frameCount() != (Integer) frames) return false;
        } catch (IncompatibleThreadStateException e) {
            return false;
        }
        SnippetLines lines = sources.lines(location.declaringType().name());
        int line = lines == null ? 0 : lines.cellLine(location.lineNumber());
        return line == 0 || line == (Integer) from;
    }

    /**
     * Pauses running cell threads at their next instruction of cell code (a step by instruction: a line step would
     * never end in a loop of one line). A thread in library code pauses when it comes back to cell code.
     */
    List<Long> pause() {
        List<Long> pausing = new ArrayList<>();
        for (ThreadReference thread : vm.allThreads()) {
            if (!isCellThread(thread) || paused.containsKey(thread.uniqueID()) || steps.containsKey(thread.uniqueID())) {
                continue;
            }
            StepRequest step = requests.createStepRequest(thread, StepRequest.STEP_MIN, StepRequest.STEP_INTO);
            step.addClassFilter("REPL.*");
            step.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
            step.putProperty("pause", Boolean.TRUE);
            step.enable();
            steps.put(thread.uniqueID(), step);
            pausing.add(thread.uniqueID());
        }
        // no cell running yet (still compiling): pause the next one as it starts
        if (pausing.isEmpty()) pauseNextRun = true;
        return pausing;
    }

    /** An interrupt: every paused cell thread goes on (and stops at its next stop check), nothing pauses again. */
    void interrupt() {
        interrupted = true;
        stepIntoNextSnippetOf = null;
        pauseNextRun = false;
        resumeAll();
    }

    private void resumeAll() {
        for (StepRequest step : steps.values()) requests.deleteEventRequest(step);
        steps.clear();
        for (Long id : Set.copyOf(paused.keySet())) {
            ThreadReference thread = paused.remove(id);
            if (thread == null) continue;
            try {
                thread.resume();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "resuming " + thread, e);
            }
            events.continued(id);
        }
    }

    /** The debug session ends: no breakpoints, nothing paused (the connection stays for the next session). */
    synchronized void clear() {
        breakpoints.clear();
        for (List<BreakpointRequest> list : installed.values()) requests.deleteEventRequests(list);
        installed.clear();
        setExceptionFilters(Set.of());
        stepIntoNextSnippetOf = null;
        pauseNextRun = false;
        resumeAll();
    }

    // --- frames and values ---

    /** The frames of a paused thread, top first: cell frames, and runs of library frames as null. */
    List<Object[]> frames(long threadId) throws IncompatibleThreadStateException {
        ThreadReference thread = paused.get(threadId);
        if (thread == null) throw new IllegalStateException("thread " + threadId + " is not paused");
        List<StackFrame> all = thread.frames();
        int bottom = -1;
        for (int i = 0; i < all.size(); i++) {
            if (sources.lines(all.get(i).location().declaringType().name()) != null) bottom = i;
        }
        List<Object[]> shown = new ArrayList<>();
        int library = 0;
        String firstLibrary = null;
        for (int i = 0; i <= bottom; i++) {
            Location location = all.get(i).location();
            SnippetLines lines = sources.lines(location.declaringType().name());
            if (lines == null) {
                if (library++ == 0) firstLibrary = location.declaringType().name() + "." + location.method().name();
                continue;
            }
            if (library > 0) shown.add(new Object[] {null, library, firstLibrary});
            library = 0;
            shown.add(new Object[] {new Frame(thread, i, lines), location});
        }
        return shown;
    }

    /** The visible local variables of a frame (arguments first), turned into objects of this JVM (primitives boxed). */
    Map<String, Object> locals(Frame frame) throws IncompatibleThreadStateException, AbsentInformationException {
        StackFrame stackFrame = frame.thread().frame(frame.index());
        List<LocalVariable> visible = stackFrame.visibleVariables();
        Map<LocalVariable, Value> values = stackFrame.getValues(visible);
        // bridged after all values are read: a method invocation resumes the thread and its frames go stale
        Map<String, Object> locals = new LinkedHashMap<>();
        for (LocalVariable variable : visible) locals.put(variable.name(), real(frame.thread(), values.get(variable)));
        return locals;
    }

    /** The declared types of a frame's visible locals. */
    Map<String, String> localTypes(Frame frame) throws IncompatibleThreadStateException, AbsentInformationException {
        Map<String, String> types = new LinkedHashMap<>();
        StackFrame stackFrame = frame.thread().frame(frame.index());
        for (LocalVariable variable : stackFrame.visibleVariables()) types.put(variable.name(), variable.typeName());
        return types;
    }

    /**
     * A frame's visible locals as a cell would declare them: the generic type where it has no type variable, then
     * the erased one (e.g. {@code java.util.List<java.lang.String>}, {@code java.util.List}).
     */
    Map<String, List<String>> sourceTypes(Frame frame) throws IncompatibleThreadStateException, AbsentInformationException {
        Map<String, List<String>> types = new LinkedHashMap<>();
        StackFrame stackFrame = frame.thread().frame(frame.index());
        for (LocalVariable variable : stackFrame.visibleVariables()) {
            List<String> candidates = new ArrayList<>();
            String generic = SourceTypes.ofSignature(variable.genericSignature());
            if (generic != null) candidates.add(generic);
            String erased = SourceTypes.ofTypeName(variable.typeName());
            if (!candidates.contains(erased)) candidates.add(erased);
            types.put(variable.name(), candidates);
        }
        return types;
    }

    private Object real(ThreadReference thread, Value value) {
        if (value == null) return null;
        if (value instanceof PrimitiveValue p) return primitive(p);
        if (value instanceof com.sun.jdi.StringReference s) return s.value();
        try {
            if (bridge == null) bridge = (ClassType) vm.classesByName(ObjectBridge.class.getName()).get(0);
            Method hold = bridge.methodsByName("hold").get(0);
            Value id = bridge.invokeMethod(thread, hold, List.of(value), ClassType.INVOKE_SINGLE_THREADED);
            return ObjectBridge.take(((LongValue) id).value());
        } catch (Exception e) {
            return "(not readable: " + e + ")";
        }
    }

    private static Object primitive(PrimitiveValue p) {
        if (p instanceof com.sun.jdi.IntegerValue v) return v.value();
        if (p instanceof com.sun.jdi.LongValue v) return v.value();
        if (p instanceof com.sun.jdi.DoubleValue v) return v.value();
        if (p instanceof com.sun.jdi.FloatValue v) return v.value();
        if (p instanceof com.sun.jdi.BooleanValue v) return v.value();
        if (p instanceof com.sun.jdi.CharValue v) return v.value();
        if (p instanceof com.sun.jdi.ShortValue v) return v.value();
        if (p instanceof com.sun.jdi.ByteValue v) return v.value();
        return p.toString();
    }

    /** Cell classes JShell compiled (nested ones included), for a compiler that compiles against them. */
    Set<String> cellClassNames() {
        Set<String> names = new TreeSet<>();
        for (List<ReferenceType> list : types.values()) for (ReferenceType type : list) names.add(type.name());
        return names;
    }

    @Override
    public void close() {
        try {
            clear();
            vm.dispose();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "closing the debugger", e);
        }
    }
}
