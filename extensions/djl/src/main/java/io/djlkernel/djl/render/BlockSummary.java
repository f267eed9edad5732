package io.djlkernel.djl.render;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.djl.tensors.NDArrayFormat;
import io.djlkernel.djl.tensors.NDArrayRenderer;

import java.util.ArrayList;
import java.util.List;

/** A layer table for a Block or Model (like torchinfo / Keras' summary): layer, type, parameters, counts. */
public final class BlockSummary {
    static final int MAX_ROWS = 500;

    record Row(int depth, String name, String type, String params, long count, boolean known) {
    }

    private final List<Row> rows = new ArrayList<>();
    private long total;
    private long trainable;
    private boolean allKnown = true;
    private final String title;

    private BlockSummary(String title) {
        this.title = title;
    }

    public static BlockSummary of(Block block) {
        BlockSummary s = new BlockSummary(block.getClass().getSimpleName()
                + (block.isInitialized() ? "" : " (not initialized: parameter counts appear after initialize)"));
        s.walk("", block, 0);
        return s;
    }

    public static BlockSummary of(Model model) {
        Block block = model.getBlock();
        BlockSummary s = new BlockSummary("Model '" + model.getName() + "' on " + model.getNDManager().getDevice()
                + ", " + NDArrayFormat.dtypeName(model.getDataType())
                + (block == null ? " (no block)" : block.isInitialized() ? "" : " (block not initialized)"));
        if (block != null) s.walk("", block, 0);
        return s;
    }

    private void walk(String name, Block block, int depth) {
        StringBuilder shapes = new StringBuilder();
        long count = 0;
        boolean known = true;
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            Parameter param = p.getValue();
            Shape shape = param.isInitialized() ? param.getArray().getShape() : param.getShape();
            if (shapes.length() > 0) shapes.append(", ");
            shapes.append(p.getKey()).append(shape == null ? "?" : NDArrayFormat.shapeString(shape));
            if (shape == null) {
                known = false;
            } else {
                long n = shape.size();
                count += n;
                total += n;
                if (param.requiresGradient()) trainable += n;
            }
        }
        if (!known) allKnown = false;
        if (rows.size() < MAX_ROWS) {
            rows.add(new Row(depth, name.isEmpty() ? "(root)" : name, block.getClass().getSimpleName(),
                    shapes.toString(), count, known));
        }
        for (Pair<String, Block> child : block.getChildren()) walk(child.getKey(), child.getValue(), depth + 1);
    }

    public long totalParameters() {
        return total;
    }

    public long trainableParameters() {
        return trainable;
    }

    public int layers() {
        return rows.size();
    }

    public String text() {
        StringBuilder sb = new StringBuilder(title).append('\n');
        int wName = 5;
        int wType = 4;
        int wParams = 10;
        for (Row r : rows) {
            wName = Math.max(wName, r.depth * 2 + r.name.length());
            wType = Math.max(wType, r.type.length());
            wParams = Math.max(wParams, Math.min(60, r.params.length()));
        }
        String fmt = "%-" + wName + "s  %-" + wType + "s  %-" + wParams + "s  %12s%n";
        sb.append(String.format(fmt, "layer", "type", "parameters", "count"));
        sb.append("-".repeat(wName + wType + wParams + 18)).append('\n');
        for (Row r : rows) {
            String params = r.params.length() > 60 ? r.params.substring(0, 59) + "…" : r.params;
            sb.append(String.format(fmt, "  ".repeat(r.depth) + r.name, r.type, params,
                    r.count == 0 && r.params.isEmpty() ? "" : (r.known ? String.format("%,d", r.count) : "?")));
        }
        sb.append("-".repeat(wName + wType + wParams + 18)).append('\n');
        sb.append(String.format("Total parameters: %,d%s (trainable %,d)", total, allKnown ? "" : "+ ?", trainable));
        return sb.toString();
    }

    public String html() {
        StringBuilder sb = new StringBuilder("<div class=\"djl-summary\"><b>").append(esc(title)).append("</b>")
                .append("<table><thead><tr><th style=\"text-align:left\">layer</th><th style=\"text-align:left\">type</th>")
                .append("<th style=\"text-align:left\">parameters</th><th>count</th></tr></thead><tbody>");
        for (Row r : rows) {
            sb.append("<tr><td style=\"text-align:left;padding-left:").append(r.depth * 14).append("px\">")
                    .append(esc(r.name)).append("</td><td style=\"text-align:left\">").append(esc(r.type))
                    .append("</td><td style=\"text-align:left\">").append(esc(r.params)).append("</td><td>")
                    .append(r.count == 0 && r.params.isEmpty() ? "" : r.known ? String.format("%,d", r.count) : "?")
                    .append("</td></tr>");
        }
        sb.append("</tbody></table><div>").append(esc(String.format("Total parameters: %,d%s (trainable %,d)", total,
                allKnown ? "" : " + ?", trainable))).append("</div></div>");
        return sb.toString();
    }

    public void render(MimeBundle out) {
        out.put(MimeBundle.TEXT_PLAIN, text());
        out.put(MimeBundle.TEXT_HTML, html());
    }

    private static String esc(String s) {
        return NDArrayRenderer.escape(s);
    }
}
