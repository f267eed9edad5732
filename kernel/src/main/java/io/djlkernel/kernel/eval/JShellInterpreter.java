package io.djlkernel.kernel.eval;

import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The kernel's Java: JShell running cells in the kernel's own JVM (see {@link CellExecutionControl}).
 * Not thread-safe: the kernel calls it from one thread, except {@link #interrupt()}.
 */
public final class JShellInterpreter implements Interpreter {
    /** What the jshell tool imports by default, plus the display functions: made on first use. */
    static final List<String> STARTUP_IMPORTS = List.of(
            "import java.io.*;", "import java.math.*;", "import java.net.*;", "import java.nio.file.*;",
            "import java.util.*;", "import java.util.concurrent.*;", "import java.util.function.*;",
            "import java.util.regex.*;", "import java.util.stream.*;",
            // one static import per function: a static star import makes every later compile ~4 ms slower
            "import static io.djlkernel.api.display.Display.display;",
            "import static io.djlkernel.api.display.Display.updateDisplay;",
            "import static io.djlkernel.api.display.Display.clearOutput;",
            "import static io.djlkernel.api.display.Display.html;",
            "import static io.djlkernel.api.display.Display.markdown;",
            "import static io.djlkernel.api.display.Display.image;",
            "import static io.djlkernel.api.display.Display.registerRenderer;");

    private static final Set<Snippet.Kind> DECLARATION_KINDS =
            Set.of(Snippet.Kind.IMPORT, Snippet.Kind.TYPE_DECL, Snippet.Kind.METHOD);
    private static final Set<Snippet.SubKind> VALUE_SUBKINDS = Set.of(
            Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND, Snippet.SubKind.VAR_VALUE_SUBKIND,
            Snippet.SubKind.OTHER_EXPRESSION_SUBKIND);

    /**
     * {@code display(x)} returns an id for {@code updateDisplay}; as the last line of a cell it has already shown
     * x, so, as in IPython, the id is not shown again as the cell's result.
     */
    private static final Pattern DISPLAY_CALL = Pattern.compile("\\s*display\\s*\\(.*\\)\\s*;?\\s*", Pattern.DOTALL);

    private final JShell shell;
    private final SourceCodeAnalysis analysis;
    private final SyntaxCheck syntax = new SyntaxCheck();
    private final CellExecutionControl control;
    private final ErrorFormatter errors = new ErrorFormatter();
    /** Sources of active imports, classes and methods: running one again must not re-create what depends on it. */
    private final Set<String> activeDeclarations = new HashSet<>();
    private final ImportsOnFirstUse imports;
    /** The single-type imports made for a package's class, by simple name (a cell's own class replaces one). */
    private final Map<String, Snippet> packageImports = new HashMap<>();
    private static final Logger LOG = Logger.getLogger(JShellInterpreter.class.getName());
    /** Told where compiled classes come from; null (nothing computed) unless a debugger is attached. */
    private volatile SnippetObserver observer;
    /** Where each declaration snippet came from, so that its class, compiled again later, still maps to its cell. */
    private final Map<String, Origin> origins = new java.util.concurrent.ConcurrentHashMap<>();

    private record Origin(int snippetShift, int partOffset, String part, CellOrigin.Cell cell) {
    }
    /** Variables the debugger copies into the session while a cell is paused: declared once JShell is free. */
    private final CopiedVariables copied = new CopiedVariables();
    /** Cells of statements and variables, compiled in one javac task; null where that is not available. */
    private final FastCells fast;

    public JShellInterpreter() {
        this(List.of());
    }

    /**
     * @param startupCode extra snippets run once at start (helpers), after the defaults; imports among them are
     *                    made on first use like the defaults
     */
    public JShellInterpreter(List<String> startupCode) {
        SnippetClassLoader loader = new SnippetClassLoader(JShellInterpreter.class.getClassLoader());
        CellExecutionControl.Provider provider = new CellExecutionControl.Provider(loader);
        this.shell = JShell.builder()
                .executionEngine(provider, Map.of())
                .compilerOptions("-parameters", "-g") // -g: local variable names, for the debugger's variables
                .build();
        this.control = provider.created();
        this.analysis = shell.sourceCodeAnalysis();
        shell.addToClasspath(System.getProperty("java.class.path"));
        this.imports = new ImportsOnFirstUse(control::loader, this::compileClassPath);
        this.fast = FastCells.open(shell, analysis, control, errors, this::compileClassPath);
        STARTUP_IMPORTS.forEach(imports::add);
        for (String snippet : startupCode) {
            try {
                if (isImport(snippet)) addImports(List.of(snippet));
                else eval(snippet);
            } catch (EvalException e) {
                throw new IllegalStateException("start-up code failed: " + snippet + "\n" + String.join("\n", e.traceback()), e);
            }
        }
    }

    /** The jars and folders cells compile against besides the JDK: the kernel's class path and what cells added. */
    private List<String> compileClassPath() {
        List<String> entries = new ArrayList<>(List.of(System.getProperty("java.class.path", "").split(File.pathSeparator)));
        for (URL url : control.loader().getURLs()) {
            try {
                entries.add(Path.of(url.toURI()).toString());
            } catch (URISyntaxException | RuntimeException e) {
                // not a file: nothing to list
            }
        }
        return entries;
    }

    private static boolean isImport(String snippet) {
        return snippet.strip().startsWith("import ");
    }

    /**
     * Opens the one-task compiler and warms it on a thread of its own (see {@link FastCells#warmUp}): until it is
     * ready, every cell goes through JShell. Call once, as soon as the interpreter exists, so that it runs beside the
     * session's start-up. JShell's class index is held back meanwhile, until {@link #warmUpInBackground}.
     */
    public void warmUpCellCompiler() {
        indexPause = ClassIndexPause.hold(analysis); // start-up's compiles first; see warmUpInBackground
        if (fast != null) fast.warmUp();
    }

    /** Set by {@link #warmUpCellCompiler()}, released by {@link #warmUpInBackground} once the session is ready. */
    private volatile ClassIndexPause indexPause;

    /**
     * Lets JShell's class index be built (see {@link ClassIndexPause}) and starts warming JShell's javac up in the
     * background (see {@link JavacWarmup}). Call once the session is ready.
     *
     * @param idleSinceNanos when the kernel last finished a request that runs code (System.nanoTime), or
     *                       {@link Long#MAX_VALUE} while one runs (a cell, its magics included): the warm-up only
     *                       runs after a moment of idleness
     */
    public void warmUpInBackground(java.util.function.LongSupplier idleSinceNanos) {
        ClassIndexPause pause = indexPause;
        if (pause != null) pause.release();
        JavacWarmup.start(idleSinceNanos);
    }

    @Override
    public void addImports(List<String> importLines) {
        for (String line : importLines) {
            if (ImportsOnFirstUse.isMadeAtOnce(line)) makeImport(line);
            else imports.add(line);
        }
    }

    /**
     * Makes the imports a cell (or a completion or inspection of it) needs before it is compiled (see
     * {@link ImportsOnFirstUse}). A class the cell declares wins over a package's class of the same name imported
     * for an earlier cell: that import is dropped first, as a star import would have been shadowed.
     */
    private void prepareImports(String code) {
        Set<String> ownNames = CellNames.typesDeclaredOrImported(code);
        for (String name : ownNames) {
            Snippet ours = packageImports.get(name);
            if (ours == null) continue;
            String ourImport = normalize(ours.source());
            // the cell repeats the very import made for it
            if (code.replaceAll("\\s+", " ").contains(ourImport + ";")) continue;
            packageImports.remove(name);
            shell.drop(ours);
            activeDeclarations.remove(ourImport); // else the cell's own import of that name would be skipped
        }
        for (ImportsOnFirstUse.NameImport needed : imports.takeNeededBy(code, n -> ownNames.contains(n) || sessionOwns(n))) {
            Snippet made = makeImport(needed.declaration());
            if (made != null && needed.fromPackage()) packageImports.put(needed.name(), made);
        }
    }

    /** Whether a type the session declared, or a single import the user made, already has this simple name. */
    private boolean sessionOwns(String name) {
        return shell.types().anyMatch(t -> t.name().equals(name) && shell.status(t).isActive())
                || shell.imports().anyMatch(i -> !i.isStatic() && i.name().equals(name) && shell.status(i).isActive());
    }

    /**
     * Makes one import; returns its snippet, or null when it does not compile (an extension's import of a package
     * that is not there), which is logged, not shown in the user's cell.
     */
    private Snippet makeImport(String line) {
        if (activeDeclarations.contains(normalize(line))) return null; // the user made it already
        Snippet made = null;
        for (SnippetEvent event : shell.eval(line)) {
            track(event);
            if (event.causeSnippet() != null) continue;
            if (event.status() == Snippet.Status.REJECTED) {
                LOG.warning(() -> "default import does not compile, left out: " + line + ": "
                        + shell.diagnostics(event.snippet()).map(d -> d.getMessage(Locale.ROOT))
                        .collect(Collectors.joining("; ")));
            } else {
                made = event.snippet();
            }
        }
        return made;
    }

    @Override
    public EvalResult eval(String code) throws EvalException {
        // no clearing here: an interrupt that came while this cell waited (for start-up, behind a magic) is its own
        try {
            declareCopiedVariables(); // copied while no cell ran: before this cell, which may use them
            ErrorFormatter.Cell cell = new ErrorFormatter.Cell(code);
            if (fast != null) {
                Optional<EvalResult> done = runWithoutJShell(code, cell);
                if (done.isPresent()) return done.get();
                fast.publish(); // JShell compiles what follows: it must know every variable
            }
            List<CellSplitter.Piece> pieces = CellSplitter.split(analysis, code, CellRuntime::isStopRequested);
            if (CellRuntime.isStopRequested()) throw errors.interrupted();
            for (CellSplitter.Piece piece : pieces) {
                if (piece.isComplete() && isImport(piece.source())) imports.addIfOnDemandAndKnown(piece.source());
            }
            prepareImports(code);
            if (!pieces.isEmpty()) cellsThroughJShell++;
            EvalResult result = EvalResult.NONE;
            for (CellSplitter.Piece piece : pieces) {
                // javac cannot be stopped mid-compile; a cell of many snippets stops between two of them
                if (CellRuntime.isStopRequested()) throw errors.interrupted();
                if (activeDeclarations.contains(normalize(piece.source()))) {
                    result = EvalResult.NONE; // same import/class/method as the active one: nothing to do
                    continue;
                }
                if (imports.provides(piece.source())) {
                    result = EvalResult.NONE; // a default or the cell's own on-demand import: made as names are used
                    continue;
                }
                result = run(piece, cell);
            }
            return result;
        } finally {
            CellRuntime.clearStop();
            SnippetObserver watching = observer;
            if (watching != null) watching.cellEnded();
            declareCopiedVariables();
        }
    }

    /**
     * A cell that {@link FastCells} compiles, or that only names a variable, runs here without JShell, or even
     * its splitting into snippets (a javac task of its own for a cell starting with a name); empty when JShell must
     * run it. Not while a debugger watches (it maps lines through JShell's snippets), nor for a cell with imports
     * (they decide which class a name means before anything is compiled).
     */
    private Optional<EvalResult> runWithoutJShell(String code, ErrorFormatter.Cell cell) throws EvalException {
        if (observer != null || IMPORT_LINE.matcher(code).find()) return Optional.empty();
        Optional<CellExecutionControl.VariableValue> variable = variableNamed(code);
        if (variable.isPresent()) return Optional.of(EvalResult.of(variable.get().value()));
        return fast.run(code, cell, () -> prepareImports(code));
    }

    private static final Pattern IMPORT_LINE = Pattern.compile("(?m)^\\s*import\\s");

    @Override
    public java.util.concurrent.CompletableFuture<String> declareVariable(String name, List<String> types, Object value) {
        return copied.add(name, types, value);
    }

    private void declareCopiedVariables() {
        if (copied.isEmpty()) return;
        if (fast != null) fast.publish(); // a copy replaces a variable of that name: JShell must hold it first
        copied.declareAll(shell, snippet -> {
            SnippetObserver watching = observer;
            if (!(snippet instanceof VarSnippet) || watching == null) return;
            // a class of its own, like a cell's: the debugger's Globals read the session's variables from those
            String source = snippet.source();
            watching.compiled(SnippetLines.of(analysis.wrapper(snippet), 0, 0, source,
                    new CellOrigin.Cell(source, "copied to globals")));
        });
    }

    private EvalResult run(CellSplitter.Piece piece, ErrorFormatter.Cell cell) throws EvalException {
        // JShell's analysis calls a lone name incomplete (it could start a declaration): checked before that
        String source = piece.source().strip();
        Optional<CellExecutionControl.VariableValue> variable = variableNamed(source);
        if (variable.isPresent()) return EvalResult.of(variable.get().value());
        if (mayBeValueExpression(piece)) {
            String expression = source; // no semicolon: see mayBeValueExpression
            // a block is a statement: JShell compiles it in four javac tasks, an expression with a value in five
            // (it first asks javac for the expression's type); the line break ends a trailing // comment
            String keep = "{ " + CellValue.class.getName() + ".keep(";
            List<SnippetEvent> events = evalObserved(keep + expression + "\n); }", keep.length(),
                    piece.offset() + leadingWhitespace(piece.source()), cell.code());
            SnippetEvent primary = events.stream().filter(e -> e.causeSnippet() == null).findFirst().orElse(null);
            if (primary != null && primary.status() != Snippet.Status.REJECTED) {
                outcome(events, piece, cell); // throws for a runtime error, as the plain path would
                Object value = CellValue.take();
                return isDisplayCall(expression) ? EvalResult.NONE : EvalResult.of(value);
            }
            // not a value (a void call, a declaration): run it as written, which also gives the right diagnostics
        }
        // JShell counts a snippet's positions from its first non-blank character
        return outcome(evalObserved(piece.source(), 0, piece.offset() + leadingWhitespace(piece.source()), cell.code()),
                piece, cell);
    }

    /**
     * {@code shell.eval(source)}, telling the observer (if any) which cell lines the compiled classes hold.
     *
     * @param shift      characters {@code source} has before the user's text
     * @param partOffset where the user's text starts in {@code part}, the Java being evaluated
     */
    private List<SnippetEvent> evalObserved(String source, int shift, int partOffset, String part) {
        CellOrigin.Cell cellCode = CellOrigin.current();
        // where declarations come from is kept even while nobody observes: a debugger started later needs it
        Origin origin = cellCode != null && sameLines(part, cellCode.code())
                ? new Origin(shift, partOffset, part, cellCode) : null;
        SnippetObserver watching = observer;
        if (origin != null && watching != null) {
            List<SourceCodeAnalysis.SnippetWrapper> wrappers = analysis.wrappers(source);
            if (wrappers.size() == 1) {
                SnippetLines pending = SnippetLines.of(wrappers.get(0), shift, partOffset, part, cellCode);
                control.beforeNextRun(name -> watching.aboutToRun(pending.withClassName(name)));
            }
        }
        try {
            List<SnippetEvent> events = shell.eval(source);
            for (SnippetEvent event : events) {
                Snippet snippet = event.snippet();
                if (!DECLARING_KINDS.contains(snippet.kind())) continue;
                if (!event.status().isActive()) {
                    origins.remove(snippet.id());
                    continue;
                }
                if (event.causeSnippet() == null && origin != null) origins.put(snippet.id(), origin);
                Origin from = origins.get(snippet.id());
                if (from != null && watching != null) watching.compiled(lines(snippet, from));
            }
            return events;
        } finally {
            control.beforeNextRun(null);
        }
    }

    private SnippetLines lines(Snippet snippet, Origin from) {
        return SnippetLines.of(analysis.wrapper(snippet), from.snippetShift(), from.partOffset(), from.part(),
                from.cell());
    }

    private static final Set<Snippet.Kind> DECLARING_KINDS =
            Set.of(Snippet.Kind.TYPE_DECL, Snippet.Kind.METHOD, Snippet.Kind.VAR);

    /** The Java part keeps the cell's line numbers: its first line of code is the cell's line of that number. */
    private static boolean sameLines(String part, String cellCode) {
        String[] partLines = part.split("\n", -1);
        String[] cellLines = cellCode.split("\n", -1);
        if (partLines.length > cellLines.length) return false;
        for (int i = 0; i < partLines.length; i++) {
            if (!partLines[i].isBlank()) return partLines[i].equals(cellLines[i]) || partLines[i].contains("MagicBridge");
        }
        return true;
    }

    /** Also tells a new observer about the declarations made so far (call while no cell runs). */
    @Override
    public void observeSnippets(SnippetObserver observer) {
        if (fast != null) fast.publish(); // the debugger reads variables from JShell's classes
        this.observer = observer;
        if (observer == null) return;
        shell.snippets().filter(s -> origins.containsKey(s.id()) && shell.status(s).isActive())
                .forEach(s -> observer.compiled(lines(s, origins.get(s.id()))));
    }

    /**
     * A last line that only names a variable ({@code x}, the commonest last line of a notebook cell) shows what the
     * variable holds now: read directly, without compiling anything. Empty when {@code code} ({@code x} or
     * {@code x;}) names no active variable.
     */
    private Optional<CellExecutionControl.VariableValue> variableNamed(String code) {
        String stripped = code.strip();
        String name = stripped.endsWith(";") ? stripped.substring(0, stripped.length() - 1).strip() : stripped;
        if (name.isEmpty() || !Character.isJavaIdentifierStart(name.charAt(0))
                || !name.chars().allMatch(Character::isJavaIdentifierPart)) {
            return Optional.empty();
        }
        if (fast != null && fast.declares(name)) return fast.read(name);
        Optional<VarSnippet> variable = shell.variables()
                .filter(v -> v.name().equals(name) && shell.status(v) == Snippet.Status.VALID).reduce((a, b) -> b);
        if (variable.isEmpty()) return Optional.empty();
        return control.readVariable(() -> shell.varValue(variable.get()));
    }

    /**
     * A last line without its semicolon ({@code 1 + 1}, {@code list}, {@code tensor.mean()}) is how a user asks to
     * see a value. Lines that are surely not values (declarations, assignments, control flow, prints) skip the try.
     */
    static boolean mayBeValue(String statement) {
        String source = statement.strip();
        return !source.endsWith(";") && !source.endsWith("}") && !NOT_A_VALUE.matcher(source).lookingAt();
    }

    /** {@link #mayBeValue} for a snippet of JShell's splitting. */
    private static boolean mayBeValueExpression(CellSplitter.Piece piece) {
        // JShell's analysis calls an expression without its semicolon COMPLETE, and adds one (COMPLETE_WITH_SEMI)
        // only to declarations and statements that need it
        return piece.completeness() == jdk.jshell.SourceCodeAnalysis.Completeness.COMPLETE
                && mayBeValue(piece.source());
    }

    /** {@code x = 1}, {@code a[i] += 2}: assignments show nothing, as in Python. */
    private static final Pattern ASSIGNMENT =
            Pattern.compile("\\s*[\\w$.]+(\\[[^\\]]*\\])*\\s*([-+*/%&|^]|<<|>>>?)?=[^=]");
    private static final Pattern NOT_A_VALUE = Pattern.compile(
            "(import|class|interface|enum|record|if|for|while|do|switch|try|return|throw|var|final|public|private"
                    + "|protected|static|abstract|sealed|non-sealed|assert|break|continue|synchronized|yield)\\b|@"
                    + "|System\\.(out|err)\\.|" + ASSIGNMENT.pattern()
                    + "|(?!new\\b)[\\w$.]+(<[^()=]*>)?(\\[\\])*\\s+[\\w$]+\\s*(=[^=]|;|\\()");

    /** {@code display(x)} as a cell's last line: x is shown already, its display id is no result. */
    static boolean isDisplayCall(String expression) {
        return DISPLAY_CALL.matcher(expression).matches();
    }

    private EvalResult outcome(List<SnippetEvent> events, CellSplitter.Piece piece, ErrorFormatter.Cell cell)
            throws EvalException {
        SnippetEvent primary = null;
        Set<String> carriedOver = control.loader().takeCarriedOver();
        for (SnippetEvent event : events) {
            track(event);
            if (event.causeSnippet() == null) {
                primary = event;
            } else if (event.snippet() instanceof VarSnippet && event.status().isActive()
                    && event.previousStatus().isActive() && !carriedOver.contains(((VarSnippet) event.snippet()).name())) {
                System.err.println("note: variable " + ((VarSnippet) event.snippet()).name()
                        + " was reset because a declaration it uses changed");
            }
        }
        if (primary == null) return EvalResult.NONE;
        Snippet snippet = primary.snippet();
        try {
            return outcomeOf(primary, snippet, piece, cell);
        } finally {
            forgetIfTransient(primary);
        }
    }

    /**
     * Statements and expression values leave nothing later code can name (but {@code $1}-style temporaries, which
     * notebooks do not use): dropping them keeps JShell's state small. Each active snippet makes every later
     * compile slower, which showed as a round trip growing from 4 ms to 25 ms over a few hundred cells.
     */
    private void forgetIfTransient(SnippetEvent event) {
        Snippet snippet = event.snippet();
        boolean transientKind = snippet.kind() == Snippet.Kind.STATEMENT || snippet.kind() == Snippet.Kind.EXPRESSION
                || snippet.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
        if (transientKind && event.status() != Snippet.Status.REJECTED) shell.drop(snippet);
    }

    private EvalResult outcomeOf(SnippetEvent primary, Snippet snippet, CellSplitter.Piece piece,
                                 ErrorFormatter.Cell cell) throws EvalException {
        cell.place(snippet.id(), piece.offset() + leadingWhitespace(piece.source()));
        if (primary.status() == Snippet.Status.REJECTED) {
            List<Diag> diagnostics = shell.diagnostics(snippet).collect(Collectors.toList());
            throw errors.compilation(cell, piece, diagnostics);
        }
        JShellException thrown = primary.exception();
        if (thrown != null) {
            Throwable real = control.lastFailure();
            if (real instanceof CellRuntime.CellInterruptedError || CellRuntime.isStopRequested()) {
                throw errors.interrupted();
            }
            if (real instanceof CellRuntime.CellExitError) {
                throw errors.exit(((CellRuntime.CellExitError) real).status());
            }
            if (thrown instanceof UnresolvedReferenceException) {
                throw errors.unresolved(shell, (UnresolvedReferenceException) thrown);
            }
            throw errors.runtime(cell, thrown);
        }
        if (primary.status() == Snippet.Status.RECOVERABLE_DEFINED
                || primary.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
            System.err.println(errors.recoverable(shell, snippet));
        }
        if (VALUE_SUBKINDS.contains(snippet.subKind()) && !DISPLAY_CALL.matcher(snippet.source()).matches()
                && !ASSIGNMENT.matcher(snippet.source()).lookingAt()) {
            return EvalResult.of(control.lastValue());
        }
        return EvalResult.NONE;
    }

    private void track(SnippetEvent event) {
        Snippet snippet = event.snippet();
        if (!DECLARATION_KINDS.contains(snippet.kind())) return;
        String key = normalize(snippet.source());
        if (event.status().isActive() && event.status() != Snippet.Status.RECOVERABLE_NOT_DEFINED) {
            activeDeclarations.add(key);
        } else {
            activeDeclarations.remove(key);
        }
    }

    private static String normalize(String source) {
        String s = source.strip();
        if (s.endsWith(";")) s = s.substring(0, s.length() - 1).strip();
        return s.replaceAll("\\s+", " ");
    }

    /** How cells were compiled so far: in one javac task ({@link FastCells}) or two, or through JShell's snippets. */
    @Override
    public Map<String, Object> usageFields() {
        return Map.of("cells_compiled", Map.of("in_one_task", fast == null ? 0 : fast.cellsInOneTask(),
                "in_two_tasks", fast == null ? 0 : fast.cellsInTwoTasks(), "through_jshell", cellsThroughJShell));
    }

    private int cellsThroughJShell;

    /** Whether cells can be compiled in one task now (see {@link #warmUpCellCompiler}). */
    boolean compilesInOneTask() {
        return fast != null && fast.isWarm();
    }

    @Override
    public void interrupt() {
        control.requestStop();
    }

    @Override
    public void clearInterrupt() {
        CellRuntime.clearStop();
    }

    @Override
    public Completion complete(String code, int cursor) {
        if (fast != null) fast.publish();
        prepareImports(code);
        Located at = locate(code, cursor);
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> suggestions =
                analysis.completionSuggestions(at.input, at.cursor, anchor);
        Set<String> smart = new LinkedHashSet<>();
        Set<String> rest = new LinkedHashSet<>();
        for (SourceCodeAnalysis.Suggestion s : suggestions) {
            (s.matchesType() ? smart : rest).add(s.continuation());
        }
        smart.addAll(rest);
        int start = at.offset + anchor[0];
        // classes of the default imports not made yet: the cell that names one makes its import
        String prefix = identifierBefore(code, cursor);
        if (!prefix.isEmpty() && (smart.isEmpty() || start == cursor - prefix.length())) {
            smart.addAll(imports.namesStartingWith(prefix));
            start = cursor - prefix.length();
        }
        return new Completion(new ArrayList<>(smart), start, cursor);
    }

    @Override
    public Inspection inspect(String code, int cursor, int detailLevel) {
        if (fast != null) fast.publish();
        prepareImports(code);
        Located at = locate(code, cursor);
        List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(at.input, at.cursor, true);
        if (docs.isEmpty()) {
            // On a name ("Math.m|ax" or "Math.max|"), look it up as inside its call's parentheses.
            int end = identifierEnd(at.input, at.cursor);
            if (end > 0 && end < at.input.length() && at.input.charAt(end) == '(') {
                docs = analysis.documentation(at.input, end + 1, true);
            } else if (end > 0) {
                docs = analysis.documentation(at.input.substring(0, end) + "(", end + 1, true);
            }
        }
        if (!docs.isEmpty()) {
            String signatures = docs.stream().map(SourceCodeAnalysis.Documentation::signature)
                    .distinct().collect(Collectors.joining("\n"));
            String javadoc = docs.stream().map(SourceCodeAnalysis.Documentation::javadoc)
                    .filter(d -> d != null && !d.isBlank()).findFirst().orElse(JavadocSources.missingNote());
            return new Inspection(signatures, javadoc);
        }
        String name = identifierAt(at.input, at.cursor);
        if (name.isEmpty()) return null;
        for (Variable variable : variables()) {
            if (variable.name().equals(name)) {
                return new Inspection(variable.type() + " " + variable.name(), "= " + variable.valuePreview());
            }
        }
        return null;
    }

    @Override
    public Completeness isComplete(String code) {
        String remaining = code;
        while (true) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            switch (info.completeness()) {
                case EMPTY:
                    return Completeness.complete();
                case COMPLETE:
                case COMPLETE_WITH_SEMI:
                    if (syntax.noContinuationCanFix(info.source())) return Completeness.invalid();
                    remaining = info.remaining();
                    if (remaining.isBlank()) return Completeness.complete();
                    break;
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    if (syntax.noContinuationCanFix(remaining)) return Completeness.invalid();
                    return Completeness.incomplete("    ".repeat(Math.max(1, openBrackets(remaining))));
                default:
                    return Completeness.invalid();
            }
        }
    }

    @Override
    public void addToClasspath(List<Path> paths) {
        for (Path path : paths) shell.addToClasspath(path.toAbsolutePath().toString());
        imports.classPathChanged();
        if (fast != null) fast.classPathChanged();
    }

    @Override
    public ClassLoader classLoader() {
        return control.loader();
    }

    @Override
    public List<Variable> variables() {
        List<Variable> variables = new ArrayList<>();
        shell.variables().filter(v -> shell.status(v).isActive() && !v.name().startsWith("$"))
                .filter(v -> fast == null || !fast.declares(v.name()))
                .forEach(v -> variables.add(new Variable(v.name(), v.typeName(), preview(v))));
        if (fast != null) {
            for (FastCells.Declared d : fast.declared()) {
                String preview = fast.read(d.name()).map(v -> ValuePreview.of(v.value())).orElse("?");
                variables.add(new Variable(d.name(), d.displayType(), preview));
            }
        }
        return variables;
    }

    private String preview(VarSnippet variable) {
        try {
            return shell.varValue(variable); // answered by CellExecutionControl.varValue, bounded
        } catch (RuntimeException e) {
            return "?";
        }
    }

    @Override
    public void close() {
        shell.close();
    }

    // --- positions ---

    /** The snippet of {@code code} that holds {@code cursor}, as JShell's analysis wants it. */
    private Located locate(String code, int cursor) {
        int bounded = Math.max(0, Math.min(cursor, code.length()));
        int start = 0;
        for (CellSplitter.Piece piece : CellSplitter.split(analysis, code.substring(0, bounded))) {
            if (piece.offset() <= bounded) start = piece.offset();
        }
        // The last piece before the cursor may already be complete ("x;|"): then the cursor starts a new one.
        String input = code.substring(start);
        return new Located(input, bounded - start, start);
    }

    private record Located(String input, int cursor, int offset) {
    }

    private static int identifierEnd(String text, int cursor) {
        int end = cursor;
        while (end < text.length() && Character.isJavaIdentifierPart(text.charAt(end))) end++;
        return end > 0 && Character.isJavaIdentifierPart(text.charAt(end - 1)) ? end : -1;
    }

    /** The part of a name that ends at {@code cursor} ("NDMa" in "var m = NDMa|"). */
    private static String identifierBefore(String text, int cursor) {
        int end = Math.max(0, Math.min(cursor, text.length()));
        int start = end;
        while (start > 0 && Character.isJavaIdentifierPart(text.charAt(start - 1))) start--;
        if (start > 0 && text.charAt(start - 1) == '.') return ""; // a member: the imports do not matter
        return text.substring(start, end);
    }

    private static String identifierAt(String text, int cursor) {
        int start = Math.min(cursor, text.length());
        while (start > 0 && Character.isJavaIdentifierPart(text.charAt(start - 1))) start--;
        int end = Math.min(cursor, text.length());
        while (end < text.length() && Character.isJavaIdentifierPart(text.charAt(end))) end++;
        return text.substring(start, end);
    }

    /** JShell numbers a snippet's lines from its first non-blank character. */
    private static int leadingWhitespace(String source) {
        int i = 0;
        while (i < source.length() && Character.isWhitespace(source.charAt(i))) i++;
        return i;
    }

    private static int openBrackets(String code) {
        int depth = 0;
        for (char c : code.toCharArray()) {
            if (c == '{' || c == '(') depth++;
            else if ((c == '}' || c == ')') && depth > 0) depth--;
        }
        return depth;
    }

    /** Where to find and say about the JDK's sources, which JShell needs for javadoc. */
    static final class JavadocSources {
        private JavadocSources() {
        }

        static String missingNote() {
            Path src = Path.of(System.getProperty("java.home"), "lib", "src.zip");
            if (src.toFile().isFile()) return "";
            return "(No javadoc: this JDK has no " + src + ". Install the JDK's sources, e.g. the openjdk-"
                    + Runtime.version().feature() + "-source package, to see documentation here.)";
        }
    }

}
