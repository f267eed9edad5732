package io.djlkernel.kernel.eval;

/**
 * Told where the classes JShell compiles for cells come from (a debugger maps their lines back to the cells).
 * Called on the thread that evaluates the cell; nothing is computed for it while no observer is set.
 */
public interface SnippetObserver {
    /** The class of a snippet of a cell is about to run its code (on a thread not started yet). */
    void aboutToRun(SnippetLines lines);

    /** Classes of a cell's declarations (methods, classes, variables) were compiled, now or again. */
    void compiled(SnippetLines lines);

    /** The code being evaluated (a cell's) has ended: its last snippet ran, or it stopped at an error. */
    default void cellEnded() {
    }
}
