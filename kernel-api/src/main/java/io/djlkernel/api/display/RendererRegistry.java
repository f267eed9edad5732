package io.djlkernel.api.display;

/** Renderers keyed by type. The kernel owns one; extensions add to it. */
public interface RendererRegistry {
    <T> void register(Class<T> type, Renderer<? super T> renderer);

    /**
     * Adds MIME types beside those of whatever renderer handles values whose class, a superclass or an interface is
     * named {@code typeName} (a user's renderer, an IJava-style registration, or none). A supplement fills a fresh
     * bundle that wants what the caller wants; its types join the main renderer's only where the main one gave none
     * of that type, so a user's own representations always win. Keyed by name because the type usually lives in a
     * jar a cell adds later ({@code %maven}), in a class loader the extension cannot see at start. A supplement
     * that throws costs only its own types (the failure is noted in text/plain). Several supplements for one name
     * run in registration order.
     */
    default void registerSupplement(String typeName, Renderer<Object> supplement) {
        registerSupplement(typeName, java.util.Set.of(), supplement);
    }

    /**
     * A supplement that also answers requests for only some types: when a caller asks for any of {@code standsInFor}
     * (e.g. {@code render(figure, "text/html")}, as d2l-java's notebooks do), the supplement runs as for a full
     * render and all its types are kept beside the requested ones, for front ends that rank them higher (a plotly
     * chart instead of HTML that needs a CDN). Requests for other types only are left as they are.
     */
    default void registerSupplement(String typeName, java.util.Set<String> standsInFor, Renderer<Object> supplement) {
        throw new UnsupportedOperationException(getClass().getName() + " does not take supplementary renderers");
    }

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
