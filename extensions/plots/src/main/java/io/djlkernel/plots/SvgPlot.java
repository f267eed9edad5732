package io.djlkernel.plots;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A static SVG of a plotly figure, for where plotly.js does not run (nbconvert's HTML and PDF, GitHub's notebook
 * view, classic Notebook): axes with ticks and titles, the figure's title, a legend, scatter traces as lines and
 * markers, bar and histogram traces as bars, heatmaps as coloured cells. Other trace types are listed in the image
 * as not drawn rather than silently missing. Linear axes only (a log axis is drawn linear and says so); numbers
 * given as strings count as numbers, anything else makes the axis categorical.
 */
final class SvgPlot {
    private static final String[] PALETTE = {
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    private static final java.util.regex.Pattern NUMBER =
            java.util.regex.Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Set<String> DRAWN = Set.of("scatter", "scattergl", "bar", "histogram", "heatmap");

    private final StringBuilder svg = new StringBuilder();
    private final List<Map<String, Object>> traces = new ArrayList<>();
    private final Set<String> notDrawn = new LinkedHashSet<>();
    private final Axis x = new Axis();
    private final Axis y = new Axis();
    private double left;
    private double top;
    private double plotWidth;
    private double plotHeight;

    private SvgPlot() {
    }

    static String render(Map<String, Object> plotly) {
        return new SvgPlot().draw(plotly);
    }

    @SuppressWarnings("unchecked")
    private String draw(Map<String, Object> plotly) {
        Map<String, Object> layout = (Map<String, Object>) plotly.getOrDefault("layout", Map.of());
        List<Object> data = (List<Object>) plotly.getOrDefault("data", List.of());
        int width = (int) clamp(num(layout.get("width"), 700), 200, 2000);
        int height = (int) clamp(num(layout.get("height"), 450), 150, 2000);
        for (Object t : data) {
            Map<String, Object> trace = (Map<String, Object>) t;
            String type = String.valueOf(trace.getOrDefault("type", "scatter"));
            if (DRAWN.contains(type)) traces.add(prepare(trace, type));
            else notDrawn.add(type);
        }
        String title = PlotlyFigures.titleText(layout.get("title"));
        Object showLegend = layout.get("showlegend");
        boolean legend = !Boolean.FALSE.equals(showLegend) && (traces.size() > 1 || Boolean.TRUE.equals(showLegend))
                && traces.stream().noneMatch(t -> t.get("type").equals("heatmap"));
        left = 70;
        top = title == null || title.isEmpty() ? 20 : 50;
        double right = legend ? 150 : 25;
        double bottom = 60 + (notDrawn.isEmpty() ? 0 : 18);
        plotWidth = Math.max(50, width - left - right);
        plotHeight = Math.max(50, height - top - bottom);

        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.append("<rect class=\"background\" width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
        if (title != null && !title.isEmpty()) {
            text(width / 2.0, 30, title, "title", "middle", 16);
        }
        Map<String, Object> xaxis = (Map<String, Object>) layout.getOrDefault("xaxis", Map.of());
        Map<String, Object> yaxis = (Map<String, Object>) layout.getOrDefault("yaxis", Map.of());
        x.finish(xaxis);
        y.finish(yaxis);
        drawAxes(xaxis, yaxis, height);
        for (int i = 0; i < traces.size(); i++) drawTrace(traces.get(i), i);
        if (legend) drawLegend(width - right + 10);
        if (!notDrawn.isEmpty()) {
            text(left, height - 6, "Not drawn in this static image: " + String.join(", ", notDrawn)
                    + " (shown by plotly in JupyterLab)", "not-drawn", "start", 11);
        }
        svg.append("</svg>");
        return svg.toString();
    }

    /** Reads a trace's points into the axes' ranges; histograms are binned here. */
    private Map<String, Object> prepare(Map<String, Object> source, String type) {
        Map<String, Object> t = new LinkedHashMap<>(source);
        t.put("type", type);
        boolean horizontal = "h".equals(t.get("orientation"));
        if (type.equals("histogram")) {
            bin(t, horizontal);
            horizontal = "h".equals(t.get("orientation"));
        }
        List<?> xs = list(t.get("x"));
        List<?> ys = list(t.get("y"));
        if (type.equals("heatmap")) {
            List<?> z = list(t.get("z"));
            int rows = z.size();
            int cols = rows == 0 ? 0 : list(z.get(0)).size();
            if (xs.isEmpty()) xs = indices(cols);
            if (ys.isEmpty()) ys = indices(rows);
            xs = parsed(xs);
            ys = parsed(ys);
            t.put("x", xs);
            t.put("y", ys);
            x.addAll(xs);
            y.addAll(ys);
            return t;
        }
        if (xs.isEmpty()) xs = indices(ys.size());
        if (ys.isEmpty()) ys = indices(xs.size());
        xs = parsed(xs);
        ys = parsed(ys);
        t.put("x", xs);
        t.put("y", ys);
        x.addAll(xs);
        y.addAll(ys);
        if (type.equals("bar") || type.equals("histogram")) (horizontal ? x : y).include(0);
        return t;
    }

    /** A histogram trace turned into bars: numeric values into equal bins (nbinsx or Sturges), others counted. */
    private static void bin(Map<String, Object> t, boolean horizontal) {
        List<?> values = list(t.get(horizontal || !t.containsKey("x") ? "y" : "x"));
        if (!t.containsKey("x") && t.containsKey("y")) horizontal = true;
        List<Object> centres = new ArrayList<>();
        List<Object> counts = new ArrayList<>();
        List<Double> numbers = new ArrayList<>();
        boolean numeric = true;
        for (Object v : values) {
            Double d = number(v);
            if (d == null && v != null) numeric = false;
            if (d != null) numbers.add(d);
        }
        if (numeric && !numbers.isEmpty()) {
            double min = numbers.stream().mapToDouble(Double::doubleValue).min().orElse(0);
            double max = numbers.stream().mapToDouble(Double::doubleValue).max().orElse(1);
            int bins = (int) num(t.get(horizontal ? "nbinsy" : "nbinsx"), 0);
            if (bins <= 0) bins = (int) Math.ceil(Math.log(numbers.size()) / Math.log(2)) + 1;
            double width = max > min ? (max - min) / bins : 1;
            int[] n = new int[bins];
            for (double d : numbers) n[Math.min(bins - 1, (int) ((d - min) / width))]++;
            for (int b = 0; b < bins; b++) {
                centres.add(min + (b + 0.5) * width);
                counts.add((double) n[b]);
            }
            t.put("binWidth", width);
        } else {
            Map<String, Integer> byCategory = new LinkedHashMap<>();
            for (Object v : values) byCategory.merge(String.valueOf(v), 1, Integer::sum);
            byCategory.forEach((k, v) -> {
                centres.add(k);
                counts.add((double) v);
            });
        }
        t.put(horizontal ? "y" : "x", centres);
        t.put(horizontal ? "x" : "y", counts);
        t.put("orientation", horizontal ? "h" : "v");
    }

    private void drawAxes(Map<String, Object> xaxis, Map<String, Object> yaxis, int height) {
        double bottomY = top + plotHeight;
        svg.append("<g class=\"axes\" stroke=\"#444\" fill=\"none\">");
        line(left, bottomY, left + plotWidth, bottomY, "#444");
        line(left, top, left, bottomY, "#444");
        svg.append("</g>");
        for (Tick tick : x.ticks()) {
            double px = sx(tick.position);
            svg.append("<g class=\"xtick\">");
            line(px, top, px, bottomY, "#eeeeee");
            line(px, bottomY, px, bottomY + 5, "#444");
            text(px, bottomY + 18, tick.label, "xtick-label", "middle", 11);
            svg.append("</g>");
        }
        for (Tick tick : y.ticks()) {
            double py = sy(tick.position);
            svg.append("<g class=\"ytick\">");
            line(left, py, left + plotWidth, py, "#eeeeee");
            line(left - 5, py, left, py, "#444");
            text(left - 8, py + 4, tick.label, "ytick-label", "end", 11);
            svg.append("</g>");
        }
        String xTitle = axisTitle(xaxis, x);
        String yTitle = axisTitle(yaxis, y);
        if (!xTitle.isEmpty()) text(left + plotWidth / 2, bottomY + 42, xTitle, "xtitle", "middle", 13);
        if (!yTitle.isEmpty()) {
            svg.append("<text class=\"ytitle\" text-anchor=\"middle\" font-size=\"13\" fill=\"#222\" transform=\"translate(")
                    .append(f(18)).append(',').append(f(top + plotHeight / 2)).append(") rotate(-90)\">")
                    .append(escape(yTitle)).append("</text>");
        }
    }

    private static String axisTitle(Map<String, Object> axis, Axis scale) {
        String title = PlotlyFigures.titleText(axis.get("title"));
        title = title == null ? "" : title;
        if ("log".equals(axis.get("type")) && !scale.categorical) title += " (log axis drawn linear)";
        return title;
    }

    private void drawTrace(Map<String, Object> t, int index) {
        String type = (String) t.get("type");
        String color = color(t, index);
        List<?> xs = list(t.get("x"));
        List<?> ys = list(t.get("y"));
        svg.append("<g class=\"trace ").append(type).append("\">");
        switch (type) {
            case "bar":
            case "histogram":
                drawBars(t, xs, ys, color);
                break;
            case "heatmap":
                drawHeatmap(t, xs, ys);
                break;
            default:
                drawScatter(t, xs, ys, color);
        }
        svg.append("</g>");
    }

    private void drawScatter(Map<String, Object> t, List<?> xs, List<?> ys, String color) {
        int n = Math.min(xs.size(), ys.size());
        String mode = String.valueOf(t.getOrDefault("mode", n <= 20 ? "lines+markers" : "lines"));
        if (mode.contains("lines")) {
            StringBuilder d = new StringBuilder();
            boolean pen = false;
            for (int i = 0; i < n; i++) {
                Double px = x.position(xs.get(i));
                Double py = y.position(ys.get(i));
                if (px == null || py == null) {
                    pen = false;
                    continue;
                }
                d.append(pen ? 'L' : 'M').append(f(sx(px))).append(',').append(f(sy(py)));
                pen = true;
            }
            double width = num(nested(t, "line", "width"), 2);
            svg.append("<path class=\"line\" fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"")
                    .append(f(width)).append("\" d=\"").append(d).append("\"/>");
        }
        if (mode.contains("markers")) {
            double size = num(nested(t, "marker", "size"), 6);
            for (int i = 0; i < n; i++) {
                Double px = x.position(xs.get(i));
                Double py = y.position(ys.get(i));
                if (px == null || py == null) continue;
                svg.append("<circle class=\"point\" cx=\"").append(f(sx(px))).append("\" cy=\"").append(f(sy(py)))
                        .append("\" r=\"").append(f(size / 2)).append("\" fill=\"").append(color).append("\"/>");
            }
        }
    }

    private void drawBars(Map<String, Object> t, List<?> xs, List<?> ys, String color) {
        boolean horizontal = "h".equals(t.get("orientation"));
        Axis along = horizontal ? y : x;
        int n = Math.min(xs.size(), ys.size());
        double slot = along.categorical ? 0.8 : num(t.get("binWidth"), along.minimumGap()) * (t.containsKey("binWidth") ? 1 : 0.8);
        for (int i = 0; i < n; i++) {
            Double at = along.position(horizontal ? ys.get(i) : xs.get(i));
            Double value = number(horizontal ? xs.get(i) : ys.get(i));
            if (at == null || value == null) continue;
            double a0 = at - slot / 2;
            double a1 = at + slot / 2;
            double x0 = horizontal ? sx(0) : sx(a0);
            double x1 = horizontal ? sx(value) : sx(a1);
            double y0 = horizontal ? sy(a1) : sy(value);
            double y1 = horizontal ? sy(a0) : sy(0);
            svg.append("<rect class=\"bar\" x=\"").append(f(Math.min(x0, x1))).append("\" y=\"").append(f(Math.min(y0, y1)))
                    .append("\" width=\"").append(f(Math.abs(x1 - x0))).append("\" height=\"").append(f(Math.abs(y1 - y0)))
                    .append("\" fill=\"").append(color).append("\" stroke=\"#ffffff\" stroke-width=\"0.5\"/>");
        }
    }

    private void drawHeatmap(Map<String, Object> t, List<?> xs, List<?> ys) {
        List<?> z = list(t.get("z"));
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Object row : z) {
            for (Object v : list(row)) {
                Double d = number(v);
                if (d == null) continue;
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
        }
        double cellW = x.categorical ? 1 : x.minimumGap();
        double cellH = y.categorical ? 1 : y.minimumGap();
        for (int r = 0; r < z.size() && r < ys.size(); r++) {
            List<?> row = list(z.get(r));
            for (int c = 0; c < row.size() && c < xs.size(); c++) {
                Double v = number(row.get(c));
                Double px = x.position(xs.get(c));
                Double py = y.position(ys.get(r));
                if (v == null || px == null || py == null) continue;
                double share = max > min ? (v - min) / (max - min) : 0.5;
                double x0 = sx(px - cellW / 2);
                double x1 = sx(px + cellW / 2);
                double y0 = sy(py + cellH / 2);
                double y1 = sy(py - cellH / 2);
                svg.append("<rect class=\"cell\" x=\"").append(f(x0)).append("\" y=\"").append(f(y0)).append("\" width=\"")
                        .append(f(x1 - x0)).append("\" height=\"").append(f(y1 - y0)).append("\" fill=\"")
                        .append(viridis(share)).append("\"><title>").append(escape(format(v))).append("</title></rect>");
            }
        }
    }

    private void drawLegend(double at) {
        svg.append("<g class=\"legend\">");
        for (int i = 0; i < traces.size(); i++) {
            Map<String, Object> t = traces.get(i);
            Object name = t.get("name");
            String label = name == null || name.toString().isEmpty() ? "trace " + i : name.toString();
            double ly = top + 10 + i * 20;
            svg.append("<rect class=\"legend-swatch\" x=\"").append(f(at)).append("\" y=\"").append(f(ly - 8))
                    .append("\" width=\"14\" height=\"10\" fill=\"").append(color(t, i)).append("\"/>");
            text(at + 20, ly + 1, label, "legend-label", "start", 12);
        }
        svg.append("</g>");
    }

    private static String color(Map<String, Object> t, int index) {
        Object c = nested(t, "marker", "color");
        if (!(c instanceof String)) c = nested(t, "line", "color");
        if (c instanceof String && ((String) c).matches("[#a-zA-Z0-9(),.\\s%]+")) return (String) c;
        return PALETTE[index % PALETTE.length];
    }

    private static String viridis(double share) {
        int[][] stops = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
        double scaled = clamp(share, 0, 1) * (stops.length - 1);
        int i = Math.min(stops.length - 2, (int) scaled);
        double f = scaled - i;
        int[] rgb = new int[3];
        for (int k = 0; k < 3; k++) rgb[k] = (int) Math.round(stops[i][k] + f * (stops[i + 1][k] - stops[i][k]));
        return String.format(Locale.ROOT, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
    }

    private double sx(double value) {
        return left + (value - x.min) / (x.max - x.min) * plotWidth;
    }

    private double sy(double value) {
        return top + plotHeight - (value - y.min) / (y.max - y.min) * plotHeight;
    }

    private void line(double x1, double y1, double x2, double y2, String stroke) {
        svg.append("<line x1=\"").append(f(x1)).append("\" y1=\"").append(f(y1)).append("\" x2=\"").append(f(x2))
                .append("\" y2=\"").append(f(y2)).append("\" stroke=\"").append(stroke).append("\"/>");
    }

    private void text(double x, double y, String content, String cls, String anchor, int size) {
        svg.append("<text class=\"").append(cls).append("\" x=\"").append(f(x)).append("\" y=\"").append(f(y))
                .append("\" text-anchor=\"").append(anchor).append("\" font-size=\"").append(size)
                .append("\" fill=\"#222\">").append(escape(content)).append("</text>");
    }

    /** A number, or a string holding one (tablesaw writes scatter coordinates as "1.0"); null otherwise. */
    static Double number(Object v) {
        if (v instanceof Number) {
            double d = ((Number) v).doubleValue();
            return Double.isFinite(d) ? d : null;
        }
        if (v instanceof String) {
            String s = ((String) v).trim();
            if (s.isEmpty() || !NUMBER.matcher(s).matches()) return null;
            return Double.parseDouble(s);
        }
        return null;
    }

    private static double num(Object v, double fallback) {
        Double d = number(v);
        return d == null ? fallback : d;
    }

    private static Object nested(Map<String, Object> map, String outer, String inner) {
        Object o = map.get(outer);
        return o instanceof Map ? ((Map<?, ?>) o).get(inner) : null;
    }

    private static List<?> list(Object v) {
        return v instanceof List ? (List<?>) v : List.of();
    }

    /** Numbers written as strings parsed once: every later look at a value is then an instanceof check. */
    private static List<Object> parsed(List<?> values) {
        List<Object> out = new ArrayList<>(values.size());
        for (Object v : values) {
            Double d = v instanceof String ? number(v) : null;
            out.add(d != null ? d : v);
        }
        return out;
    }

    private static List<Object> indices(int n) {
        List<Object> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add((double) i);
        return out;
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** Coordinates with two decimals; String.format is too slow for 10^4 points. */
    private static String f(double v) {
        if (!Double.isFinite(v)) return "0";
        long hundredths = Math.round(v * 100);
        String sign = hundredths < 0 ? "-" : "";
        long abs = Math.abs(hundredths);
        long frac = abs % 100;
        return sign + (abs / 100) + (frac < 10 ? ".0" : ".") + frac;
    }

    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        String s = String.format(Locale.ROOT, "%.6g", v);
        if (s.contains("e")) return s;
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<': sb.append("&lt;"); break;
                case '>': sb.append("&gt;"); break;
                case '&': sb.append("&amp;"); break;
                case '"': sb.append("&quot;"); break;
                default:
                    if (c >= 0x20 || c == '\t' || c == '\n') sb.append(c);
            }
        }
        return sb.toString();
    }

    private static final class Tick {
        final double position;
        final String label;

        Tick(double position, String label) {
            this.position = position;
            this.label = label;
        }
    }

    /** One axis: numeric (a range) or categorical (categories at 0, 1, 2, ... in order of first appearance). */
    private static final class Axis {
        final List<Object> values = new ArrayList<>();
        final List<String> categories = new ArrayList<>();
        boolean categorical;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        private final List<Double> forced = new ArrayList<>();

        void addAll(List<?> vs) {
            values.addAll(vs);
        }

        void include(double v) {
            forced.add(v);
        }

        void finish(Map<String, Object> layoutAxis) {
            for (Object v : values) {
                if (v != null && number(v) == null) categorical = true;
            }
            if (categorical) {
                for (Object v : values) {
                    String s = String.valueOf(v);
                    if (v != null && !categories.contains(s)) categories.add(s);
                }
                min = -0.5;
                max = Math.max(0.5, categories.size() - 0.5);
                return;
            }
            for (Object v : values) {
                Double d = number(v);
                if (d == null) continue;
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
            for (double d : forced) {
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
            if (min > max) {
                min = 0;
                max = 1;
            }
            double gap = minimumGapRaw();
            boolean bars = !forced.isEmpty();
            if (bars && gap > 0) { // room for the outermost bars
                min = Math.min(min, minValue() - gap / 2);
                max = Math.max(max, maxValue() + gap / 2);
            }
            if (min == max) {
                min -= 1;
                max += 1;
            }
            List<?> range = layoutAxis.get("range") instanceof List ? (List<?>) layoutAxis.get("range") : List.of();
            if (range.size() == 2 && number(range.get(0)) != null && number(range.get(1)) != null
                    && !"log".equals(layoutAxis.get("type")) && !Boolean.TRUE.equals(layoutAxis.get("autorange"))) {
                min = number(range.get(0));
                max = number(range.get(1));
                if (min == max) max = min + 1;
            } else {
                double pad = (max - min) * 0.04;
                if (!bars || minValue() < 0) min -= pad;
                max += pad;
            }
        }

        private double minValue() {
            return values.stream().map(SvgPlot::number).filter(d -> d != null).mapToDouble(Double::doubleValue).min().orElse(0);
        }

        private double maxValue() {
            return values.stream().map(SvgPlot::number).filter(d -> d != null).mapToDouble(Double::doubleValue).max().orElse(1);
        }

        Double position(Object v) {
            if (v == null) return null;
            if (categorical) {
                int i = categories.indexOf(String.valueOf(v));
                return i < 0 ? null : (double) i;
            }
            return number(v);
        }

        /** The smallest distance between distinct values: the width of a numeric bar or heatmap cell. */
        double minimumGap() {
            double gap = minimumGapRaw();
            return gap > 0 ? gap : 1;
        }

        private double minimumGapRaw() {
            List<Double> sorted = new ArrayList<>();
            for (Object v : values) {
                Double d = number(v);
                if (d != null) sorted.add(d);
            }
            sorted.sort(Double::compare);
            double gap = Double.POSITIVE_INFINITY;
            for (int i = 1; i < sorted.size(); i++) {
                double g = sorted.get(i) - sorted.get(i - 1);
                if (g > 0) gap = Math.min(gap, g);
            }
            return Double.isInfinite(gap) ? 0 : gap;
        }

        List<Tick> ticks() {
            List<Tick> ticks = new ArrayList<>();
            if (categorical) {
                int every = Math.max(1, (int) Math.ceil(categories.size() / 12.0));
                for (int i = 0; i < categories.size(); i += every) {
                    String label = categories.get(i);
                    Double numeric = number(label); // histogram bin centres beside categorical bars
                    if (numeric != null) label = format(Double.parseDouble(String.format(Locale.ROOT, "%.4g", numeric)));
                    ticks.add(new Tick(i, label.length() > 14 ? label.substring(0, 13) + "…" : label));
                }
                return ticks;
            }
            double step = niceStep((max - min) / 6);
            for (double v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
                double rounded = Math.abs(v) < step * 1e-9 ? 0 : v;
                ticks.add(new Tick(rounded, format(Double.parseDouble(String.format(Locale.ROOT, "%.10g", rounded)))));
            }
            return ticks;
        }

        private static double niceStep(double raw) {
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double f = raw / magnitude;
            double nice = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
            return nice * magnitude;
        }
    }
}
