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
        return parse(code, name -> "java.lang.Object");
    }

    /** @param valueTypes the Java type of a line magic's value, for magics used as values */
    static ParsedCell parse(String code, java.util.function.UnaryOperator<String> valueTypes) {
        Matcher cell = CELL_MAGIC.matcher(code);
        if (cell.find() && code.substring(0, cell.start(1) - 2).isBlank()) {
            return new ParsedCell(new CellMagicCall(cell.group(1), cell.group(2).strip(), code.substring(cell.end())),
                    List.of());
        }
        List<Part> parts = new ArrayList<>();
        StringBuilder java = new StringBuilder();
        int javaStartLine = 1;
        ValueMagics.State literals = new ValueMagics.State();
        String[] lines = code.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher magic = LINE_MAGIC.matcher(lines[i]);
            if (magic.matches() && !literals.inBlockComment && !literals.inTextBlock) {
                flush(parts, java, javaStartLine);
                String args = magic.group(2) == null ? "" : stripSemicolon(magic.group(2));
                parts.add(new Magic(magic.group(1), args, i + 1));
                javaStartLine = i + 2;
            } else {
                if (java.length() > 0) java.append('\n');
                java.append(ValueMagics.rewrite(lines[i], literals, valueTypes));
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

    private static String stripSemicolon(String args) {
        String s = args.strip();
        return s.endsWith(";") ? s.substring(0, s.length() - 1).strip() : s;
    }
}
