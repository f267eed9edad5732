package io.djlkernel.kernel.eval;

import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs cell code in the kernel's own JVM, each snippet on a fresh thread so that an interrupt can stop it without
 * touching the thread that drives JShell. Keeps the real value and the real exception of the last snippet, which
 * JShell itself only reports as strings.
 */
final class CellExecutionControl extends DirectExecutionControl {
    private static final Logger LOG = Logger.getLogger(CellExecutionControl.class.getName());
    private static final long CELL_THREAD_STACK_BYTES = 64L * 1024 * 1024; // deep user recursion before StackOverflowError
    private static final long FORCE_STOP_AFTER_MS = 300;
    private static final boolean THREAD_STOP_WORKS = Runtime.version().feature() < 20;

    private final SnippetClassLoader loader;
    private final AtomicReference<Thread> running = new AtomicReference<>();
    /** Orders a stop request against the start of a snippet's thread, so that neither misses the other. */
    private final Object stopLock = new Object();
    private volatile Object lastValue;
    private volatile Throwable lastFailure;
    /** Told the class of the next snippet before its thread starts (a debugger sets its breakpoints there). */
    private volatile java.util.function.Consumer<String> beforeNextRun;

    CellExecutionControl(SnippetClassLoader loader) {
        super(loader);
        this.loader = loader;
    }

    SnippetClassLoader loader() {
        return loader;
    }

    /** The value the last invoked snippet returned (JShell only keeps its string). */
    Object lastValue() {
        return lastValue;
    }

    /** The throwable the last invoked snippet threw, or null. */
    Throwable lastFailure() {
        return lastFailure;
    }

    void beforeNextRun(java.util.function.Consumer<String> hook) {
        beforeNextRun = hook;
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        lastValue = null;
        lastFailure = null;
        java.util.function.Consumer<String> hook = beforeNextRun;
        if (hook != null) {
            beforeNextRun = null;
            hook.accept(doitMethod.getDeclaringClass().getName());
        }
        AtomicReference<Object> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread cell = new Thread(groupForNextRun(), () -> {
            try {
                result.set(doitMethod.invoke(null));
            } catch (InvocationTargetException e) {
                failure.set(e.getCause());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "cell", CELL_THREAD_STACK_BYTES);
        cell.setContextClassLoader(loader);
        synchronized (stopLock) {
            // a stop that came while this snippet compiled or its class loaded names no thread group to check
            if (CellRuntime.isStopRequested()) {
                lastFailure = new CellRuntime.CellInterruptedError();
                throw new InvocationTargetException(lastFailure);
            }
            running.set(cell);
            cell.start();
        }
        try {
            cell.join();
        } finally {
            running.set(null);
        }
        if (failure.get() != null) {
            lastFailure = failure.get();
            throw new InvocationTargetException(failure.get());
        }
        lastValue = result.get();
        // JShell shows this string nowhere we use; a real toString() of a huge value could take seconds.
        return "";
    }

    @Override
    protected String throwConvertedInvocationException(Throwable cause) throws RunException, InternalException {
        lastFailure = cause;
        return super.throwConvertedInvocationException(cause);
    }

    /** What a variable holds (null included). */
    record VariableValue(Object value) {
    }

    /** Set while {@link #readVariable} asks JShell for a variable: varValue then keeps the object itself. */
    private boolean capturing;
    private Object captured;
    private boolean wasCaptured;

    /**
     * The object a variable holds now, or empty when it cannot be read. JShell finds the variable's current wrapper
     * class and calls {@link #varValue}; called on the thread that drives JShell.
     */
    java.util.Optional<VariableValue> readVariable(Runnable askJShell) {
        capturing = true;
        wasCaptured = false;
        captured = null;
        try {
            askJShell.run();
            return wasCaptured ? java.util.Optional.of(new VariableValue(captured)) : java.util.Optional.empty();
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        } finally {
            capturing = false;
            captured = null;
        }
    }

    @Override
    public String varValue(String className, String varName) throws RunException, EngineTerminationException,
            InternalException {
        try {
            var field = findClass(className).getDeclaredField(varName);
            field.setAccessible(true);
            if (capturing) {
                captured = field.get(null);
                wasCaptured = true;
                return "";
            }
            return ValuePreview.of(field.get(null));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return "?";
        }
    }

    /**
     * The thread group of the next snippet run, so that a stop reaches that run's threads only (see
     * {@link CellRuntime}): a fresh group when threads of the last one still live (a pool, a server, a loop the
     * user left running), else the last one again. Groups are never daemon groups: on Java 17 an empty daemon
     * group is destroyed, and a thread factory made in an earlier cell could then no longer start threads.
     */
    private ThreadGroup groupForNextRun() {
        if (cellGroup == null || cellGroup.activeCount() > 0) cellGroup = new ThreadGroup("cell-" + (++cellGroups));
        CellRuntime.runsAgain(cellGroup);
        return cellGroup;
    }

    private ThreadGroup cellGroup;
    private long cellGroups;

    /** Stops the running snippet: stop checks and Thread.interrupt first, Thread.stop where it still exists. */
    void requestStop() {
        Thread cell;
        synchronized (stopLock) {
            cell = running.get();
            CellRuntime.requestStop(cell == null ? null : cell.getThreadGroup());
        }
        if (cell == null) return;
        cell.interrupt();
        if (!THREAD_STOP_WORKS) return;
        Thread enforcer = new Thread(() -> {
            try {
                cell.join(FORCE_STOP_AFTER_MS);
                if (cell.isAlive()) forceStop(cell);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "cell-stop");
        enforcer.setDaemon(true);
        enforcer.start();
    }

    @SuppressWarnings({"deprecation", "removal"})
    private static void forceStop(Thread cell) {
        try {
            cell.stop(); // reaches code without stop checks (library loops), on Java 17-19
        } catch (UnsupportedOperationException e) {
            LOG.log(Level.FINE, "Thread.stop is unsupported here", e);
        }
    }

    @Override
    public void stop() {
        requestStop();
    }

    /** Hands JShell our execution control and keeps a reference for the interpreter. */
    static final class Provider implements ExecutionControlProvider {
        private final SnippetClassLoader loader;
        private volatile CellExecutionControl created;

        Provider(SnippetClassLoader loader) {
            this.loader = loader;
        }

        @Override
        public String name() {
            return "djl-kernel-cells";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            created = new CellExecutionControl(loader);
            return created;
        }

        CellExecutionControl created() {
            return created;
        }
    }
}
