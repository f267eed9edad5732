package io.djlkernel.kernel.session;

import io.djlkernel.api.Extension;
import io.djlkernel.api.KernelContext;
import io.djlkernel.api.KernelListener;
import io.djlkernel.api.comm.CommRegistry;
import io.djlkernel.api.display.RendererRegistry;
import io.djlkernel.api.magic.MagicContext;
import io.djlkernel.api.magic.MagicException;
import io.djlkernel.kernel.deps.DependencyMagics;
import io.djlkernel.kernel.eval.EvalException;
import io.djlkernel.kernel.eval.EvalResult;
import io.djlkernel.kernel.eval.Interpreter;
import io.djlkernel.kernel.magic.BuiltinMagics;
import io.djlkernel.kernel.magic.MagicDispatcher;
import io.djlkernel.kernel.magic.MagicRunner;
import io.djlkernel.kernel.magic.NotebookLoader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.ZipFile;

/**
 * The notebook's language: Java (through a wrapped {@link Interpreter}) plus magics, extensions and their
 * listeners. This is what the protocol layer talks to; extensions get its {@link #kernelContext()}.
 */
public final class NotebookInterpreter implements Interpreter {
    private static final Logger LOG = Logger.getLogger(NotebookInterpreter.class.getName());

    private final Interpreter java;
    private final RendererRegistry renderers;
    private final CommRegistry comms;
    private final MagicDispatcher magics;
    private final MagicRunner runner;
    private final DependencyMagics dependencies;
    private final List<KernelListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<String> loadedExtensions = new HashSet<>();
    private final Map<String, Supplier<Object>> usageFields = new ConcurrentHashMap<>();
    private final List<String> pendingNotices = new CopyOnWriteArrayList<>();
    private volatile Path workingDirectory = Path.of("").toAbsolutePath();
    private boolean started;

    public NotebookInterpreter(Interpreter java, RendererRegistry renderers, CommRegistry comms) {
        this.java = java;
        this.renderers = renderers;
        this.comms = comms;
        this.magics = new MagicDispatcher(this::magicContext);
        this.runner = new MagicRunner(magics, java);
        BuiltinMagics.registerAll(magics, this::variables,
                new NotebookLoader(this::workingDirectory, this::setWorkingDirectory));
        this.dependencies = DependencyMagics.registerAll(magics);
        loadExtensions(java.classLoader());
    }

    // --- Interpreter ---

    /** Start-up is done: tells the extensions (once), which may start background work now. */
    public void sessionReady() {
        if (started) return;
        started = true;
        // start-up was busy: a cell queued behind it starts now, before background work sees the kernel idle
        // (called from the first cell itself where the launcher did not call it: that cell is running)
        if (idleSinceNanos != Long.MAX_VALUE) idleSinceNanos = System.nanoTime();
        forEachListener(KernelListener::kernelStarted);
    }

    /**
     * When the session became ready or the last cell ended (System.nanoTime), or Long.MAX_VALUE while one runs,
     * magics included.
     */
    public long idleSinceNanos() {
        return idleSinceNanos;
    }

    private volatile long idleSinceNanos = System.nanoTime();

    @Override
    public EvalResult eval(String code) throws EvalException {
        idleSinceNanos = Long.MAX_VALUE;
        try {
            return evalCell(code);
        } finally {
            idleSinceNanos = System.nanoTime();
        }
    }

    private EvalResult evalCell(String code) throws EvalException {
        sessionReady();
        pendingNotices.forEach(System.err::println);
        pendingNotices.clear();
        forEachListener(l -> l.beforeCell(code));
        try {
            EvalResult result = runner.run(code);
            forEachListener(l -> l.afterCell(code, null));
            return result;
        } catch (EvalException e) {
            forEachListener(l -> l.afterCell(code, e));
            throw e;
        }
    }

    @Override
    public void interrupt() {
        forEachListener(KernelListener::interruptRequested);
        runner.interrupt();
    }

    @Override
    public void clearInterrupt() {
        runner.clearInterrupt();
    }

    @Override
    public Completion complete(String code, int cursor) {
        return runner.complete(code, cursor);
    }

    @Override
    public Inspection inspect(String code, int cursor, int detailLevel) {
        return runner.inspect(code, cursor, detailLevel);
    }

    @Override
    public Completeness isComplete(String code) {
        return runner.isComplete(code);
    }

    /**
     * @throws IllegalArgumentException for a file that is not a readable jar: javac would fail on it in every later
     *                                  cell, so it never reaches the class path
     */
    @Override
    public void addToClasspath(List<Path> paths) {
        for (Path path : paths) checkReadableJar(path);
        java.addToClasspath(paths);
        loadExtensions(java.classLoader());
    }

    @Override
    public ClassLoader classLoader() {
        return java.classLoader();
    }

