package io.djlkernel.kernel.eval;

/**
 * Called from instrumented cell bytecode (see {@link CellInstrumenter}); public because snippet classes live in
 * another class loader. Keep every method tiny: stop checks run at each loop back-edge of user code.
 */
public final class CellRuntime {
    private static volatile boolean stopRequested;

    private CellRuntime() {
    }

    /** Inserted at method entries and loop back-edges of cell code. */
    public static void checkStop() {
        if (stopRequested) throw new CellInterruptedError();
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

    static void requestStop() {
        stopRequested = true;
    }

    static void clearStop() {
        stopRequested = false;
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
