package io.djlkernel.api.display;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One displayable value in several representations, keyed by MIME type, as Jupyter's
 * {@code display_data} / {@code execute_result} messages carry it. Values are Strings for text types,
 * base64 Strings for binary types, and JSON-able objects (maps, lists, numbers) for {@code +json} types.
 */
public final class MimeBundle {
    public static final String TEXT_PLAIN = "text/plain";
    public static final String TEXT_HTML = "text/html";
    public static final String TEXT_MARKDOWN = "text/markdown";
    public static final String IMAGE_PNG = "image/png";
    public static final String IMAGE_JPEG = "image/jpeg";
    public static final String IMAGE_GIF = "image/gif";

    private final Map<String, Object> data = new LinkedHashMap<>();
    private final Map<String, Object> metadata = new LinkedHashMap<>();
    /** The MIME types the caller asked for; null when it wants every representation. */
    private final Set<String> wanted;

    public MimeBundle() {
        this.wanted = null;
    }

    private MimeBundle(Set<String> wanted) {
        this.wanted = wanted;
    }

    /**
     * An empty bundle for a renderer to fill, telling it that only these MIME types (and text/plain) will be
     * used: a renderer may check {@link #wants} to skip expensive work (encoding a PNG nobody will see).
     */
    public static MimeBundle requesting(String... mimeTypes) {
        Set<String> wanted = new LinkedHashSet<>(Arrays.asList(mimeTypes));
        wanted.add(TEXT_PLAIN);
        return new MimeBundle(Collections.unmodifiableSet(wanted));
    }

    /** Whether whoever asked for this bundle uses {@code mimeType}; true unless made by {@link #requesting}. */
    public boolean wants(String mimeType) {
        return wanted == null || wanted.contains(mimeType);
    }

    /** An empty bundle that wants the same MIME types as this one (for a renderer that adds to another's output). */
    public MimeBundle emptyLike() {
        return new MimeBundle(wanted);
    }

    /** The MIME types the caller asked for (text/plain included), or null when it wants every representation. */
    public Set<String> requestedTypes() {
        return wanted;
    }

    public static MimeBundle of(String mimeType, Object value) {
        return new MimeBundle().put(mimeType, value);
    }

    public static MimeBundle text(String text) {
        return of(TEXT_PLAIN, text);
    }

    public MimeBundle put(String mimeType, Object value) {
        data.put(mimeType, value);
        return this;
    }

    public MimeBundle putMetadata(String key, Object value) {
        metadata.put(key, value);
        return this;
    }

    public Map<String, Object> data() {
        return data;
    }

    public Map<String, Object> metadata() {
        return metadata;
    }

    public boolean isEmpty() {
        return data.isEmpty();
    }

    /** A copy of this bundle's data and metadata (the maps are copied, their values shared). */
    public MimeBundle copy() {
        MimeBundle copy = new MimeBundle();
        copy.data.putAll(data);
        copy.metadata.putAll(metadata);
        return copy;
    }

    /** This bundle restricted to the given MIME types, in the order given (text/plain kept as a fallback). */
    public MimeBundle only(String... mimeTypes) {
        MimeBundle kept = new MimeBundle();
        for (String mime : mimeTypes) {
            if (data.containsKey(mime)) kept.put(mime, data.get(mime));
        }
        if (kept.isEmpty() && data.containsKey(TEXT_PLAIN)) kept.put(TEXT_PLAIN, data.get(TEXT_PLAIN));
        kept.metadata.putAll(metadata);
        return kept;
    }

    @Override
    public String toString() {
        Object text = data.get(TEXT_PLAIN);
        return text != null ? text.toString() : "MimeBundle" + data.keySet();
    }
}
