package io.djlkernel.api.display;

/**
 * Turns a value of one type into the MIME representations a notebook shows. Registered per type with a
 * {@link RendererRegistry}; the most specific registered type wins.
 */
@FunctionalInterface
public interface Renderer<T> {
    /** Adds this value's representations to {@code out} (text/plain is added by the registry when missing). */
    void render(T value, MimeBundle out);
}
