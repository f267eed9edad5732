package io.djlkernel.plots;

import io.djlkernel.api.display.MimeBundle;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tablesaw figures ({@value #FIGURE_CLASS}, tablesaw-jsplot 0.38 to 0.44) as a plotly figure
 * {@code {"data": [...], "layout": {...}}}, shown as {@value #PLOTLY_MIME} (JupyterLab, with plotly.js bundled in
 * the djl-kernel extension: no CDN, no RequireJS), {@value #SVG_MIME} (a static chart for nbconvert, GitHub and
 * front ends without our extension) and text/plain.
 *
 * <p>Tablesaw is not a dependency of the kernel: a cell brings it with {@code %maven}, in a class loader the
 * kernel cannot see, so the figure is read by reflection. Each trace and the layout are asked for their
 * JavaScript ({@code Trace.asJavascript(int)}, {@code Layout.asJavascript()}), the public methods every version
 * has, and the object literals in it are read as JSON. Reading traces one by one sidesteps template bugs in the
 * whole figure's script (0.43's heatmap declares {@code trace0} whatever its index).
 */
public final class PlotlyFigures {
    public static final String FIGURE_CLASS = "tech.tablesaw.plotly.components.Figure";
    public static final String PLOTLY_MIME = "application/vnd.plotly.v1+json";
    public static final String SVG_MIME = "image/svg+xml";

    private PlotlyFigures() {
    }

    /**
     * Adds the figure's plotly JSON, SVG and text/plain to {@code out}, each only if {@code out} wants it (see
     * {@link MimeBundle#wants}). The supplementary renderer the plots extension registers for tablesaw figures, and
     * what code merging representations by hand (an IJava-style renderer) can call.
     *
     * @throws IllegalArgumentException when {@code figure} is not a tablesaw Figure or its script cannot be read
     */
    public static void addTo(Object figure, MimeBundle out) {
        Map<String, Object> plotly = toPlotly(figure);
        if (out.wants(PLOTLY_MIME)) out.put(PLOTLY_MIME, plotly);
        if (out.wants(SVG_MIME)) out.put(SVG_MIME, SvgPlot.render(plotly));
        out.put(MimeBundle.TEXT_PLAIN, describe(plotly));
    }

    /** The figure as plotly's JSON figure: {@code {"data": [trace...], "layout": {...}}} of maps, lists and scalars. */
    public static Map<String, Object> toPlotly(Object figure) {
        if (figure == null) throw new IllegalArgumentException("figure is null");
        if (!isFigure(figure.getClass())) {
            throw new IllegalArgumentException("not a tablesaw figure: " + figure.getClass().getName());
        }
        List<Object> data = new ArrayList<>();
        Object[] traces = (Object[]) call(figure, "getTraces");
        if (traces != null) {
            for (int i = 0; i < traces.length; i++) {
                if (traces[i] == null) continue;
                Method js = method(traces[i].getClass(), "asJavascript", int.class);
                String script = (String) invoke(js, traces[i], i);
                data.add(normalizeTrace(asMap(JsLiteral.parseAssigned(script), "trace " + i)));
            }
        }
        Map<String, Object> layout = new LinkedHashMap<>();
        Object tablesawLayout = call(figure, "getLayout");
        if (tablesawLayout != null) {
            String script = (String) call(tablesawLayout, "asJavascript");
            layout = normalizeLayout(asMap(JsLiteral.parseAssigned(script), "layout"));
        }
        Map<String, Object> plotly = new LinkedHashMap<>();
        plotly.put("data", data);
        plotly.put("layout", layout);
        return plotly;
    }

    /** One line: {@code <Figure "Title": 2 traces (scatter, bar)>}. */
    static String describe(Map<String, Object> plotly) {
        List<?> data = (List<?>) plotly.get("data");
        Set<String> types = new LinkedHashSet<>();
        for (Object t : data) {
            Object type = ((Map<?, ?>) t).get("type");
            types.add(type == null ? "scatter" : type.toString());
        }
        String title = titleText(((Map<?, ?>) plotly.get("layout")).get("title"));
        return "<Figure" + (title == null || title.isEmpty() ? "" : " \"" + title + "\"") + ": " + data.size()
                + (data.size() == 1 ? " trace" : " traces") + (types.isEmpty() ? "" : " (" + String.join(", ", types) + ")")
                + ">";
    }

    static String titleText(Object title) {
        if (title instanceof Map) title = ((Map<?, ?>) title).get("text");
        return title == null ? null : title.toString();
    }

    private static boolean isFigure(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(FIGURE_CLASS)) return true;
        }
        return false;
    }

    /**
     * Tablesaw writes some fields as plotly.js 1 took them: titles as strings (plotly.js 3 wants
     * {@code {text: ...}}), booleans and axis ranges as strings ({@code autorange: 'false'}, {@code range: ["0","10"]}).
     */
    private static Map<String, Object> normalizeLayout(Map<String, Object> layout) {
        normalizeObject(layout);
        for (Map.Entry<String, Object> e : layout.entrySet()) {
            if (e.getKey().matches("[xy]axis\\d*|scene") && e.getValue() instanceof Map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> axis = (Map<String, Object>) e.getValue();
                Object range = axis.get("range");
                if (range instanceof List) axis.put("range", numbersWherePossible((List<?>) range));
            }
        }
        return layout;
    }

    private static Map<String, Object> normalizeTrace(Map<String, Object> trace) {
        normalizeObject(trace);
        if ("".equals(trace.get("name"))) trace.remove("name"); // plotly then names it "trace N" in the legend
        return trace;
    }

    @SuppressWarnings("unchecked")
    private static void normalizeObject(Map<String, Object> map) {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            Object v = e.getValue();
            if ("true".equals(v) || "false".equals(v)) {
                e.setValue(Boolean.valueOf((String) v));
            } else if (e.getKey().equals("title") && v instanceof String) {
                Map<String, Object> title = new LinkedHashMap<>();
                title.put("text", v);
                e.setValue(title);
            } else if (v instanceof Map) {
                normalizeObject((Map<String, Object>) v);
            }
        }
    }

    private static List<Object> numbersWherePossible(List<?> values) {
        List<Object> out = new ArrayList<>(values.size());
        for (Object v : values) {
            Double d = v instanceof String ? SvgPlot.number(v) : null;
            out.add(d != null ? d : v);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object parsed, String what) {
        if (!(parsed instanceof Map)) throw new IllegalArgumentException(what + " is not a JavaScript object");
        return (Map<String, Object>) parsed;
    }

    private static Object call(Object target, String name) {
        return invoke(method(target.getClass(), name), target);
    }

    private static Method method(Class<?> type, String name, Class<?>... params) {
        try {
            // public methods through the public type that declares them (the concrete class may be package-private)
            Method m = type.getMethod(name, params);
            m.setAccessible(true);
            return m;
        } catch (NoSuchMethodException | RuntimeException e) {
            throw new IllegalArgumentException(type.getName() + " has no " + name + " method this tablesaw version"
                    + " is expected to have (tablesaw-jsplot 0.38 to 0.44 are read)", e);
        }
    }

    private static Object invoke(Method m, Object target, Object... args) {
        try {
            return m.invoke(target, args);
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException("cannot call " + m, e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof LinkageError && String.valueOf(cause).contains("pebble")) {
                // tablesaw before 0.44 writes its JavaScript with Pebble 3.1, which needs Thread.resume (gone in Java 23)
                throw new IllegalStateException("this tablesaw-jsplot cannot write plots on Java "
                        + Runtime.version().feature() + " (its Pebble templates need Java 22 or older): use"
                        + " tablesaw-jsplot 0.44.4 or later, or run the kernel on Java 17", cause);
            }
            if (cause instanceof RuntimeException) throw (RuntimeException) cause;
            throw new IllegalArgumentException(m.getName() + " failed: " + cause, cause);
        }
    }
}
