package io.djlkernel.kernel.eval;

/**
 * Called from instrumented cell bytecode (see {@link CellInstrumenter}); public because snippet classes live in
 * another class loader. Keep every method tiny: stop checks run at each loop back-edge of user code.
 */
public final class CellRuntime {
    private static volatile boolean stopRequested;
    /**
     * The thread group of the cell being stopped: its own thread and the threads it started (they inherit the
     * group). Code of earlier cells running elsewhere — a model served by an endpoint, a background thread a
     * previous cell left running — is not part of this cell and keeps running, as in ipykernel.
     */
    private static volatile ThreadGroup stopping;
    /**
     * The group of the last stopped cell while threads it started still run: the request ends (and its stop is
     * cleared for the next cell) before each of them has reached a check, and they must still stop.
     */
    private static volatile ThreadGroup stoppedEarlier;
    /** stopRequested || stoppedEarlier != null: the one volatile read a loop back-edge pays when nothing is stopped. */
    private static volatile boolean anyStop;

    private CellRuntime() {
    }

    /** Inserted at method entries and loop back-edges of cell code. */
    public static void checkStop() {
        if (!anyStop) return;
        if (stopRequested && inStoppingCell()) throw new CellInterruptedError();
        ThreadGroup earlier = stoppedEarlier;
        if (earlier != null && earlier.parentOf(Thread.currentThread().getThreadGroup())) throw new CellInterruptedError();
    }

    private static boolean inStoppingCell() {
        ThreadGroup target = stopping;
        return target != null && target.parentOf(Thread.currentThread().getThreadGroup());
    }

    /** Replaces {@code System.exit(status)} in cell code: ends the cell, not the kernel. */
    public static void exit(int status) {
        throw new CellExitError(status);
    }

    /** Replaces {@code Runtime.exit(status)} in cell code. */
    public static void runtimeExit(Runtime runtime, int status) {
        throw new CellExitError(status);
    }

    /** Replaces {@code Runtime.halt(status)} in cell code. */
    public static void runtimeHalt(Runtime runtime, int status) {
        throw new CellExitError(status);
    }

    static synchronized void requestStop(ThreadGroup cell) {
        stopping = cell;
        stopRequested = true;
        anyStop = true;
    }

    static synchronized void clearStop() {
        ThreadGroup stopped = stopping;
        if (stopRequested && stopped != null && stopped.activeCount() > 0) stoppedEarlier = stopped;
        stopRequested = false;
        stopping = null;
        anyStop = stoppedEarlier != null;
    }

    /** A group is about to run a new cell (it is empty again): an earlier stop no longer concerns it. */
    static synchronized void runsAgain(ThreadGroup group) {
        if (stoppedEarlier == group) {
            stoppedEarlier = null;
            anyStop = stopRequested;
        }
    }

    static boolean isStopRequested() {
        return stopRequested;
    }

    /** An Error, not an Exception, so that a cell's {@code catch (Exception e)} does not swallow the interrupt. */
    public static final class CellInterruptedError extends Error {
        CellInterruptedError() {
            super("cell interrupted", null, false, false);
        }
    }

    /** Thrown instead of exiting the JVM. */
    public static final class CellExitError extends Error {
        private final int status;

        CellExitError(int status) {
            super("System.exit(" + status + ")", null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
