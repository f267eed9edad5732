package io.github.spencerpark.jupyter.kernel.display;

import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;

import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/** What a {@link RenderFunction} is asked for (the requested MIME types) and where it puts its output. */
public class RenderContext {
    private final RenderRequestTypes requestedTypes;
    private final Renderer renderer;
    private final Map<String, Object> params;
    private final DisplayData out;

    public RenderContext(RenderRequestTypes requestedTypes, Renderer renderer, Map<String, Object> params, DisplayData out) {
        this.requestedTypes = requestedTypes;
        this.renderer = renderer;
        this.params = params;
        this.out = out;
    }

    public Renderer getRenderer() {
        return renderer;
    }

    public DisplayData getOutputContainer() {
        return out;
    }

    public Map<String, Object> getParams() {
        return params;
    }

    public Object getParameter(String key) {
        return params.get(key);
    }

    public Object getParameter(String key, Object defaultValue) {
        return params.getOrDefault(key, defaultValue);
    }

    public String getParameterAsString(String key) {
        return getParameterAsString(key, null);
    }

    public String getParameterAsString(String key, String defaultValue) {
        Object value = params.get(key);
        return value == null ? defaultValue : value.toString();
    }

    public Integer getParameterAsInt(String key) {
        return getParameterAsInt(key, null);
    }

    public Integer getParameterAsInt(String key, Integer defaultValue) {
        Object value = params.get(key);
        if (value instanceof Number) return ((Number) value).intValue();
        if (value == null) return defaultValue;
        try {
            return Integer.parseInt(value.toString().strip());
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }

    public Double getParameterAsDouble(String key) {
        return getParameterAsDouble(key, null);
    }

    public Double getParameterAsDouble(String key, Double defaultValue) {
        Object value = params.get(key);
        if (value instanceof Number) return ((Number) value).doubleValue();
        if (value == null) return defaultValue;
        try {
            return Double.parseDouble(value.toString().strip());
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }

    public Boolean getParameterAsBoolean(String key) {
        return getParameterAsBoolean(key, null);
    }

    public Boolean getParameterAsBoolean(String key, Boolean defaultValue) {
        Object value = params.get(key);
        if (value instanceof Boolean) return (Boolean) value;
        return value == null ? defaultValue : Boolean.parseBoolean(value.toString().strip());
    }

    public boolean wantsDataRenderedAs(MIMEType type) {
        return requestedTypes.resolveSupportedType(type) != null;
    }

    public MIMEType resolveRequestedType(MIMEType supported) {
        return requestedTypes.resolveSupportedType(supported);
    }

    public boolean renderIfRequested(MIMEType supportedType, BiConsumer<MIMEType, DisplayData> renderFunction) {
        MIMEType type = resolveRequestedType(supportedType);
        if (type == null) return false;
        renderFunction.accept(type, out);
        return true;
    }

    public boolean renderIfRequested(MIMEType supportedType, Function<MIMEType, Object> renderFunction) {
        MIMEType type = resolveRequestedType(supportedType);
        if (type == null) return false;
        out.putData(type, renderFunction.apply(type));
        return true;
    }

    public boolean renderIfRequested(MIMEType supportedType, Supplier<Object> render) {
        MIMEType type = resolveRequestedType(supportedType);
        if (type == null) return false;
        out.putData(type, render.get());
        return true;
    }
}
