package io.djlkernel.api.magic;

/** {@code %%name args} on a cell's first line: the rest of the cell is the body. */
@FunctionalInterface
public interface CellMagic {
    /** @return the magic's value (shown as the cell's result), or null */
    Object run(String args, String body, MagicContext context) throws Exception;
}
