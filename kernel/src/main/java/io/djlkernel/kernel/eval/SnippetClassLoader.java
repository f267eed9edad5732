package io.djlkernel.kernel.eval;

import jdk.jshell.execution.LoaderDelegate;
import jdk.jshell.spi.ExecutionControl.ClassBytecodes;
import jdk.jshell.spi.ExecutionControl.ClassInstallException;
import jdk.jshell.spi.ExecutionControl.InternalException;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads the classes JShell compiles for cells (instrumented on the way in) and the jars cells add. Its parent is
 * the kernel's own class loader, so objects made by kernel code and extensions are shared with cells as they are.
 */
final class SnippetClassLoader extends URLClassLoader implements LoaderDelegate {
    static {
        registerAsParallelCapable();
    }

    private final Map<String, byte[]> declared = new ConcurrentHashMap<>();
    private final Map<String, Class<?>> loaded = new ConcurrentHashMap<>();
    private final Set<String> kernelClasspath;
    /** The newest wrapper class of each snippet ({@code REPL.$JShell$57}, {@code ...57B}, ... share "REPL.$JShell$57"). */
    private final Map<String, Class<?>> newestWrapper = new ConcurrentHashMap<>();
    /** Variables whose values moved to a recompiled wrapper since {@link #takeCarriedOver} was last called. */
    private final Set<String> carriedOver = ConcurrentHashMap.newKeySet();
    private static final java.util.regex.Pattern WRAPPER = java.util.regex.Pattern.compile("(.*\\$JShell\\$\\d+)[A-Z]*");

    SnippetClassLoader(ClassLoader parent) {
        super("cells", new URL[0], parent);
        this.kernelClasspath = Set.of(System.getProperty("java.class.path", "").split(File.pathSeparator));
    }

    @Override
    public void load(ClassBytecodes[] classes) throws ClassInstallException {
        boolean[] installed = new boolean[classes.length];
        for (ClassBytecodes cbc : classes) {
            byte[] bytes = CellInstrumenter.instrument(cbc.bytecodes());
            boolean again = declared.put(cbc.name(), bytes) != null;
            addSessionClass(cbc.name(), bytes, again);
        }
        int i = 0;
        try {
            for (ClassBytecodes cbc : classes) {
                Class<?> klass = loadClass(cbc.name());
                loaded.put(cbc.name(), klass);
                klass.getDeclaredMethods(); // links now, so a bad class fails here and not in the middle of a cell
                carryOverVariables(cbc.name(), klass);
                installed[i++] = true;
            }
        } catch (Throwable e) {
            throw new ClassInstallException("cannot load " + classes[i].name() + ": " + e, installed);
        }
    }

    /**
     * JShell recompiles a variable's snippet when an import or declaration it depends on changes (a notebook's
     * {@code import ai.djl.*;} after {@code NDManager manager = ...}), and the recompiled wrapper starts with the
     * field's default value: the variable would be reset to null. Its value is carried over instead when it still
     * fits the field's type. A snippet that declares the variable anew runs its initializer after this, so an
     * explicit re-declaration still wins.
     */
    private void carryOverVariables(String name, Class<?> wrapper) {
        java.util.regex.Matcher m = WRAPPER.matcher(name);
        if (!m.matches()) return;
        Class<?> previous = newestWrapper.put(m.group(1), wrapper);
        if (previous == null || previous == wrapper) return;
        for (java.lang.reflect.Field field : wrapper.getDeclaredFields()) {
            int mods = field.getModifiers();
            if (!java.lang.reflect.Modifier.isStatic(mods) || java.lang.reflect.Modifier.isFinal(mods) || field.isSynthetic()) {
                continue;
            }
            try {
                java.lang.reflect.Field old = previous.getDeclaredField(field.getName());
                if (!java.lang.reflect.Modifier.isStatic(old.getModifiers())) continue;
                old.setAccessible(true);
                field.setAccessible(true);
                Object value = old.get(null);
                if (field.getType().isPrimitive() ? field.getType() == old.getType() : field.getType().isInstance(value)) {
                    field.set(null, value);
                    carriedOver.add(field.getName());
                } else if (value == null && !field.getType().isPrimitive()) {
                    carriedOver.add(field.getName()); // it was null: nothing is lost
                }
            } catch (NoSuchFieldException | IllegalAccessException | RuntimeException e) {
                // a different shape of snippet: nothing to carry over
            }
        }
    }

