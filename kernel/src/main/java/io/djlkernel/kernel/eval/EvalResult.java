package io.djlkernel.kernel.eval;

/** The outcome of a cell that ran to its end: the value of its last expression, if it ended in one. */
public record EvalResult(boolean hasValue, Object value) {
    public static final EvalResult NONE = new EvalResult(false, null);

    public static EvalResult of(Object value) {
        return new EvalResult(true, value);
    }
}
