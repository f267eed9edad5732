package io.djlkernel.kernel.eval;

import java.util.List;

/**
 * A cell that did not run to its end, in the terms of Jupyter's error message: {@code ename} (e.g.
 * "CompilationException", "java.lang.IllegalStateException", "Interrupted", "SystemExit"), {@code evalue}
 * (one line), and {@code traceback} (lines, ANSI colours allowed, no JShell-internal frames).
 */
public class EvalException extends Exception {
    private final String ename;
    private final String evalue;
    private final List<String> traceback;

    public EvalException(String ename, String evalue, List<String> traceback, Throwable cause) {
        super(ename + ": " + evalue, cause);
        this.ename = ename;
        this.evalue = evalue;
        this.traceback = List.copyOf(traceback);
    }

    public String ename() {
        return ename;
    }

    public String evalue() {
        return evalue;
    }

    public List<String> traceback() {
        return traceback;
    }
}
