package io.djlkernel.kernel.eval;

import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Splits a cell into the snippets JShell evaluates one at a time ({@code eval("a; b")} would run only {@code a}),
 * remembering where each starts in the cell so errors can point at the user's own lines.
 */
final class CellSplitter {
    private CellSplitter() {
    }

    /** One snippet: its source as JShell wants it (a missing final semicolon added) and its offset in the cell. */
    record Piece(String source, int offset, Completeness completeness) {
        boolean isComplete() {
            return completeness.isComplete();
        }
    }

    static List<Piece> split(SourceCodeAnalysis analysis, String cell) {
        return split(analysis, cell, () -> false);
    }

    /** Stops early (with the pieces found so far) once {@code stop} says so: a long cell takes seconds to split. */
    static List<Piece> split(SourceCodeAnalysis analysis, String cell, BooleanSupplier stop) {
        List<Piece> pieces = new ArrayList<>();
        String remaining = cell;
        int consumed = 0;
        while (!remaining.isBlank() && !stop.getAsBoolean()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            Completeness completeness = info.completeness();
            int start = consumed; // JShell's snippet source keeps the leading whitespace: positions stay aligned
            if (completeness == Completeness.EMPTY) break;
            if (!completeness.isComplete() || info.source() == null) {
                // Incomplete or unparsable: hand JShell the rest as it is, so its diagnostics point at it.
                pieces.add(new Piece(remaining, start, completeness));
                break;
            }
            pieces.add(new Piece(info.source(), start, completeness));
            String rest = info.remaining();
            consumed += remaining.length() - rest.length();
            remaining = rest;
        }
        return pieces;
    }
}