    @Override
    public void addImports(List<String> importLines) throws EvalException {
        java.addImports(importLines);
    }

    @Override
    public List<Variable> variables() {
        return java.variables();
    }

    @Override
    public CompletableFuture<String> declareVariable(String name, List<String> types, Object value) {
        return java.declareVariable(name, types, value);
    }

    @Override
    public void observeSnippets(io.djlkernel.kernel.eval.SnippetObserver observer) {
        java.observeSnippets(observer);
    }

    @Override
    public void close() {
        forEachListener(l -> l.shuttingDown(false));
        dependencies.resolver().close();
        java.close();
    }

    @Override
    public Map<String, Object> usageFields() {
        Map<String, Object> fields = new LinkedHashMap<>(java.usageFields());
        usageFields.forEach((name, reading) -> {
            try {
                fields.put(name, reading.get());
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "usage field " + name + " failed", e);
            }
        });
        return fields;
    }

    /** Magic names with their percent signs, for completion. */
    public List<String> magicNames() {
        return magics.names();
    }

    /** What extensions see of this kernel. */
    public KernelContext kernelContext() {
        return context;
    }

    private final KernelContext context = new KernelContext() {
        @Override
        public MagicDispatcher magics() {
            return magics;
        }

        @Override
        public RendererRegistry renderers() {
            return renderers;
        }

        @Override
        public CommRegistry comms() {
            return comms;
        }

        @Override
        public void addListener(KernelListener listener) {
            listeners.add(listener);
        }

        @Override
        public void addToClasspath(List<Path> paths) {
            NotebookInterpreter.this.addToClasspath(paths);
        }

        @Override
        public void addUsageField(String field, Supplier<Object> reading) {
            usageFields.put(field, reading);
        }

        @Override
        public void addImports(List<String> importLines) throws EvalException {
            java.addImports(importLines);
        }

        @Override
        public long idleMillis() {
            long since = idleSinceNanos;
            return since == Long.MAX_VALUE ? 0 : (System.nanoTime() - since) / 1_000_000;
        }

        @Override
        public Object eval(String javaCode) throws Exception {
            EvalResult result = runner.run(javaCode);
            return result.hasValue() ? result.value() : null;
        }
    };

    // --- internals ---

    private static void checkReadableJar(Path path) {
        if (!Files.isRegularFile(path)) return; // class folders, and paths checked by whoever found them
        try (ZipFile jar = new ZipFile(path.toFile())) {
            jar.size();
        } catch (IOException e) {
            throw new IllegalArgumentException(path + " is not a readable jar (" + e.getMessage() + "): nothing was added");
        }
    }

    private MagicContext magicContext(boolean asExpression) {
        return new MagicContext() {
            @Override
            public Object eval(String javaCode) throws Exception {
                if (asExpression) {
                    throw new MagicException("this magic runs code, so it cannot be used inside an expression;"
                            + " put it on a line of its own");
                }
                // code a magic runs (%load) is a cell to the extensions too: DJL binds `manager` before it
                forEachListener(l -> l.beforeCell(javaCode));
                EvalResult result = NotebookInterpreter.this.runner.run(javaCode);
                return result.hasValue() ? result.value() : null;
            }

            @Override
            public void addToClasspath(List<Path> paths) {
                NotebookInterpreter.this.addToClasspath(paths);
            }

            @Override
            public Path workingDirectory() {
                return workingDirectory;
            }

            @Override
            public boolean isExpression() {
                return asExpression;
            }
        };
    }

    /** Where relative paths in magics resolve; {@code %load} of a notebook switches it while that notebook runs. */
    public Path workingDirectory() {
        return workingDirectory;
    }

    public void setWorkingDirectory(Path directory) {
        this.workingDirectory = directory.toAbsolutePath().normalize();
    }

    private void loadExtensions(ClassLoader loader) {
        List<String> failures = new ArrayList<>();
        try {
            for (ServiceLoader.Provider<Extension> provider : ServiceLoader.load(Extension.class, loader)
                    .stream().toList()) {
                String type = provider.type().getName();
                if (!loadedExtensions.add(type)) continue;
                try {
                    Extension extension = provider.get();
                    extension.register(context);
                    LOG.info("extension loaded: " + extension.name());
                } catch (Throwable e) {
                    LOG.log(Level.WARNING, "extension failed: " + type, e);
                    failures.add("Warning: extension " + type + " failed to load and is skipped: " + e);
                }
            }
        } catch (Throwable e) {
            LOG.log(Level.WARNING, "extension discovery failed", e);
            failures.add("Warning: extensions could not be listed: " + e);
        }
        pendingNotices.addAll(failures);
    }

    private void forEachListener(Consumer<KernelListener> call) {
        for (KernelListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "listener failed", e);
            }
        }
    }
}
