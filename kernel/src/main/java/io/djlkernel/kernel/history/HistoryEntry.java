package io.djlkernel.kernel.history;

/** One stored cell: session number, line (its execution count), input, and its text output (null if none). */
public record HistoryEntry(int session, int line, String input, String output) {
}
