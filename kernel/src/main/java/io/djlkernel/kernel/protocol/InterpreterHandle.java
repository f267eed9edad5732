package io.djlkernel.kernel.protocol;

import io.djlkernel.kernel.eval.Interpreter;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The interpreter, created on a background thread so the kernel answers kernel_info while JShell starts.
 * Requests that need it wait; a creation failure is reported to each of them instead of hanging.
 */
public final class InterpreterHandle {
    private static final Logger LOG = Logger.getLogger(InterpreterHandle.class.getName());

    /** The interpreter could not be created. */
    public static final class UnavailableException extends Exception {
        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Supplier<Interpreter> factory;
    private final CompletableFuture<Interpreter> interpreter = new CompletableFuture<>();

    public InterpreterHandle(Supplier<Interpreter> factory) {
        this.factory = factory;
    }

    public void startCreating() {
        Thread creator = new Thread(() -> {
            long started = System.nanoTime();
            try {
                interpreter.complete(factory.get());
                LOG.info(() -> "interpreter ready in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, "interpreter failed to start", e);
                interpreter.completeExceptionally(e);
            }
        }, "djl-kernel-interpreter-start");
        creator.setDaemon(true);
        creator.start();
    }

    /** Waits for the interpreter. */
    public Interpreter get() throws UnavailableException, InterruptedException {
        try {
            return interpreter.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new UnavailableException("the Java interpreter failed to start: " + cause, cause);
        }
    }

    /** The interpreter if it is ready now (for interrupts, which must never wait). */
    public Optional<Interpreter> ifReady() {
        return Optional.ofNullable(interpreter.getNow(null));
    }

    /** Closes the interpreter if it was created (or when it is, if creation is still running). */
    public void close() {
        interpreter.thenAccept(i -> {
            try {
                i.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "closing the interpreter failed", e);
            }
        });
    }
}
