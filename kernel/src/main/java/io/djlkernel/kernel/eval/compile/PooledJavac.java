package io.djlkernel.kernel.eval.compile;

import com.sun.source.util.JavacTask;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One javac task per cell on a reused compiler context: javac's own {@code JavacTaskPool}, the one JShell uses,
 * so that a task costs about a millisecond instead of the ten a fresh context takes. Classes of the session's
 * {@code REPL} package come from memory ({@link #PooledJavac}'s {@code sessionClasses}); outputs stay in memory.
 *
 * <p>The pool and the reset of the {@code REPL} package between tasks are javac internals, reached by reflection:
 * they need {@code --add-exports} of {@code jdk.compiler}'s {@code api}, {@code code} and {@code util} packages (the
 * kernel jar's manifest has them). Where they are missing, {@link #open} says so and callers compile another way.
 * One task at a time.
 */
public final class PooledJavac {
    /** The package JShell compiles cells into; classes compiled here go there too, to reach package-private members. */
    public static final String SESSION_PACKAGE = "REPL";
    private static final List<String> OPTIONS = List.of("-proc:none", "-g", "-parameters", "-Xlint:none", "-nowarn");

    private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    private final StandardJavaFileManager standard;
    /** One for all tasks: a reused context keeps the file manager of the task that made it. */
    private final SessionFileManager files;
    private final Internals internals;
    private Object pool;

    /** Work done with one task; {@code outputs} fills with the classes {@link JavacTask#generate()} writes. */
    public interface Work<Z> {
        Z run(JavacTask task, DiagnosticCollector<JavaFileObject> diagnostics, Map<String, byte[]> outputs)
                throws IOException;
    }

    /** Thrown by {@link #open} when javac's pool cannot be reached from here. */
    public static final class UnavailableException extends Exception {
        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private PooledJavac(StandardJavaFileManager standard, Supplier<List<Map.Entry<String, byte[]>>> sessionClasses,
                        Internals internals) {
        this.standard = standard;
        this.files = new SessionFileManager(standard, sessionClasses);
        this.internals = internals;
        this.pool = internals.newPool();
    }

    /**
     * @param classPath      what cells compile against besides the JDK
     * @param sessionClasses the classes of {@link #SESSION_PACKAGE}, binary name and bytes, loaded for earlier cells:
     *                       a list that only grows, or a new list
     */
    public static PooledJavac open(List<String> classPath, Supplier<List<Map.Entry<String, byte[]>>> sessionClasses)
            throws UnavailableException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) throw new UnavailableException("this Java has no compiler", null);
        Internals internals = Internals.find();
        StandardJavaFileManager standard = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8);
        List<File> files = new ArrayList<>();
        for (String entry : classPath) if (!entry.isBlank()) files.add(new File(entry));
        try {
            standard.setLocation(StandardLocation.CLASS_PATH, files);
        } catch (IOException e) {
            throw new IllegalArgumentException("bad class path: " + e.getMessage(), e);
        }
        return new PooledJavac(standard, sessionClasses, internals);
    }

    /**
     * Lets go of the jars the file manager holds open. A later compile fails: a class path that changed needs a
     * compiler of its own, since a reused context keeps its view of the packages it has listed.
     */
    public synchronized void close() {
        closed = true;
        try {
            standard.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }

    private boolean closed;

    /** Tasks run so far, warm-ups included. */
    public synchronized long tasksRun() {
        return tasksRun;
    }

    private long tasksRun;

    /** After javac itself failed in a task: later tasks start from a fresh context, not one it left half done. */
    public synchronized void discardContexts() {
        pool = internals.newPool();
    }

    /**
     * Runs {@code work} on a task over {@code source}, the compilation unit of {@code className} (a binary name in
     * {@link #SESSION_PACKAGE}). The context then forgets that class and lists the session package afresh next time,
     * so that later tasks see classes loaded since, as JShell's own tasks do.
     */
    public synchronized <Z> Z compile(String className, String source, Work<Z> work) {
        if (closed) throw new IllegalStateException("this compiler was closed (the class path changed)");
        tasksRun++;
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<String, byte[]> outputs = new LinkedHashMap<>();
        files.outputs = outputs;
        List<JavaFileObject> units = List.of(new Source(className, source));
        return internals.runTask(pool, files, diagnostics, OPTIONS, units, task -> {
            Object context = internals.contextOf(task); // a finished task lets go of its context
            try {
                return work.run((JavacTask) task, diagnostics, outputs);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                internals.forgetSessionClasses(context, className, outputs.keySet());
            }
        });
    }

    /** The first error's text, for logs. */
    public static String firstError(DiagnosticCollector<JavaFileObject> diagnostics) {
        return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> d.getMessage(java.util.Locale.ROOT)).findFirst().orElse("");
    }

    // --- javac's internals, by reflection ---

    /** javac's task pool and symbol table, found once. */
    private static final class Internals {
        private final java.lang.reflect.Constructor<?> poolConstructor;
        private final Method getTask;
        private final Class<?> worker;
        private final Method getContext;
        private final Method symtabInstance;
        private final Field unnamedModule;
        private final Method namesInstance;
        private final Method fromString;
        private final Method getPackage;
        private final Method removeClass;
        private final Field membersField;
        private final Field completer;
        private final Method classFinderInstance;
        private final Method getCompleter;

        private Internals() throws ReflectiveOperationException {
            Class<?> poolClass = Class.forName("com.sun.tools.javac.api.JavacTaskPool");
            poolConstructor = poolClass.getConstructor(int.class);
            worker = Class.forName("com.sun.tools.javac.api.JavacTaskPool$Worker");
            getTask = poolClass.getMethod("getTask", java.io.Writer.class, JavaFileManager.class,
                    javax.tools.DiagnosticListener.class, Iterable.class, Iterable.class, Iterable.class, worker);
            Class<?> context = Class.forName("com.sun.tools.javac.util.Context");
            getContext = Class.forName("com.sun.tools.javac.api.BasicJavacTask").getMethod("getContext");
            Class<?> symtab = Class.forName("com.sun.tools.javac.code.Symtab");
            symtabInstance = symtab.getMethod("instance", context);
            unnamedModule = symtab.getField("unnamedModule");
            Class<?> names = Class.forName("com.sun.tools.javac.util.Names");
            namesInstance = names.getMethod("instance", context);
            fromString = names.getMethod("fromString", String.class);
            Class<?> moduleSymbol = Class.forName("com.sun.tools.javac.code.Symbol$ModuleSymbol");
            Class<?> name = Class.forName("com.sun.tools.javac.util.Name");
            getPackage = symtab.getMethod("getPackage", moduleSymbol, name);
            removeClass = symtab.getMethod("removeClass", moduleSymbol, name);
            Class<?> packageSymbol = Class.forName("com.sun.tools.javac.code.Symbol$PackageSymbol");
            membersField = packageSymbol.getField("members_field");
            completer = Class.forName("com.sun.tools.javac.code.Symbol").getField("completer");
            Class<?> classFinder = Class.forName("com.sun.tools.javac.code.ClassFinder");
            classFinderInstance = classFinder.getMethod("instance", context);
            getCompleter = classFinder.getMethod("getCompleter");
        }

        static Internals find() throws UnavailableException {
            try {
                Internals found = new Internals();
                found.newPool();
                return found;
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                throw new UnavailableException("javac's task pool is not reachable (the JVM needs --add-exports "
                        + "jdk.compiler/com.sun.tools.javac.{api,code,util}=ALL-UNNAMED): " + e, e);
            }
        }

        Object newPool() {
            try {
                return poolConstructor.newInstance(1);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("javac's task pool", e);
            }
        }

        @SuppressWarnings("unchecked")
        <Z> Z runTask(Object pool, JavaFileManager files, DiagnosticCollector<JavaFileObject> diagnostics,
                      List<String> options, List<JavaFileObject> units, Function<Object, Z> work) {
            Object callback = Proxy.newProxyInstance(PooledJavac.class.getClassLoader(), new Class<?>[]{worker},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "withTask" -> work.apply(args[0]);
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "PooledJavac.Worker";
                    });
            try {
                return (Z) getTask.invoke(pool, null, files, diagnostics, options, null, units, callback);
            } catch (java.lang.reflect.InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException runtime) throw runtime;
                if (e.getCause() instanceof Error error) throw error;
                throw new IllegalStateException(e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * What JShell does after each of its tasks, for the classes this task knows of only: the compiled class
         * leaves the symbol table (a later task reads its class file instead of a source tree), and the session
         * package will be listed again (classes JShell loaded since).
         */
        Object contextOf(Object task) {
            try {
                return getContext.invoke(task);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("javac's context: " + e, e);
            }
        }

        void forgetSessionClasses(Object context, String className, Set<String> generated) {
            try {
                Object syms = symtabInstance.invoke(null, context);
                Object module = unnamedModule.get(syms);
                Object names = namesInstance.invoke(null, context);
                removeClass.invoke(syms, module, fromString.invoke(names, className));
                for (String name : generated) removeClass.invoke(syms, module, fromString.invoke(names, name));
                Object session = getPackage.invoke(syms, module, fromString.invoke(names, SESSION_PACKAGE));
                if (session != null) {
                    membersField.set(session, null);
                    completer.set(session, getCompleter.invoke(classFinderInstance.invoke(null, context)));
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot reset javac's view of the session package: " + (e.getCause() != null ? e.getCause() : e), e);
            }
        }
    }

    // --- files ---

    private static final class Source extends SimpleJavaFileObject {
        private final String code;

        Source(String className, String code) {
            super(URI.create("string:///" + className.replace('.', '/') + ".java"), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }

    /** A session class javac reads from memory. */
    private static final class SessionClass extends SimpleJavaFileObject {
        private final String binaryName;
        private final Supplier<byte[]> bytes;

        SessionClass(String binaryName, Supplier<byte[]> bytes) {
            super(URI.create("session:///" + binaryName.replace('.', '/') + ".class"), Kind.CLASS);
            this.binaryName = binaryName;
            this.bytes = bytes;
        }

        @Override
        public InputStream openInputStream() {
            return new ByteArrayInputStream(bytes.get());
        }
    }

    private static final class Output extends SimpleJavaFileObject {
        private final String binaryName;
        private final Map<String, byte[]> outputs;

        Output(String binaryName, Map<String, byte[]> outputs) {
            super(URI.create("output:///" + binaryName.replace('.', '/') + ".class"), Kind.CLASS);
            this.binaryName = binaryName;
            this.outputs = outputs;
        }

        @Override
        public OutputStream openOutputStream() {
            return new ByteArrayOutputStream() {
                @Override
                public void close() {
                    outputs.put(binaryName, toByteArray());
                }
            };
        }
    }

    /** The standard file manager, plus the session package from memory and outputs into memory. */
    private static final class SessionFileManager extends ForwardingJavaFileManager<StandardJavaFileManager> {
        private final Supplier<List<Map.Entry<String, byte[]>>> sessionClasses;
        /** Where the running task's classes go. */
        Map<String, byte[]> outputs = new LinkedHashMap<>();
        private List<Map.Entry<String, byte[]>> listedFrom;
        private final List<JavaFileObject> listed = new ArrayList<>();

        SessionFileManager(StandardJavaFileManager standard, Supplier<List<Map.Entry<String, byte[]>>> sessionClasses) {
            super(standard);
            this.sessionClasses = sessionClasses;
        }

        /**
         * Kept: javac flushes its file manager after every task, which drops the index of the class path, and
         * indexing it again was a tenth of a cell's compile. A new class path takes a new
         * compiler.
         */
        @Override
        public void flush() {
        }

        private String multiRelease;

        /** javac sets {@code --multi-release} on every task, which also drops the index: only a change passes. */
        @Override
        public boolean handleOption(String current, java.util.Iterator<String> remaining) {
            if (!current.equals("--multi-release") || !remaining.hasNext()) return super.handleOption(current, remaining);
            String value = remaining.next();
            if (value.equals(multiRelease)) return true;
            multiRelease = value;
            return super.handleOption(current, List.of(value).iterator());
        }

        @Override
        public Iterable<JavaFileObject> list(Location location, String packageName, Set<JavaFileObject.Kind> kinds,
                                             boolean recurse) throws IOException {
            Iterable<JavaFileObject> standardFiles = super.list(location, packageName, kinds, recurse);
            if (location != StandardLocation.CLASS_PATH || !packageName.equals(SESSION_PACKAGE)
                    || !kinds.contains(JavaFileObject.Kind.CLASS)) {
                return standardFiles;
            }
            List<Map.Entry<String, byte[]>> session = sessionClasses.get();
            if (session != listedFrom) {
                listed.clear();
                listedFrom = session;
            }
            for (int i = listed.size(); i < session.size(); i++) {
                Map.Entry<String, byte[]> entry = session.get(i);
                listed.add(new SessionClass(entry.getKey(), entry::getValue));
            }
            if (!standardFiles.iterator().hasNext()) return listed;
            List<JavaFileObject> files = new ArrayList<>(listed);
            standardFiles.forEach(files::add);
            return files;
        }

        @Override
        public String inferBinaryName(Location location, JavaFileObject file) {
            if (file instanceof SessionClass session) return session.binaryName;
            return super.inferBinaryName(location, file);
        }

        @Override
        public boolean isSameFile(FileObject a, FileObject b) {
            if (a instanceof SessionClass || b instanceof SessionClass || a instanceof Output || b instanceof Output) {
                return a.toUri().equals(b.toUri());
            }
            return super.isSameFile(a, b);
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                   FileObject sibling) {
            return new Output(className, outputs);
        }
    }
}
