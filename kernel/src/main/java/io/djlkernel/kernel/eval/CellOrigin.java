package io.djlkernel.kernel.eval;

/**
 * The source of the notebook cell whose code the current thread is evaluating, as the front end sent it. The
 * interpreter sees only the cell's Java parts (magic lines taken out, line numbers kept); a debugger needs the
 * whole cell, because JupyterLab names a cell's breakpoints after a hash of exactly that text.
 */
public final class CellOrigin {
    private static final ThreadLocal<Cell> CURRENT = new ThreadLocal<>();

    private CellOrigin() {
    }

    /** A cell's text and what to call it (e.g. "In [4]"). */
    record Cell(String code, String label) {
    }

    /** Runs {@code body} as the evaluation of the cell {@code code}, called {@code label}. */
    public static <T, E extends Exception> T evaluating(String code, String label, ThrowingSupplier<T, E> body) throws E {
        Cell outer = CURRENT.get();
        CURRENT.set(new Cell(code, label));
        try {
            return body.get();
        } finally {
            if (outer == null) CURRENT.remove();
            else CURRENT.set(outer);
        }
    }

    /** The cell being evaluated on this thread, or null (start-up code, user_expressions). */
    static Cell current() {
        return CURRENT.get();
    }

    @FunctionalInterface
    public interface ThrowingSupplier<T, E extends Exception> {
        T get() throws E;
    }
}