    /** The variables whose values were carried over to recompiled wrappers since the last call; clears the list. */
    Set<String> takeCarriedOver() {
        Set<String> names = Set.copyOf(carriedOver);
        carriedOver.removeAll(names);
        return names;
    }

    @Override
    public void classesRedefined(ClassBytecodes[] classes) {
        for (ClassBytecodes cbc : classes) {
            declared.put(cbc.name(), cbc.bytecodes());
            addSessionClass(cbc.name(), cbc.bytecodes(), true);
        }
    }

    @Override
    public void addToClasspath(String path) throws InternalException {
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isEmpty() || kernelClasspath.contains(entry)) continue; // already visible through the parent
            try {
                addURL(Path.of(entry).toUri().toURL());
            } catch (MalformedURLException | RuntimeException e) {
                throw new InternalException("bad class path entry " + entry + ": " + e.getMessage());
            }
        }
    }

    /**
     * The classes loaded so far into the session's package ({@code REPL}), by binary name, oldest first: what later
     * cells compile against. Only grows; a class loaded again (redefined) starts a new list.
     */
    java.util.List<Map.Entry<String, byte[]>> sessionClasses() {
        return sessionClasses;
    }

    private volatile java.util.List<Map.Entry<String, byte[]>> sessionClasses = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final String WHOLE_CELL_PREFIX = "REPL.$Cell$";

    /** Lists a loaded whole-cell class for later compiles: it holds variables they use. */
    void listSessionClass(String name) {
        byte[] bytes = declared.get(name);
        if (bytes != null) sessionClasses.add(Map.entry(name, bytes));
    }

    /**
     * A class compiled from a whole cell ({@code REPL.$Cell$N}) is run once and named by no later compile, unless it
     * holds variables ({@link #listSessionClass}): javac lists every class of the package in every compile, and a
     * long session's cells made that list, and each compile, grow.
     */
    private void addSessionClass(String name, byte[] bytes, boolean again) {
        if (!name.startsWith("REPL.") || name.indexOf('.', 5) >= 0 || name.startsWith(WHOLE_CELL_PREFIX)) return;
        if (again) {
            java.util.List<Map.Entry<String, byte[]>> fresh = new java.util.concurrent.CopyOnWriteArrayList<>();
            declared.forEach((n, b) -> {
                if (n.startsWith("REPL.") && n.indexOf('.', 5) < 0 && !n.startsWith(WHOLE_CELL_PREFIX)) {
                    fresh.add(Map.entry(n, b));
                }
            });
            sessionClasses = fresh;
        } else {
            sessionClasses.add(Map.entry(name, bytes));
        }
    }

    /** Cell classes' bytes too, for a compiler that compiles against them (the debugger's evaluate). */
    @Override
    public java.io.InputStream getResourceAsStream(String name) {
        if (name.endsWith(".class")) {
            byte[] bytes = declared.get(name.substring(0, name.length() - 6).replace('/', '.'));
            if (bytes != null) return new java.io.ByteArrayInputStream(bytes);
        }
        return super.getResourceAsStream(name);
    }

    @Override
    public Class<?> findClass(String name) throws ClassNotFoundException {
        Class<?> klass = loaded.get(name);
        if (klass != null) return klass;
        byte[] bytes = declared.get(name);
        if (bytes == null) return super.findClass(name);
        synchronized (getClassLoadingLock(name)) {
            Class<?> already = findLoadedClass(name);
            return already != null ? already : defineClass(name, bytes, 0, bytes.length);
        }
    }
}
