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
                delayForTests();
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

    /** The interpreter was not ready when the request waiting for it was interrupted. */
    public static final class InterruptedWhileStartingException extends Exception {
        InterruptedWhileStartingException() {
            super("interrupted while the Java interpreter was starting", null, false, false);
        }
    }

    /**
     * Waits for the interpreter, or until {@code giveUp} completes (an interrupt aimed at the waiting request):
     * start-up goes on for the next request.
     */
    public Interpreter get(CompletableFuture<?> giveUp)
            throws UnavailableException, InterruptedException, InterruptedWhileStartingException {
        try {
            CompletableFuture.anyOf(interpreter, giveUp).get();
        } catch (ExecutionException e) {
            // reported by get() below
        }
        if (!interpreter.isDone()) throw new InterruptedWhileStartingException();
        return get();
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

    /**
     * Tests of interrupts during start-up set {@value #TEST_STARTUP_DELAY_PROPERTY} (ms) to widen that window on a
     * fast machine; nothing else should.
     */
    private static void delayForTests() {
        long delayMs = Long.getLong(TEST_STARTUP_DELAY_PROPERTY, 0);
        if (delayMs <= 0) return;
        LOG.info("delaying interpreter start-up by " + delayMs + " ms (" + TEST_STARTUP_DELAY_PROPERTY + ")");
        try {
            Thread.sleep(delayMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static final String TEST_STARTUP_DELAY_PROPERTY = "djl.kernel.test.startupDelayMs";

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
