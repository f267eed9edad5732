package io.djlkernel.kernel.eval;

/**
 * Help to show in the front end's pager rather than in the cell, as IPython's {@code name?} does: the protocol
 * layer turns a cell value of this type into an execute_reply "page" payload.
 */
public record PagedHelp(String text) {
}
