package io.djlkernel.kernel.eval;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import io.djlkernel.kernel.eval.compile.LocalsToFields;
import io.djlkernel.kernel.eval.compile.PooledJavac;
import io.djlkernel.kernel.eval.compile.TypeNames;
import jdk.jshell.ImportSnippet;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.VarSnippet;
import jdk.jshell.spi.ExecutionControl.ClassBytecodes;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaFileObject;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Runs a cell of statements, expressions and variable declarations as one class, compiled in one javac task
 * ({@link PooledJavac}), where JShell takes three to five tasks for each snippet of it. Everything else (imports,
 * classes, methods, modifiers, code that does not compile) goes to JShell as before, which also gives the
 * diagnostics: a cell this path cannot compile has run nothing and is simply handed on.
 *
 * <p>A variable such a cell declares is a static field of the cell's class, as JShell's are of its wrapper classes,
 * and later cells import it the same way. JShell learns of these variables only when it next needs them (a cell it
 * runs, a completion, the debugger): {@link #publish()} then declares each in JShell with its value.
 */
final class FastCells {
    private static final Logger LOG = Logger.getLogger(FastCells.class.getName());
    private static final String KEEP = CellValue.class.getName() + ".keep(";
    private static final String CLASS_PREFIX = PooledJavac.SESSION_PACKAGE + ".$Cell$";
    private static final Pattern IDENTIFIER = Pattern.compile("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*");

    private final JShell shell;
    private final SourceCodeAnalysis analysis;
    private final CellExecutionControl control;
    private final ErrorFormatter errors;
    /** Opened by the first warm-up (it costs ~40 ms of a cold start); null until then, or where it cannot be. */
    private volatile PooledJavac javac;
    /** Found with {@link #javac}; null where it cannot be, and a cell with variables then takes a second task. */
    private volatile LocalsToFields localsToFields;
    private final java.util.function.Supplier<List<String>> classPath;
    /**
     * Variables declared here that JShell does not know yet, by name, oldest first. Written by the thread that runs
     * cells; read also by the debugger's variables view.
     */
    private final Map<String, Declared> pending = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private int cells;

    /**
     * A variable a cell declared: a static field of {@code className}, declared on {@code line} of the cell;
     * {@code jshellType} is how JShell will declare it.
     */
    record Declared(String name, String className, String jshellType, String displayType, int line) {
    }

    private FastCells(JShell shell, SourceCodeAnalysis analysis, CellExecutionControl control, ErrorFormatter errors,
                      java.util.function.Supplier<List<String>> classPath) {
        this.shell = shell;
        this.analysis = analysis;
        this.control = control;
        this.errors = errors;
        this.classPath = classPath;
    }

    /**
     * Null where turned off with {@code DJL_KERNEL_FAST_CELLS=false}: every cell then goes to JShell, as it does
     * where javac's pool cannot be reached (found out at the first warm-up).
     *
     * @param classPath what cells compile against besides the JDK, now
     */
    static FastCells open(JShell shell, SourceCodeAnalysis analysis, CellExecutionControl control,
                          ErrorFormatter errors, java.util.function.Supplier<List<String>> classPath) {
        if ("false".equalsIgnoreCase(System.getenv("DJL_KERNEL_FAST_CELLS"))) return null;
        return new FastCells(shell, analysis, control, errors, classPath);
    }

    /** A body like an everyday cell's, compiled once in each new compiler before cells use it. */
    private static final String WARM_UP = "Object sum = 1 + 1;";

    /** Set once javac's first context exists: until then cells go to JShell. */
    private volatile boolean warm;

    /**
     * Opens the compiler and compiles one cell-like body on a thread of its own: a fresh context and javac's cold
     * code make a first compile take a few hundred milliseconds, which no cell should wait for. Started with the
     * interpreter, it runs beside the start-up's own JShell compiles (the second core of a small machine is idle
     * then), and the second cell after start finds it ready (Java 17, 2-core VM: 37 vs 107 ms for that cell, the
     * first cell unchanged). Cells go to JShell until it is done.
     */
    void warmUp() {
        Thread warmer = new Thread(() -> {
            long started = System.nanoTime();
            try {
                PooledJavac opened;
                synchronized (this) {
                    opened = PooledJavac.open(classPath.get(), control.loader()::sessionClasses);
                    javac = opened;
                }
                localsToFields = LocalsToFields.find().orElse(null);
                compileWarmUp(opened);
                warm = true;
                LOG.info(() -> "cell compiler warm after " + (System.nanoTime() - started) / 1_000_000 + " ms");
            } catch (PooledJavac.UnavailableException e) {
                LOG.info(() -> "every cell goes through JShell: " + e.getMessage());
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "every cell goes through JShell: the cell compiler did not open", e);
            }
        }, "djl-kernel-cell-compiler-warmup");
        warmer.setDaemon(true);
        warmer.start();
    }

    /** Compiles {@link #WARM_UP}; a failure only leaves javac colder. */
    private static void compileWarmUp(PooledJavac compiler) {
        String name = "$WarmUp$" + WARM_UPS.incrementAndGet();
        String source = header("", name, "") + WARM_UP + "\n} }\n";
        try {
            compiler.compile(PooledJavac.SESSION_PACKAGE + "." + name, source, (task, diagnostics, outputs) -> {
                task.generate();
                return null;
            });
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.FINE, "warming the cell compiler up failed", e);
        }
    }

    private static final java.util.concurrent.atomic.AtomicInteger WARM_UPS = new java.util.concurrent.atomic.AtomicInteger();

    boolean isWarm() {
        return warm;
    }

    /** Class path changes so far; a compiler warmed for an older one is dropped. */
    private int classPathChanges;

    /**
     * A jar was added: javac needs a new context, whose first compile takes about 0.2 s. A compiler for the new
     * class path is warmed on a thread of its own and then replaces the current one. Until then cells keep
     * compiling in the current context, which knows every class but the new jar's: a cell that names one of
     * those does not compile there and goes to JShell, whose class path has the jar already.
     */
    synchronized void classPathChanged() {
        if (javac == null) return; // opened later, with the class path of then
        int change = ++classPathChanges;
        List<String> entries = classPath.get();
        Thread warmer = new Thread(() -> {
            long started = System.nanoTime();
            try {
                PooledJavac fresh = PooledJavac.open(entries, control.loader()::sessionClasses);
                compileWarmUp(fresh);
                PooledJavac replaced;
                synchronized (this) {
                    if (change != classPathChanges) { // a later jar: its own compiler is on its way
                        fresh.close();
                        return;
                    }
                    replaced = javac;
                    javac = fresh;
                }
                replaced.close();
                LOG.info(() -> "cell compiler for the new class path warm after "
                        + (System.nanoTime() - started) / 1_000_000 + " ms");
            } catch (PooledJavac.UnavailableException | RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "no cell compiler for the new class path: jars added since stay for JShell", e);
            }
        }, "djl-kernel-cell-compiler-warmup");
        warmer.setDaemon(true);
        warmer.start();
    }

    /** The value of a variable a cell of this path declared, if {@code name} is one. */
    Optional<CellExecutionControl.VariableValue> read(String name) {
        Declared declared = pending.get(name);
        if (declared == null) return Optional.empty();
        try {
            return Optional.of(new CellExecutionControl.VariableValue(field(declared).get(null)));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    /** The variables JShell does not know yet. */
    List<Declared> declared() {
        synchronized (pending) {
            return List.copyOf(pending.values());
        }
    }

    /** Cells that ran through this path and took one javac task. */
    int cellsInOneTask() {
        return cellsInOneTask;
    }

    /** Cells that ran through this path and took a second task (a value line that was a statement, fields). */
    int cellsInTwoTasks() {
        return cellsInTwoTasks;
    }

    private int cellsInOneTask;
    private int cellsInTwoTasks;

    boolean declares(String name) {
        return pending.containsKey(name);
    }

    /**
     * Runs the cell if it is one this path takes; empty (nothing ran) otherwise.
     *
     * @param prepare run before the cell is compiled (the imports it needs)
     * @throws EvalException the cell ran and failed, or was interrupted
     */
    Optional<EvalResult> run(String code, ErrorFormatter.Cell cell, Runnable prepare) throws EvalException {
        if (!warm) return Optional.empty();
        Body body = Body.of(code, true);
        if (body == null) return Optional.empty();
        prepare.run();
        if (CellRuntime.isStopRequested()) throw errors.interrupted();
        String className = CLASS_PREFIX + (++cells);
        Compiled compiled;
        PooledJavac compiler = javac; // the one for this cell, though a class path change may replace it meanwhile
        long tasksBefore = compiler.tasksRun();
        try {
            compiled = compile(compiler, className, body);
            if (compiled == null && body.value()) compiled = compile(compiler, className, Body.of(code, false));
        } catch (RuntimeException | LinkageError | AssertionError e) {
            // javac failed, not the cell: JShell compiles it, and the next cell gets a fresh context
            LOG.log(Level.WARNING, "the one-task compiler failed on a cell", e);
            compiler.discardContexts();
            return Optional.empty();
        }
        if (compiled == null) return Optional.empty();
        if (compiler.tasksRun() - tasksBefore == 1) cellsInOneTask++;
        else cellsInTwoTasks++;
        return Optional.of(execute(compiled, cell));
    }

    /**
     * The cell as a method body whose lines are the cell's lines. A last statement without its semicolon is the
     * cell's value when it may be one ({@code CellValue.keep(...)} around it), else it gets its semicolon.
     */
    private record Body(String text, boolean value, String valueSource) {
        /** Null for a cell with no code. */
        static Body of(String code, boolean valueIfItMayBe) {
            LastStatement last = LastStatement.of(code);
            if (last == null) return null;
            if (last.ended()) return new Body(code, false, null);
            String statement = code.substring(last.start(), last.end());
            boolean value = valueIfItMayBe && (IDENTIFIER.matcher(statement).matches()
                    || JShellInterpreter.mayBeValue(statement));
            if (!value) return new Body(code.substring(0, last.end()) + ";" + code.substring(last.end()), false, null);
            // the line break ends a comment inside the last line, if any
            String text = code.substring(0, last.start()) + KEEP + statement + "\n);" + code.substring(last.end());
            return new Body(text, true, statement);
        }
    }

    /**
     * Where a cell's last top-level statement starts (its first character of code after the last {@code ;} or
     * {@code }} outside brackets, strings and comments) and ends (its last character of code), and whether it
     * ended with one of those.
     */
    record LastStatement(int start, int end, boolean ended) {
        static LastStatement of(String code) {
            int parens = 0;
            int braces = 0;
            int boundary = -1;
            int lastCode = -1;
            int start = -1;
            int n = code.length();
            for (int i = 0; i < n; i++) {
                char c = code.charAt(i);
                if (c == '/' && i + 1 < n && code.charAt(i + 1) == '/') {
                    while (i < n && code.charAt(i) != '\n') i++;
                    continue;
                }
                if (c == '/' && i + 1 < n && code.charAt(i + 1) == '*') {
                    int close = code.indexOf("*/", i + 2);
                    i = close < 0 ? n : close + 1;
                    continue;
                }
                if (Character.isWhitespace(c)) continue;
                if (start < 0) start = i;
                if (c == '"' && code.startsWith("\"\"\"", i)) {
                    i = skipQuoted(code, i + 3, "\"\"\"");
                } else if (c == '"' || c == '\'') {
                    i = skipQuoted(code, i + 1, String.valueOf(c));
                } else if (c == '(' || c == '[') {
                    parens++;
                } else if (c == ')' || c == ']') {
                    parens = Math.max(0, parens - 1);
                } else if (c == '{') {
                    braces++;
                } else if (c == '}') {
                    braces = Math.max(0, braces - 1);
                    if (braces == 0 && parens == 0) boundary = i;
                } else if (c == ';' && braces == 0 && parens == 0) {
                    boundary = i;
                }
                if (boundary == i) start = -1; // the next code starts the next statement
                lastCode = Math.min(i, n - 1);
            }
            if (lastCode < 0) return null;
            if (lastCode == boundary) return new LastStatement(lastCode, lastCode + 1, true);
            return new LastStatement(start, lastCode + 1, false);
        }

        /** The index of the closing quote of a literal whose text starts at {@code from}. */
        private static int skipQuoted(String code, int from, String quote) {
            for (int i = from; i < code.length(); i++) {
                char c = code.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (code.startsWith(quote, i)) {
                    return i + quote.length() - 1;
                } else if (c == '\n' && quote.length() == 1) {
                    return i; // not closed on its line: javac will say so
                }
            }
            return code.length() - 1;
        }
    }

    /** A cell's class, compiled, and the variables it declares. */
    private record Compiled(String className, Map<String, byte[]> classes, List<Declared> declared, String valueSource) {
    }

    /** A top-level variable declaration of the body: where its type ends and its name starts. */
    private record Declaration(VariableTree tree, String name, int start, int nameStart, boolean initialized,
                               String writtenType, TypeNames inferred, int line) {
    }

    /** Null when the cell is not one this path compiles (JShell then runs it and reports any errors). */
    private Compiled compile(PooledJavac javac, String className, Body body) {
        String simpleName = className.substring(className.lastIndexOf('.') + 1);
        SessionImports imports = imports();
        String head = header(imports.except(Set.of()), simpleName, "");
        String source = head + body.text() + "\n} }\n";
        int bodyStart = head.length();
        List<Declaration> declarations = new ArrayList<>();
        // null: not a cell for this path; empty: compile it again with its fields written out
        Map<String, byte[]> classes = javac.compile(className, source, (task, diagnostics, outputs) -> {
            Iterable<? extends CompilationUnitTree> units = task.parse();
            if (hasErrors(diagnostics)) return null;
            CompilationUnitTree unit = units.iterator().next();
            BlockTree block = cellMethod(unit).getBody();
            Trees trees = Trees.instance(task);
            if (!topLevel(block.getStatements(), unit, trees, source, bodyStart, declarations, null)) return null;
            boolean typesWritten = !declarations.isEmpty()
                    && declarations.stream().allMatch(d -> d.writtenType() != null);
            task.analyze();
            // with its types written, a cell may compile with fields and not with locals: a lambda that captures
            // a variable assigned again, a local that shares a name with a lambda's parameter
            if (hasErrors(diagnostics)) return typesWritten ? Map.of() : null;
            if (!declarations.isEmpty()) {
                declarations.clear(); // again, now with their types
                topLevel(block.getStatements(), unit, trees, source, bodyStart, declarations, task);
                if (declarations.stream().anyMatch(d -> d.writtenType() == null && d.inferred() == null)) return null;
                if (usedByJShellDeclarations(names(declarations))) return null; // JShell must re-link those
                LocalsToFields rewrite = localsToFields;
                if (rewrite == null) return Map.of();
                try {
                    rewrite.apply(task, (ClassTree) unit.getTypeDecls().get(0), block,
                            declarations.stream().map(Declaration::tree).toList());
                } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                    LOG.log(Level.WARNING, "a cell's variables could not become fields in its one task", e);
                    localsToFields = null;
                    return Map.of();
                }
            }
            task.generate();
            return hasErrors(diagnostics) ? null : Map.copyOf(outputs);
        });
        if (classes == null) return null;
        if (classes.isEmpty()) return compileWithFields(javac, className, simpleName, body, declarations, imports);
        return new Compiled(className, classes, declared(declarations, className), body.valueSource());
    }

    /**
     * The same cell with a field for each variable written out, in a task of its own: where its variables could
     * not be made fields in the first task.
     */
    private Compiled compileWithFields(PooledJavac javac, String className, String simpleName, Body body,
                                       List<Declaration> declarations, SessionImports imports) {
        Set<String> names = names(declarations);
        if (usedByJShellDeclarations(names)) return null; // JShell must re-link those: its own path does
        StringBuilder fields = new StringBuilder();
        StringBuilder text = new StringBuilder(body.text());
        for (int i = declarations.size() - 1; i >= 0; i--) {
            Declaration d = declarations.get(i);
            // "var x = 1;" becomes "      x = 1;": the same lines and columns
            int end = d.initialized() ? d.nameStart() : statementEnd(text, d.nameStart());
            for (int p = d.start(); p < end; p++) if (text.charAt(p) != '\n') text.setCharAt(p, ' ');
        }
        for (Declaration d : declarations) {
            String type = d.writtenType() != null ? d.writtenType() : d.inferred().source;
            fields.append("public static ").append(type).append(' ').append(d.name()).append("; ");
        }
        String source = header(imports.except(names), simpleName, fields.toString()) + text + "\n} }\n";
        Map<String, byte[]> classes = javac.compile(className, source, (task, diagnostics, outputs) -> {
            task.generate();
            if (hasErrors(diagnostics)) {
                LOG.fine(() -> "a cell compiled with locals but not with fields: " + PooledJavac.firstError(diagnostics));
                return null;
            }
            return Map.copyOf(outputs);
        });
        return classes == null ? null : new Compiled(className, classes, declared(declarations, className),
                body.valueSource());
    }

    private static Set<String> names(List<Declaration> declarations) {
        Set<String> names = new java.util.HashSet<>();
        declarations.forEach(d -> names.add(d.name()));
        return names;
    }

    /** The cell's variables, as fields of its class, with their types as JShell and %vars will show them. */
    private static List<Declared> declared(List<Declaration> declarations, String className) {
        List<Declared> declared = new ArrayList<>();
        for (Declaration d : declarations) {
            String display = d.writtenType() != null ? d.writtenType() : d.inferred().display;
            String forJShell = d.writtenType() != null ? d.writtenType() : d.inferred().forJShell;
            declared.add(new Declared(d.name(), className, forJShell, display, d.line()));
        }
        return declared;
    }

    /** End of a declaration without initializer ("int x;"): its semicolon, included. */
    private static int statementEnd(CharSequence text, int from) {
        for (int p = from; p < text.length(); p++) if (text.charAt(p) == ';') return p + 1;
        return from;
    }

    private static String header(String imports, String simpleName, String fields) {
        // one line, so that the body's lines are the cell's
        return "package " + PooledJavac.SESSION_PACKAGE + "; " + imports + "public class " + simpleName + " { "
                + fields + "public static void do_it$() throws Throwable { ";
    }

    private static MethodTree cellMethod(CompilationUnitTree unit) {
        ClassTree type = (ClassTree) unit.getTypeDecls().get(0);
        for (Tree member : type.getMembers()) if (member instanceof MethodTree method) return method;
        throw new IllegalStateException("the cell's method is missing");
    }

    /**
     * Checks the cell's top-level statements (no local class, no return, plain variable declarations) and collects
     * its variable declarations; with {@code attributed}, also their types.
     */
    private static boolean topLevel(List<? extends StatementTree> statements, CompilationUnitTree unit, Trees trees,
                                    String source, int bodyStart, List<Declaration> declarations, JavacTask attributed) {
        SourcePositions positions = trees.getSourcePositions();
        long previousStart = -1;
        for (StatementTree statement : statements) {
            switch (statement.getKind()) {
                case CLASS, INTERFACE, ENUM, RECORD, ANNOTATION_TYPE, YIELD:
                    return false;
                default:
                    break;
            }
            if (returnsFromCell(statement, unit, trees)) return false;
            if (!(statement instanceof VariableTree variable)) continue;
            long start = positions.getStartPosition(unit, variable);
            if (start == previousStart || !variable.getModifiers().getFlags().isEmpty()
                    || !variable.getModifiers().getAnnotations().isEmpty()) {
                return false; // "int a, b;" shares one type; modifiers are JShell's to judge
            }
            previousStart = start;
            Tree initializer = variable.getInitializer();
            if (initializer instanceof NewArrayTree array && array.getType() == null) return false; // "= {1, 2}"
            String name = variable.getName().toString();
            String rest = source.substring((int) start);
            java.util.regex.Matcher declared = Pattern.compile("^([\\s\\S]*?)\\b" + Pattern.quote(name)
                    + "\\s*(=|;)").matcher(rest);
            if (!declared.find()) return false;
            String written = declared.group(1).strip();
            boolean inferred = written.equals("var");
            TypeNames type = null;
            if (attributed != null && inferred) {
                type = TypeNames.of(trees.getTypeMirror(TreePath.getPath(unit, variable))).orElse(null);
            }
            declarations.add(new Declaration(variable, name, (int) start - bodyStart, (int) start - bodyStart + declared.start(1)
                    + declared.group(1).length(), initializer != null, inferred ? null : written, type,
                    (int) unit.getLineMap().getLineNumber(start)));
        }
        return true;
    }

    /** A return statement outside any lambda or class of the cell would end the cell's method early. */
    private static boolean returnsFromCell(StatementTree statement, CompilationUnitTree unit, Trees trees) {
        boolean[] found = {false};
        new TreePathScanner<Void, Void>() {
            @Override
            public Void visitReturn(com.sun.source.tree.ReturnTree node, Void unused) {
                found[0] = true;
                return null;
            }

            @Override
            public Void visitLambdaExpression(com.sun.source.tree.LambdaExpressionTree node, Void unused) {
                return null;
            }

            @Override
            public Void visitClass(ClassTree node, Void unused) {
                return null;
            }
        }.scan(new TreePath(TreePath.getPath(unit, statement), statement), null);
        return found[0];
    }

    private static boolean hasErrors(DiagnosticCollector<JavaFileObject> diagnostics) {
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) return true;
        }
        return false;
    }

    /** Whether a class or method JShell holds names one of these: it was compiled against the old variable. */
    private boolean usedByJShellDeclarations(Set<String> names) {
        List<Pattern> patterns = names.stream().map(n -> Pattern.compile("(?<![\\w$])" + Pattern.quote(n) + "(?![\\w$])")).toList();
        return shell.snippets().filter(s -> s.kind() == Snippet.Kind.METHOD || s.kind() == Snippet.Kind.TYPE_DECL)
                .filter(s -> shell.status(s) != Snippet.Status.DROPPED && shell.status(s) != Snippet.Status.OVERWRITTEN
                        && shell.status(s) != Snippet.Status.REJECTED)
                .anyMatch(s -> patterns.stream().anyMatch(p -> p.matcher(s.source()).find()));
    }

    /**
     * The imports of a JShell wrapper: the session's imports, variables, methods and classes, newest binding only.
     * A declaration still waiting for what it refers to is left out: a cell that uses it goes to JShell, which says
     * what is missing.
     */
    private SessionImports imports() {
        StringBuilder lines = new StringBuilder();
        shell.imports().filter(i -> shell.status(i).isDefined()).forEach(i -> importLine(lines, i));
        shell.methods().filter(m -> shell.status(m) == Snippet.Status.VALID)
                .forEach(m -> staticImport(lines, analysis.wrapper(m).fullClassName(), m.name()));
        shell.types().filter(t -> shell.status(t) == Snippet.Status.VALID)
                .forEach(t -> staticImport(lines, analysis.wrapper(t).fullClassName(), t.name()));
        Map<String, String> variables = new LinkedHashMap<>();
        shell.variables().filter(v -> shell.status(v) == Snippet.Status.VALID && !pending.containsKey(v.name()))
                .forEach(v -> variables.put(v.name(), analysis.wrapper(v).fullClassName()));
        for (Declared d : declared()) variables.put(d.name(), d.className());
        return new SessionImports(lines.toString(), variables);
    }

    /** A cell's imports, gathered once for its compiles: all but its own variables' older bindings. */
    private record SessionImports(String others, Map<String, String> variableClasses) {
        String except(Set<String> declaredHere) {
            StringBuilder lines = new StringBuilder(others);
            variableClasses.forEach((name, className) -> {
                if (!declaredHere.contains(name)) staticImport(lines, className, name);
            });
            return lines.toString();
        }
    }

    private static void importLine(StringBuilder lines, ImportSnippet snippet) {
        lines.append("import ").append(snippet.isStatic() ? "static " : "").append(snippet.fullname()).append("; ");
    }

    private static void staticImport(StringBuilder lines, String className, String member) {
        lines.append("import static ").append(className).append('.').append(member).append("; ");
    }

    private EvalResult execute(Compiled compiled, ErrorFormatter.Cell cell) throws EvalException {
        Method doIt;
        try {
            List<ClassBytecodes> classes = new ArrayList<>();
            compiled.classes().forEach((name, bytes) -> classes.add(new ClassBytecodes(name, bytes)));
            control.loader().load(classes.toArray(ClassBytecodes[]::new));
            if (!compiled.declared().isEmpty()) control.loader().listSessionClass(compiled.className());
            doIt = control.loader().loadClass(compiled.className()).getDeclaredMethod("do_it$");
            doIt.setAccessible(true);
        } catch (ReflectiveOperationException | jdk.jshell.spi.ExecutionControl.ExecutionControlException e) {
            throw new IllegalStateException("a compiled cell did not load: " + e, e);
        }
        String sourceFile = compiled.className().substring(compiled.className().lastIndexOf('.') + 1) + ".java";
        cell.placeFile(sourceFile);
        CellValue.take();
        try {
            control.invoke(doIt);
        } catch (InvocationTargetException e) {
            Throwable real = control.lastFailure() != null ? control.lastFailure() : e.getCause();
            declare(compiled.declared(), failingLine(real, compiled.className()));
            if (real instanceof CellRuntime.CellInterruptedError || CellRuntime.isStopRequested()) {
                throw errors.interrupted();
            }
            if (real instanceof CellRuntime.CellExitError exit) throw errors.exit(exit.status());
            throw errors.runtime(cell, real);
        } catch (Exception e) {
            declare(compiled.declared(), 0);
            throw errors.runtime(cell, e);
        }
        declare(compiled.declared(), Integer.MAX_VALUE);
        Object value = CellValue.take();
        if (compiled.valueSource() == null || JShellInterpreter.isDisplayCall(compiled.valueSource())) {
            return EvalResult.NONE;
        }
        return EvalResult.of(value);
    }

    /**
     * Makes the cell's variables the session's, up to the line where it failed: as in JShell, where each line is a
     * snippet of its own, a variable whose initializer failed is declared (with its default value) and the later
     * ones are not.
     */
    private void declare(List<Declared> declared, int upToLine) {
        for (Declared d : declared) {
            if (d.line() > upToLine) continue;
            pending.remove(d.name());
            pending.put(d.name(), d);
        }
    }

    /** The cell line a failure came from: the frame of the cell's own method (none: every line counts). */
    private static int failingLine(Throwable failure, String className) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            for (StackTraceElement frame : t.getStackTrace()) {
                if (frame.getClassName().equals(className) && frame.getMethodName().equals("do_it$")) {
                    return Math.max(0, frame.getLineNumber());
                }
            }
        }
        return Integer.MAX_VALUE; // it stopped elsewhere (a stop between lines): what ran is unknown, keep all
    }

    /**
     * Declares in JShell each variable only this path knows, with its value: before JShell compiles anything that
     * may name one. A value that no longer fits (its class was declared again since) is left at its default.
     */
    void publish() {
        if (pending.isEmpty()) return;
        List<Declared> all;
        synchronized (pending) {
            all = new ArrayList<>(pending.values());
            pending.clear();
        }
        for (Declared d : all) {
            Object value;
            try {
                value = field(d).get(null);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                value = null;
            }
            VarSnippet made = declareInJShell(d.jshellType() + " " + d.name() + ";");
            if (made == null) made = declareInJShell("Object " + d.name() + ";");
            if (made == null) {
                LOG.warning(() -> "variable " + d.name() + " could not be declared in JShell");
                continue;
            }
            try {
                Field target = control.loader().loadClass(analysis.wrapper(made).fullClassName()).getDeclaredField(d.name());
                target.setAccessible(true);
                target.set(null, value);
            } catch (IllegalArgumentException e) {
                System.err.println("note: variable " + d.name() + " was reset because a declaration it uses changed");
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "variable " + d.name() + " lost its value", e);
            }
        }
    }

    private VarSnippet declareInJShell(String declaration) {
        for (SnippetEvent event : shell.eval(declaration)) {
            if (event.causeSnippet() == null && event.snippet() instanceof VarSnippet variable
                    && event.status().isDefined()) {
                return variable;
            }
        }
        return null;
    }

    private Field field(Declared declared) throws ReflectiveOperationException {
        Field field = control.loader().loadClass(declared.className()).getDeclaredField(declared.name());
        field.setAccessible(true);
        return field;
    }

}
