package io.djlkernel.kernel.eval;

import java.nio.file.Path;
import java.util.List;

/**
 * Evaluates Java code for the kernel. It knows nothing of Jupyter messages: the protocol layer calls it,
 * and tests drive it directly. Cell output goes to System.out/err, which the kernel routes.
 */
public interface Interpreter extends AutoCloseable {

    /**
     * Runs a cell: its snippets in order, stopping at the first error.
     *
     * @return the value of the cell's last expression, or {@link EvalResult#NONE} when it ends in a statement
     *         or declaration
     * @throws EvalException for a compile error, an exception thrown by the code, an interrupt or System.exit
     */
    EvalResult eval(String code) throws EvalException;

    /**
     * Stops the running cell (from another thread); returns at once. An interrupt that comes while no cell runs
     * stops the next one to start, until {@link #clearInterrupt()}: the caller knows which request it was aimed at.
     */
    void interrupt();

    /** Forgets an interrupt whose request has ended, so that it cannot stop a later cell nobody asked to stop. */
    default void clearInterrupt() {
    }

    /** Completions at {@code cursor}; never null. */
    Completion complete(String code, int cursor);

    /** Signature and documentation of what is at {@code cursor} (end of code included), or null if nothing. */
    Inspection inspect(String code, int cursor, int detailLevel);

    /** Whether {@code code} is ready to run, as is_complete_request asks. */
    Completeness isComplete(String code);

    /**
     * Imports every cell has from now on (single import declarations, e.g. {@code import java.util.*;}). An
     * interpreter may make each one only when a cell first names something it brings; this one runs them now.
     *
     * @throws EvalException when one does not compile
     */
    default void addImports(List<String> importLines) throws EvalException {
        for (String line : importLines) eval(line);
    }

    /** Adds jars or class folders to the class path that cells see. */
    void addToClasspath(List<Path> paths);

    /** The class loader cells run in: extensions found in jars cells add are loaded through it. */
    default ClassLoader classLoader() {
        return Interpreter.class.getClassLoader();
    }

    /** Fields extensions add to the kernel's usage_reply (e.g. "gpus"); read on each usage_request. */
    default java.util.Map<String, Object> usageFields() {
        return java.util.Map.of();
    }

    /** Sets (null: removes) what is told where the classes compiled for cells come from (the debugger). */
    default void observeSnippets(SnippetObserver observer) {
    }

    /**
     * Makes {@code value} the session variable {@code name} (the debugger's copyToGlobals): an active variable of
     * that name whose type takes it is assigned, else it is declared with the first of {@code types} (Java source
     * types) that compiles, then the value's nearest public class, then Object. A running cell (paused in the
     * debugger) holds the interpreter, so this happens when its code ends; with none running, before the next cell.
     *
     * @return completes with the variable's type once it is declared
     */
    default java.util.concurrent.CompletableFuture<String> declareVariable(String name, List<String> types, Object value) {
        return java.util.concurrent.CompletableFuture.failedFuture(
                new UnsupportedOperationException("this interpreter cannot declare variables for the debugger"));
    }

    /** The session's variables, in declaration order. */
    List<Variable> variables();

    @Override
    void close();

    record Completion(List<String> matches, int cursorStart, int cursorEnd) {
    }

    /** What inspect_reply shows: a signature line and the documentation (either may be empty). */
    record Inspection(String signature, String documentation) {
    }

    /** {@code status} is one of complete, incomplete, invalid, unknown; indent is used when incomplete. */
    record Completeness(String status, String indent) {
        public static Completeness complete() {
            return new Completeness("complete", "");
        }

        public static Completeness invalid() {
            return new Completeness("invalid", "");
        }

        public static Completeness incomplete(String indent) {
            return new Completeness("incomplete", indent);
        }
    }

    record Variable(String name, String type, String valuePreview) {
    }
}
