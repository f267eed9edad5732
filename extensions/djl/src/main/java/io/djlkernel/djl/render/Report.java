package io.djlkernel.djl.render;

import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.djl.tensors.NDArrayRenderer;

import java.util.ArrayList;
import java.util.List;

/** What %gpu and %memory return: aligned text, the same as an HTML table, and the data behind them. */
public final class Report {
    private final String title;
    private final List<String[]> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<Table> tables = new ArrayList<>();
    private Object data;

    public Report(String title) {
        this.title = title;
    }

    /** A "key : value" line. */
    public Report row(String key, Object value) {
        rows.add(new String[]{key, String.valueOf(value)});
        return this;
    }

    public Report note(String note) {
        notes.add(note);
        return this;
    }

    public Report table(String caption, List<String> header, List<List<String>> body) {
        tables.add(new Table(caption, header, body));
        return this;
    }

    public Report data(Object value) {
        this.data = value;
        return this;
    }

    /** The report's structured form (maps and lists), e.g. the readings. */
    public Object data() {
        return data;
    }

    /** The value of a "key : value" line, or null. */
    public String get(String key) {
        for (String[] r : rows) if (r[0].equals(key)) return r[1];
        return null;
    }

    private record Table(String caption, List<String> header, List<List<String>> body) {
    }

    public String text() {
        StringBuilder sb = new StringBuilder(title).append('\n');
        int width = 0;
        for (String[] r : rows) width = Math.max(width, r[0].length());
        for (String[] r : rows) {
            sb.append("  ").append(r[0]).append(" ".repeat(width - r[0].length())).append(" : ").append(r[1]).append('\n');
        }
        for (Table t : tables) {
            sb.append(t.caption).append('\n');
            int[] w = new int[t.header.size()];
            for (int i = 0; i < w.length; i++) w[i] = t.header.get(i).length();
            for (List<String> r : t.body) for (int i = 0; i < w.length && i < r.size(); i++) w[i] = Math.max(w[i], r.get(i).length());
            appendRow(sb, t.header, w);
            for (List<String> r : t.body) appendRow(sb, r, w);
        }
        for (String n : notes) sb.append(n).append('\n');
        return sb.toString().stripTrailing();
    }

    private static void appendRow(StringBuilder sb, List<String> cells, int[] w) {
        sb.append("  ");
        for (int i = 0; i < w.length; i++) {
            String c = i < cells.size() ? cells.get(i) : "";
            sb.append(c).append(" ".repeat(w[i] - c.length()));
            if (i < w.length - 1) sb.append("  ");
        }
        sb.append('\n');
    }

    public String html() {
        StringBuilder sb = new StringBuilder("<div class=\"djl-report\"><b>").append(esc(title)).append("</b>");
        if (!rows.isEmpty()) {
            sb.append("<table>");
            for (String[] r : rows) sb.append("<tr><th style=\"text-align:left\">").append(esc(r[0]))
                    .append("</th><td style=\"text-align:left\">").append(esc(r[1])).append("</td></tr>");
            sb.append("</table>");
        }
        for (Table t : tables) {
            sb.append("<div>").append(esc(t.caption)).append("</div><table><thead><tr>");
            for (String h : t.header) sb.append("<th>").append(esc(h)).append("</th>");
            sb.append("</tr></thead><tbody>");
            for (List<String> r : t.body) {
                sb.append("<tr>");
                for (String c : r) sb.append("<td>").append(esc(c)).append("</td>");
                sb.append("</tr>");
            }
            sb.append("</tbody></table>");
        }
        for (String n : notes) sb.append("<div>").append(esc(n)).append("</div>");
        return sb.append("</div>").toString();
    }

    public void render(MimeBundle out) {
        out.put(MimeBundle.TEXT_PLAIN, text());
        out.put(MimeBundle.TEXT_HTML, html());
    }

    @Override
    public String toString() {
        return text();
    }

    private static String esc(String s) {
        return NDArrayRenderer.escape(s);
    }
}
