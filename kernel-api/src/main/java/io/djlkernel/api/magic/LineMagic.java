package io.djlkernel.api.magic;

/** {@code %name args}: a statement of its own, or an expression ({@code var jars = %jars lib/*.jar}). */
@FunctionalInterface
public interface LineMagic {
    /** @return the magic's value (shown when the magic ends a cell), or null */
    Object run(String args, MagicContext context) throws Exception;
}
