package io.djlkernel.api.display;

/** Renderers keyed by type. The kernel owns one; extensions add to it. */
public interface RendererRegistry {
    <T> void register(Class<T> type, Renderer<? super T> renderer);

    /**
     * The representations of {@code value}: from the renderer of its most specific registered class or
     * interface, always with a bounded text/plain (huge strings and collections are truncated, never walked whole).
     */
    MimeBundle render(Object value);
}
