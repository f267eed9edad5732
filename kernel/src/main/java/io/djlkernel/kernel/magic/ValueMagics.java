package io.djlkernel.kernel.magic;

import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Line magics used as values inside Java: {@code var jars = %jars lib/*.jar;}, {@code String s = "x" + %env HOME;},
 * {@code foo(%jars lib/*.jar)}. A {@code %name} is a magic where an expression may start (after {@code = ( , [ {},
 * an operator, {@code ?}, {@code :}, {@code return} or {@code yield}), never inside a string, character literal,
 * text block or comment, and never after an operand ({@code a % b} stays modulo). Its arguments run to the end of
 * the line or to the first {@code ;}, {@code ,}, or closing bracket that is not inside quotes or brackets of their
 * own. Each becomes a call of {@link MagicBridge#line} typed as the magic declares.
 */
final class ValueMagics {
    /** What a line leaves open for the next one: a block comment or a text block. */
    static final class State {
        boolean inBlockComment;
        boolean inTextBlock;
    }

    private static final String OPERAND_BEFORE_MODULO = "\"')]}";
    private static final Set<String> KEYWORDS_BEFORE_VALUE = Set.of("return", "yield");

    private ValueMagics() {
    }

    static String rewrite(String line, State state, UnaryOperator<String> valueTypes) {
        StringBuilder out = new StringBuilder(line.length());
        int i = 0;
        int n = line.length();
        while (i < n) {
            if (state.inBlockComment) {
                int end = line.indexOf("*/", i);
                int stop = end < 0 ? n : end + 2;
                out.append(line, i, stop);
                if (end >= 0) state.inBlockComment = false;
                i = stop;
                continue;
            }
            if (state.inTextBlock) {
                int stop = endOfTextBlock(line, i);
                out.append(line, i, stop < 0 ? n : stop);
                if (stop >= 0) state.inTextBlock = false;
                i = stop < 0 ? n : stop;
                continue;
            }
            char c = line.charAt(i);
            if (line.startsWith("//", i)) {
                out.append(line, i, n);
                break;
            }
            if (line.startsWith("/*", i)) {
                state.inBlockComment = true;
                out.append("/*");
                i += 2;
                continue;
            }
            if (line.startsWith("\"\"\"", i)) {
                state.inTextBlock = true;
                out.append("\"\"\"");
                i += 3;
                continue;
            }
            if (c == '"' || c == '\'') {
                int stop = endOfLiteral(line, i, c);
                out.append(line, i, stop);
                i = stop;
                continue;
            }
            if (c == '%' && i + 1 < n && Character.isLetter(line.charAt(i + 1)) && valueMayStartAfter(out)) {
                int nameEnd = i + 1;
                while (nameEnd < n && (Character.isLetterOrDigit(line.charAt(nameEnd)) || "_.-".indexOf(line.charAt(nameEnd)) >= 0)) {
                    nameEnd++;
                }
                String name = line.substring(i + 1, nameEnd);
                int argsEnd = endOfArguments(line, nameEnd);
                String args = line.substring(nameEnd, argsEnd).strip();
                boolean statementEnds = argsEnd == n && endsAStatement(out);
                out.append(MagicBridge.class.getName()).append(".<").append(valueTypes.apply(name)).append(">line(\"")
                        .append(escape(name)).append("\", \"").append(escape(args)).append("\")");
                if (statementEnds) out.append(';');
                i = argsEnd;
                continue;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /** Whether what precedes (on this line) leaves room for an operand: an operator, an opening bracket, a keyword. */
    private static boolean valueMayStartAfter(StringBuilder before) {
        int j = before.length() - 1;
        while (j >= 0 && Character.isWhitespace(before.charAt(j))) j--;
        if (j < 0) return false; // a magic at the start of a line is a statement of its own (ParsedCell's job)
        char prev = before.charAt(j);
        if (Character.isLetterOrDigit(prev) || prev == '_' || prev == '$') {
            int start = j;
            while (start > 0 && Character.isJavaIdentifierPart(before.charAt(start - 1))) start--;
            return KEYWORDS_BEFORE_VALUE.contains(before.substring(start, j + 1));
        }
        return OPERAND_BEFORE_MODULO.indexOf(prev) < 0 && prev != '.';
    }

    /** {@code x = %m args} or {@code return %m args} run to the line's end: the statement ends there too. */
    private static boolean endsAStatement(StringBuilder before) {
        String text = before.toString().stripTrailing();
        if (text.endsWith("return") || text.endsWith("yield")) return true;
        return text.endsWith("=") && !text.endsWith("==") && !text.endsWith("!=") && !text.endsWith("<=")
                && !text.endsWith(">=");
    }

    private static int endOfArguments(String line, int from) {
        int depth = 0;
        char quote = 0;
        for (int i = from; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == '\\') i++;
                else if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (depth == 0) return i;
                depth--;
            } else if ((c == ';' || c == ',') && depth == 0) {
                return i;
            }
        }
        return line.length();
    }

    private static int endOfLiteral(String line, int start, char quote) {
        for (int i = start + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') i++;
            else if (c == quote) return i + 1;
        }
        return line.length();
    }

    /** The index just after the text block's closing quotes on this line, or -1 if it goes on. */
    private static int endOfTextBlock(String line, int from) {
        for (int i = from; i < line.length(); i++) {
            if (line.charAt(i) == '\\') {
                i++;
            } else if (line.startsWith("\"\"\"", i)) {
                return i + 3;
            }
        }
        return -1;
    }

    static String escape(String text) {
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
