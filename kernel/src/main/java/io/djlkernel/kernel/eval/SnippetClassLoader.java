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

    SnippetClassLoader(ClassLoader parent) {
        super("cells", new URL[0], parent);
        this.kernelClasspath = Set.of(System.getProperty("java.class.path", "").split(File.pathSeparator));
    }

    @Override
    public void load(ClassBytecodes[] classes) throws ClassInstallException {
        boolean[] installed = new boolean[classes.length];
        for (ClassBytecodes cbc : classes) {
            declared.put(cbc.name(), CellInstrumenter.instrument(cbc.bytecodes()));
        }
        int i = 0;
        try {
            for (ClassBytecodes cbc : classes) {
                Class<?> klass = loadClass(cbc.name());
                loaded.put(cbc.name(), klass);
                klass.getDeclaredMethods(); // links now, so a bad class fails here and not in the middle of a cell
                installed[i++] = true;
            }
        } catch (Throwable e) {
            throw new ClassInstallException("cannot load " + classes[i].name() + ": " + e, installed);
        }
    }

    @Override
    public void classesRedefined(ClassBytecodes[] classes) {
        for (ClassBytecodes cbc : classes) declared.put(cbc.name(), cbc.bytecodes());
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
