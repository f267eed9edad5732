package io.djlkernel.api.display;

/** Renderers keyed by type. The kernel owns one; extensions add to it. */
public interface RendererRegistry {
    <T> void register(Class<T> type, Renderer<? super T> renderer);

    /**
     * The representations of {@code value}: from the renderer of its most specific registered class or
     * interface, always with a bounded text/plain (huge strings and collections are truncated, never walked whole).
     */
    MimeBundle render(Object value);

    /**
     * Only the given MIME types of {@code value} (text/plain when none of them is available). Renderers are
     * told through {@link MimeBundle#wants} which types are used, so they can skip the others.
     */
    default MimeBundle render(Object value, String... mimeTypes) {
        MimeBundle all = render(value);
        return mimeTypes.length == 0 ? all : all.only(mimeTypes);
    }
}
