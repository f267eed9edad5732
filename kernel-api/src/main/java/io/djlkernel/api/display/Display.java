package io.djlkernel.api.display;

import java.util.Objects;
import java.util.UUID;

/**
 * The display functions every cell has without imports (static imports of each function
 * is part of the kernel's start-up). The kernel binds a publisher and a renderer registry at start.
 */
public final class Display {
    private static volatile DisplayPublisher publisher;
    private static volatile RendererRegistry renderers;

    private Display() {
    }

    /** Called once by the kernel (and by tests) to connect these functions to a session. */
    public static void bind(DisplayPublisher displayPublisher, RendererRegistry rendererRegistry) {
        publisher = Objects.requireNonNull(displayPublisher);
        renderers = Objects.requireNonNull(rendererRegistry);
    }

    /** Shows {@code value} with every representation its renderer gives; returns an id for {@link #updateDisplay}. */
    public static String display(Object value) {
        String id = newDisplayId();
        publisher().display(bundleOf(value), id);
        return id;
    }

    /**
     * Shows only the given MIME types of {@code value} (text/plain if none of them is available). A
     * {@link CharSequence} is shown <em>as</em> those types: {@code display("<b>bold</b>", "text/html")},
     * {@code display("alert('hi')", "application/javascript")}, as in IJava.
     */
    public static String display(Object value, String... mimeTypes) {
        String id = newDisplayId();
        publisher().display(renderers().render(value, mimeTypes), id);
        return id;
    }

    /**
     * Shows {@code value} under a display id of the caller's choosing (e.g. one kept from an earlier cell), so
     * that {@link #updateDisplay} can replace it; returns that id.
     */
    public static String displayWithId(String displayId, Object value, String... mimeTypes) {
        if (displayId == null || displayId.isEmpty()) throw new IllegalArgumentException("displayWithId needs an id");
        publisher().display(renderers().render(value, mimeTypes), displayId);
        return displayId;
    }

    /** Replaces what an earlier {@link #display} call showed; {@code displayId} is the id it returned. */
    public static void updateDisplay(String displayId, Object value) {
        if (displayId == null || displayId.isEmpty()) {
            throw new IllegalArgumentException("updateDisplay needs the id that display(...) returned");
        }
        publisher().update(bundleOf(value), displayId);
    }

    /** As {@link #updateDisplay(String, Object)}, showing only the given MIME types (as {@link #display(Object, String...)}). */
    public static void updateDisplay(String displayId, Object value, String... mimeTypes) {
        if (displayId == null || displayId.isEmpty()) {
            throw new IllegalArgumentException("updateDisplay needs the id that display(...) returned");
        }
        publisher().update(renderers().render(value, mimeTypes), displayId);
    }

    /**
     * Shows values of {@code type} (and its subtypes, unless a more specific type has its own renderer) the way
     * {@code renderer} says, as displays and as cells' last expressions. For example:
     * {@code registerRenderer(Point.class, (p, out) -> out.put("text/html", "<b>" + p.x + "</b>"))}.
     */
    public static <T> void registerRenderer(Class<T> type, Renderer<? super T> renderer) {
        renderers().register(type, renderer);
    }

    /** Clears the cell's output; with {@code wait}, only when the next output arrives (no flicker). */
    public static void clearOutput(boolean wait) {
        publisher().clearOutput(wait);
    }

    public static void clearOutput() {
        clearOutput(false);
    }

    /** HTML shown as HTML, whether displayed or left as a cell's last expression. */
    public static MimeBundle html(String html) {
        return MimeBundle.of(MimeBundle.TEXT_HTML, html).put(MimeBundle.TEXT_PLAIN, "<HTML>");
    }

    /** Markdown rendered by the front end. */
    public static MimeBundle markdown(String markdown) {
        return MimeBundle.of(MimeBundle.TEXT_MARKDOWN, markdown).put(MimeBundle.TEXT_PLAIN, markdown);
    }

    /** An image: a {@link java.awt.image.BufferedImage} (or any RenderedImage) becomes PNG. */
    public static MimeBundle image(java.awt.image.RenderedImage image) {
        return Images.toBundle(image);
    }

    /** Encoded image bytes (e.g. a file's content), recognised as PNG, JPEG or GIF by their first bytes. */
    public static MimeBundle image(byte[] encoded) {
        return Images.toBundle(encoded);
    }

    private static MimeBundle bundleOf(Object value) {
        return renderers().render(value);
    }

    private static String newDisplayId() {
        return UUID.randomUUID().toString();
    }

    private static DisplayPublisher publisher() {
        DisplayPublisher p = publisher;
        if (p == null) throw new IllegalStateException("display is only available inside the kernel");
        return p;
    }

    private static RendererRegistry renderers() {
        RendererRegistry r = renderers;
        if (r == null) throw new IllegalStateException("display is only available inside the kernel");
        return r;
    }
}
