package io.djlkernel.kernel.debug;

import jdk.jshell.execution.LoaderDelegate;
import jdk.jshell.spi.ExecutionControl.ClassBytecodes;

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
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Evaluates a Java expression in a paused frame: compiled with javac as a static method of a class in JShell's
 * package {@code REPL}, with the frame's wrapper imports (so the session's variables, methods and classes are in
 * scope as they are in the cell) and the frame's locals as parameters, then loaded into the cells' own class loader
 * (same runtime package as the cell classes, so their package-private wrappers are accessible) and called.
 * Locals are passed by value: assigning one in an expression does not change the paused frame.
 */
final class FrameEvaluator {
    private static final AtomicInteger COUNT = new AtomicInteger();

    private final ClassLoader cells;
    private final Supplier<Set<String>> cellClasses;

    /** Thrown with javac's diagnostics when the expression does not compile. */
    static final class CompileException extends Exception {
        CompileException(String message) {
            super(message);
        }
    }

    FrameEvaluator(ClassLoader cells, Supplier<Set<String>> cellClasses) {
        this.cells = cells;
        this.cellClasses = cellClasses;
    }

    Object evaluate(String expression, String imports, Map<String, String> localTypes, Map<String, Object> locals)
            throws Exception {
        String name = "$DebugEval$" + COUNT.incrementAndGet();
        Map<String, byte[]> classes;
        try {
            classes = compile(name, source(name, imports, localTypes, "return " + expression + ";"));
        } catch (CompileException asExpression) {
            if (!asExpression.getMessage().contains("'void' type not allowed")) throw asExpression;
            classes = compile(name, source(name, imports, localTypes, expression + ";\n return null;"));
        }
        List<ClassBytecodes> bytecodes = new ArrayList<>();
        classes.forEach((n, b) -> bytecodes.add(new ClassBytecodes(n, b)));
        ((LoaderDelegate) cells).load(bytecodes.toArray(new ClassBytecodes[0]));
        Class<?> type = cells.loadClass("REPL." + name);
        java.lang.reflect.Method eval = null;
        for (java.lang.reflect.Method m : type.getDeclaredMethods()) if (m.getName().equals("eval")) eval = m;
        Object[] args = localTypes.keySet().stream().map(locals::get).toArray();
        try {
            return eval.invoke(null, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
        }
    }

    private static String source(String name, String imports, Map<String, String> localTypes, String body) {
        String params = localTypes.entrySet().stream().map(e -> sourceType(e.getValue()) + " " + e.getKey())
                .collect(Collectors.joining(", "));
        return "package REPL;\n" + imports + "\npublic class " + name + " {\n public static Object eval(" + params
                + ") throws Throwable {\n " + body + "\n }\n}\n";
    }

    /** JDI's binary names as source: REPL.$JShell$4$Foo is REPL.$JShell$4.Foo, java.util.Map$Entry java.util.Map.Entry. */
    static String sourceType(String binary) {
        String type = binary.replaceAll("(\\$JShell\\$\\d+[A-Z]*)\\$", "$1.");
        if (!type.startsWith("REPL.")) type = type.replaceAll("\\$(?=[A-Za-z_])", ".");
        return type.matches(".*\\$\\d.*") ? "Object" : type; // anonymous classes have no name to write
    }

    private Map<String, byte[]> compile(String name, String source) throws CompileException, IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) throw new CompileException("no Java compiler in this runtime (a JRE, not a JDK?)");
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8);
        List<File> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!entry.isEmpty()) classPath.add(new File(entry));
        }
        for (ClassLoader l = cells; l != null; l = l.getParent()) {
            if (l instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    if ("file".equals(url.getProtocol())) classPath.add(new File(URI.create(url.toString())));
                }
            }
        }
        standard.setLocation(StandardLocation.CLASS_PATH, classPath);
        Map<String, ByteArrayOutputStream> output = new LinkedHashMap<>();
        JavaFileManager files = new CellClassFiles(standard, output);
        JavaFileObject unit = new SimpleJavaFileObject(URI.create("string:///REPL/" + name + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        boolean ok = javac.getTask(null, files, diagnostics, List.of("-proc:none", "-g", "-Xlint:none", "-nowarn"),
                null, List.of(unit)).call();
        if (!ok) {
            String message = diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .map(d -> d.getMessage(Locale.ROOT)).distinct().collect(Collectors.joining("; "));
            throw new CompileException(message.isEmpty() ? "does not compile" : message);
        }
        Map<String, byte[]> classes = new LinkedHashMap<>();
        output.forEach((n, bytes) -> classes.put(n, bytes.toByteArray()));
        return classes;
    }

    /** The class path plus the cell classes (package REPL), which exist only in the cells' class loader. */
    private final class CellClassFiles extends ForwardingJavaFileManager<StandardJavaFileManager> {
        private final Map<String, ByteArrayOutputStream> output;

        CellClassFiles(StandardJavaFileManager standard, Map<String, ByteArrayOutputStream> output) {
            super(standard);
            this.output = output;
        }

        @Override
        public Iterable<JavaFileObject> list(Location location, String packageName, Set<JavaFileObject.Kind> kinds,
                                             boolean recurse) throws IOException {
            if (location != StandardLocation.CLASS_PATH || !packageName.equals("REPL")
                    || !kinds.contains(JavaFileObject.Kind.CLASS)) {
                return super.list(location, packageName, kinds, recurse);
            }
            List<JavaFileObject> list = new ArrayList<>();
            for (String className : cellClasses.get()) list.add(new CellClass(className));
            return list;
        }

        @Override
        public String inferBinaryName(Location location, JavaFileObject file) {
            return file instanceof CellClass cell ? cell.binaryName : super.inferBinaryName(location, file);
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                   FileObject sibling) {
            return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + ".class"), kind) {
                @Override
                public OutputStream openOutputStream() {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    output.put(className, bytes);
                    return bytes;
                }
            };
        }
    }

    private final class CellClass extends SimpleJavaFileObject {
        final String binaryName;

        CellClass(String binaryName) {
            super(URI.create("cell:///" + binaryName.replace('.', '/') + ".class"), Kind.CLASS);
            this.binaryName = binaryName;
        }

        @Override
        public InputStream openInputStream() throws IOException {
            InputStream in = cells.getResourceAsStream(binaryName.replace('.', '/') + ".class");
            if (in == null) throw new IOException("no class file for " + binaryName);
            return in;
        }
    }
}
