package io.djlkernel.djl.debug;

import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.djl.tensors.NDArrayRenderer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one form every model-debugging result is shown in: aligned text/plain, an HTML table (flagged rows in red),
 * and {@value #MIME} for the JupyterLab layer panel. The JSON carries the numbers (with each row's histogram) so
 * the panel draws its own sparklines; text and HTML carry the same cells.
 */
public final class LayerTable {
    public static final String MIME = "application/vnd.djl-kernel.layers+json";
    static final int MAX_ROWS = 1000;

    /** One row: its cells (in {@link #header} order), a flag ("nan", "error", "vanishing", …) or null, its JSON. */
    record Row(List<String> cells, String flag, int depth, Map<String, Object> json) {
    }

    private final String kind;
    private final String title;
    private final List<String> header;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Object> extra = new LinkedHashMap<>();

    LayerTable(String kind, String title, List<String> header) {
        this.kind = kind;
        this.title = title;
        this.header = header;
    }

    LayerTable row(List<String> cells, String flag, int depth, Map<String, Object> json) {
        rows.add(new Row(cells, flag, depth, json));
        return this;
    }

    LayerTable note(String note) {
        notes.add(note);
        return this;
    }

    /** A top-level field of the JSON document (e.g. the monitor's loss history). */
    LayerTable put(String key, Object value) {
        extra.put(key, value);
        return this;
    }

    List<Row> rows() {
        return rows;
    }

    public void render(MimeBundle out) {
        out.put(MimeBundle.TEXT_PLAIN, text());
        out.put(MimeBundle.TEXT_HTML, html());
        out.put(MIME, json());
    }

    public String text() {
        StringBuilder sb = new StringBuilder(title).append('\n');
        int shown = Math.min(rows.size(), MAX_ROWS);
        int[] width = new int[header.size()];
        for (int c = 0; c < header.size(); c++) width[c] = header.get(c).length();
        for (int r = 0; r < shown; r++) {
            List<String> cells = indented(rows.get(r));
            for (int c = 0; c < width.length && c < cells.size(); c++) width[c] = Math.max(width[c], cells.get(c).length());
        }
        appendLine(sb, header, width, "  ");
        for (int r = 0; r < shown; r++) {
            Row row = rows.get(r);
            appendLine(sb, indented(row), width, row.flag() != null ? "! " : "  ");
        }
        if (rows.size() > shown) sb.append("  … ").append(rows.size() - shown).append(" more rows\n");
        for (String n : notes) sb.append("note: ").append(n).append('\n');
        return sb.toString().stripTrailing();
    }

    private static List<String> indented(Row row) {
        if (row.cells().isEmpty()) return row.cells();
        List<String> cells = new ArrayList<>(row.cells());
        cells.set(0, "  ".repeat(Math.max(0, row.depth())) + cells.get(0));
        return cells;
    }

    private static void appendLine(StringBuilder sb, List<String> cells, int[] width, String marker) {
        StringBuilder line = new StringBuilder(marker);
        for (int c = 0; c < width.length; c++) {
            String cell = c < cells.size() ? cells.get(c) : "";
            line.append(cell).append(" ".repeat(width[c] - cell.length())).append("  ");
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }

    public String html() {
        StringBuilder sb = new StringBuilder("<div class=\"djl-layers\"><div><b>")
                .append(NDArrayRenderer.escape(title)).append("</b></div><table><thead><tr>");
        for (String h : header) sb.append("<th style=\"text-align:left\">").append(NDArrayRenderer.escape(h)).append("</th>");
        sb.append("</tr></thead><tbody>");
        int shown = Math.min(rows.size(), MAX_ROWS);
        for (int r = 0; r < shown; r++) {
            Row row = rows.get(r);
            sb.append(row.flag() != null ? "<tr data-flag=\"" + NDArrayRenderer.escape(row.flag())
                    + "\" style=\"background:#fde0e0\">" : "<tr>");
            for (int c = 0; c < row.cells().size(); c++) {
                String style = c == 0 ? " style=\"text-align:left;padding-left:" + (row.depth() * 14 + 4) + "px\"" : "";
                sb.append("<td").append(style).append('>').append(NDArrayRenderer.escape(row.cells().get(c))).append("</td>");
            }
            sb.append("</tr>");
        }
        sb.append("</tbody></table>");
        if (rows.size() > shown) sb.append("<div>… ").append(rows.size() - shown).append(" more rows</div>");
        for (String n : notes) sb.append("<div><i>note:</i> ").append(NDArrayRenderer.escape(n)).append("</div>");
        return sb.append("</div>").toString();
    }

    public Map<String, Object> json() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("version", 1);
        doc.put("kind", kind);
        doc.put("title", title);
        doc.put("columns", header);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int r = 0; r < Math.min(rows.size(), MAX_ROWS); r++) {
            Row row = rows.get(r);
            Map<String, Object> m = new LinkedHashMap<>(row.json());
            m.put("depth", row.depth());
            m.put("cells", row.cells());
            m.put("flag", row.flag());
            out.add(m);
        }
        doc.put("rows", out);
        doc.put("truncated", rows.size() > MAX_ROWS);
        doc.put("notes", notes);
        doc.putAll(extra);
        return doc;
    }
}
