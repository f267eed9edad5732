package io.djlkernel.kernel.magic;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cell cut into what runs where: Java for JShell, magic lines for the kernel, in their order. Java parts keep
 * their line numbers (they are padded with the blank lines above them), so errors point at the user's lines.
 */
final class ParsedCell {
    private static final Pattern CELL_MAGIC = Pattern.compile("^\\s*%%([A-Za-z][\\w.-]*)[ \\t]*([^\\n]*)\\n?");
    private static final Pattern LINE_MAGIC = Pattern.compile("^\\s*%([A-Za-z][\\w.-]*)(?:[ \\t]+(.*))?$");
    /** A magic as a value: {@code var jars = %jars lib/*.jar;} or {@code return %jars x;}, to the end of the line. */
    private static final Pattern EXPRESSION_MAGIC =
            Pattern.compile("(=|\\breturn)(\\s*)%([A-Za-z][\\w.-]*)(?:[ \\t]+([^;]*?))?\\s*;?\\s*$");
    static final String BRIDGE = MagicBridge.class.getName();

    sealed interface Part permits Java, Magic {
    }

    record Java(String code) implements Part {
    }

    record Magic(String name, String args, int line) implements Part {
    }

    /** {@code %%name args} and the body below it, when the cell is a cell magic. */
    record CellMagicCall(String name, String args, String body) {
    }

    private final CellMagicCall cellMagic;
    private final List<Part> parts;

    private ParsedCell(CellMagicCall cellMagic, List<Part> parts) {
        this.cellMagic = cellMagic;
        this.parts = parts;
    }

    CellMagicCall cellMagic() {
        return cellMagic;
    }

    List<Part> parts() {
        return parts;
    }

    static ParsedCell parse(String code) {
        Matcher cell = CELL_MAGIC.matcher(code);
        if (cell.find() && code.substring(0, cell.start(1) - 2).isBlank()) {
            return new ParsedCell(new CellMagicCall(cell.group(1), cell.group(2).strip(), code.substring(cell.end())),
                    List.of());
        }
        List<Part> parts = new ArrayList<>();
        StringBuilder java = new StringBuilder();
        int javaStartLine = 1;
        String[] lines = code.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher magic = LINE_MAGIC.matcher(lines[i]);
            if (magic.matches()) {
                flush(parts, java, javaStartLine);
                String args = magic.group(2) == null ? "" : stripSemicolon(magic.group(2));
                parts.add(new Magic(magic.group(1), args, i + 1));
                javaStartLine = i + 2;
            } else {
                if (java.length() > 0) java.append('\n');
                java.append(rewriteExpressionMagic(lines[i]));
            }
        }
        flush(parts, java, javaStartLine);
        return new ParsedCell(null, parts);
    }

    /** The cell with every magic line blanked out, same length: for completion and inspection of its Java. */
    static String javaOnly(String code) {
        StringBuilder out = new StringBuilder(code.length());
        String[] lines = code.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) out.append('\n');
            boolean magic = LINE_MAGIC.matcher(lines[i]).matches() || (i == 0 && lines[i].strip().startsWith("%%"));
            out.append(magic ? " ".repeat(lines[i].length()) : lines[i]);
        }
        return out.toString();
    }

    private static void flush(List<Part> parts, StringBuilder java, int startLine) {
        if (java.toString().isBlank()) {
            java.setLength(0);
            return;
        }
        parts.add(new Java("\n".repeat(startLine - 1) + java));
        java.setLength(0);
    }

    private static String rewriteExpressionMagic(String line) {
        Matcher m = EXPRESSION_MAGIC.matcher(line);
        if (!m.find()) return line;
        String args = m.group(4) == null ? "" : m.group(4).strip();
        return line.substring(0, m.start()) + m.group(1) + m.group(2) + BRIDGE + ".line(\"" + escape(m.group(3))
                + "\", \"" + escape(args) + "\");";
    }

    private static String stripSemicolon(String args) {
        String s = args.strip();
        return s.endsWith(";") ? s.substring(0, s.length() - 1).strip() : s;
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\\': out.append("\\\\"); break;
                case '"': out.append("\\\""); break;
                case '\t': out.append("\\t"); break;
                default: out.append(c);
            }
        }
        return out.toString();
    }
}
