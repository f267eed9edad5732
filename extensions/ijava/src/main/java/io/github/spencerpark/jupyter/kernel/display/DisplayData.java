package io.github.spencerpark.jupyter.kernel.display;

import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one display shows: representations keyed by MIME type, their metadata, and an optional display id (so a
 * later {@code updateDisplay} can replace it). IJava's class of this name; this kernel shows it like any value:
 * {@code display(data)} or a cell's last expression.
 */
public class DisplayData {
    public static final String DISPLAY_ID_KEY = "display_id";
    public static final DisplayData EMPTY = new DisplayData(Collections.emptyMap());
    public static final DisplayData EMPTY_STRING = new DisplayData("");

    public static DisplayData emptyIfNull(DisplayData bundle) {
        return bundle == null ? EMPTY : bundle;
    }

    private final Map<String, Object> data;
    private final Map<String, Object> metadata;
    private final Map<String, Object> transientData;

    private DisplayData(Map<String, Object> data) {
        this.data = data;
        this.metadata = Collections.emptyMap();
        this.transientData = Collections.emptyMap();
    }

    public DisplayData(DisplayData that) {
        this();
        assign(that);
    }

    public DisplayData(String textData) {
        this();
        putText(textData);
    }

    public DisplayData() {
        this.data = new LinkedHashMap<>();
        this.metadata = new LinkedHashMap<>();
        this.transientData = new LinkedHashMap<>();
    }

    public void putData(String mimeType, Object data) {
        this.data.put(MIMEType.parse(mimeType).toString(), data);
    }

    public void putData(MIMEType type, Object data) {
        this.data.put(type.toString(), data);
    }

    public void putData(MIMEType type, Object data, Object metadata) {
        putData(type, data);
        putMetaData(type, metadata);
    }

    public void putMetaData(String key, Object value) {
        this.metadata.put(key, value);
    }

    public void putMetaData(MIMEType type, Object data) {
        this.metadata.put(type.toString(), data);
    }

    public void putTransientData(String key, Object value) {
        this.transientData.put(key, value);
    }

    public Object getData(MIMEType type) {
        return data.get(type.toString());
    }

    public boolean hasDataForType(MIMEType type) {
        return data.containsKey(type.toString());
    }

    /** Copies {@code data}'s representations, metadata and display id into this one. */
    public void assign(DisplayData data) {
        this.data.putAll(data.data);
        this.metadata.putAll(data.metadata);
        this.transientData.putAll(data.transientData);
    }

    public void setDisplayId(String id) {
        putTransientData(DISPLAY_ID_KEY, id);
    }

    public boolean hasDisplayId() {
        return transientData.containsKey(DISPLAY_ID_KEY);
    }

    public String getDisplayId() {
        Object id = transientData.get(DISPLAY_ID_KEY);
        return id == null ? null : id.toString();
    }

    public void putText(String text) {
        putData(MIMEType.TEXT_PLAIN, text);
    }

    public void putHTML(String html) {
        putData(MIMEType.TEXT_HTML, html);
    }

    public void putLatex(String latex) {
        putData(MIMEType.TEXT_LATEX, latex);
    }

    /** Math as LaTeX display math, {@code $$...$$}. */
    public void putMath(String math) {
        putLatex("$$" + math + "$$");
    }

    public void putMarkdown(String markdown) {
        putData(MIMEType.TEXT_MARKDOWN, markdown);
    }

    public void putJavaScript(String javascript) {
        putData(MIMEType.APPLICATION_JAVASCRIPT, javascript);
    }

    /** JSON text, sent as JSON (the front end shows a tree). @throws IllegalArgumentException for text that is not JSON */
    public void putJSON(String json) {
        try {
            putData(MIMEType.APPLICATION_JSON, JsonParser.parseString(json));
        } catch (JsonSyntaxException e) {
            throw new IllegalArgumentException("putJSON needs JSON text: " + e.getMessage(), e);
        }
    }

    /** As {@link #putJSON(String)}; {@code expanded} opens the whole tree in the front end. */
    public void putJSON(String json, boolean expanded) {
        putJSON(json);
        if (expanded) putMetaData(MIMEType.APPLICATION_JSON, Map.of("expanded", true));
    }

    public void putSVG(String svg) {
        putData(MIMEType.IMAGE_SVG, svg);
    }

    /** The representations, keyed by MIME type (live view). */
    public Map<String, Object> getData() {
        return data;
    }

    /** The metadata (live view). */
    public Map<String, Object> getMetadata() {
        return metadata;
    }

    @Override
    public String toString() {
        Object text = data.get(MIMEType.TEXT_PLAIN.toString());
        return text != null ? text.toString() : "DisplayData" + data.keySet();
    }
}
