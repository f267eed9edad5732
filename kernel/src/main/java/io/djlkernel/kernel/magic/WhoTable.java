package io.djlkernel.kernel.magic;

import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.kernel.eval.Interpreter;

import java.util.List;

/** {@code %who}: the session's variables as a text and an HTML table. */
final class WhoTable {
    private WhoTable() {
    }

    static MimeBundle of(List<Interpreter.Variable> variables) {
        if (variables.isEmpty()) return MimeBundle.text("No variables defined yet.");
        int nameWidth = Math.max(8, variables.stream().mapToInt(v -> v.name().length()).max().orElse(0));
        int typeWidth = Math.max(4, variables.stream().mapToInt(v -> v.type().length()).max().orElse(0));
        StringBuilder text = new StringBuilder(String.format("%-" + nameWidth + "s  %-" + typeWidth + "s  %s%n",
                "Variable", "Type", "Value"));
        StringBuilder html = new StringBuilder("<table><thead><tr><th>Variable</th><th>Type</th><th>Value</th></tr>"
                + "</thead><tbody>");
        for (Interpreter.Variable v : variables) {
            text.append(String.format("%-" + nameWidth + "s  %-" + typeWidth + "s  %s%n", v.name(), v.type(),
                    v.valuePreview()));
            html.append("<tr><td>").append(escape(v.name())).append("</td><td><code>").append(escape(v.type()))
                    .append("</code></td><td>").append(escape(v.valuePreview())).append("</td></tr>");
        }
        html.append("</tbody></table>");
        return MimeBundle.text(text.toString().stripTrailing()).put(MimeBundle.TEXT_HTML, html.toString());
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
