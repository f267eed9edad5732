package io.djlkernel.kernel.eval;

import jdk.jshell.SourceCodeAnalysis.SnippetWrapper;

import java.util.ArrayList;
import java.util.List;

/**
 * How the line numbers of one class JShell compiled for a cell (the class files' line table counts lines of
 * JShell's wrapped source) correspond to the lines of the notebook cell the code came from.
 *
 * @param className  the wrapper class, e.g. {@code REPL.$JShell$12}; its nested classes share its lines
 * @param cellCode   the whole cell as the front end sent it
 * @param label      what to call the cell, e.g. "In [4]"
 * @param cellLines  for each class line (index 1..), the cell line (1-based) it holds, or 0
 * @param imports    the wrapper's import lines, which code compiled in the context of this class needs
 */
public record SnippetLines(String className, String cellCode, String label, int[] cellLines, String imports) {

    /** The cell line of a class line, or 0 when the class line is JShell's own wrapping. */
    public int cellLine(int classLine) {
        return classLine > 0 && classLine < cellLines.length ? cellLines[classLine] : 0;
    }

    /** The class lines that hold code of {@code cellLine}. */
    public List<Integer> classLines(int cellLine) {
        List<Integer> lines = new ArrayList<>();
        for (int i = 1; i < cellLines.length; i++) if (cellLines[i] == cellLine) lines.add(i);
        return lines;
    }

    SnippetLines withClassName(String name) {
        return new SnippetLines(name, cellCode, label, cellLines, imports);
    }

    /**
     * @param wrapper      JShell's wrapping of one snippet
     * @param snippetShift characters the evaluated snippet has before the user's text starts (a value expression
     *                     is evaluated inside {@code CellValue.keep(...)})
     * @param partOffset   where the user's text of the snippet starts in {@code part}
     * @param part         the Java part of the cell the snippet came from (same line numbers as the cell)
     */
    static SnippetLines of(SnippetWrapper wrapper, int snippetShift, int partOffset, String part, CellOrigin.Cell cell) {
        String wrapped = wrapper.wrapped();
        String[] lines = wrapped.split("\n", -1);
        int[] lineStarts = new int[lines.length];
        for (int i = 1; i < lines.length; i++) lineStarts[i] = lineStarts[i - 1] + lines[i - 1].length() + 1;
        int[] cellLines = new int[lines.length + 1];
        // from each character of the user's text to the class line it landed on (the other way round, JShell maps
        // its own wrapping to the nearest end of the snippet)
        String source = wrapper.source();
        for (int position = snippetShift; position < source.length(); position++) {
            if (Character.isWhitespace(source.charAt(position))) continue;
            int partPosition = partOffset + position - snippetShift;
            if (partPosition >= part.length()) break;
            int wrappedPosition = wrapper.sourceToWrappedPosition(position);
            // comments are not in the wrapped text: count only characters that are there
            if (wrappedPosition < 0 || wrappedPosition >= wrapped.length()
                    || wrapped.charAt(wrappedPosition) != source.charAt(position)) {
                continue;
            }
            int index = java.util.Arrays.binarySearch(lineStarts, wrappedPosition);
            int classLine = (index >= 0 ? index : -index - 2) + 1;
            if (cellLines[classLine] == 0) cellLines[classLine] = lineOf(part, partPosition);
        }
        // JShell's own code before the user's text belongs to the line that follows: javac gives a statement the line
        // it starts on, and for `return $1 =` or `return CellValue.keep(` that is JShell's line, not the user's
        for (int line = cellLines.length - 2; line >= 1; line--) {
            if (cellLines[line] == 0) cellLines[line] = cellLines[line + 1];
        }
        StringBuilder imports = new StringBuilder();
        for (String line : lines) {
            if (line.startsWith("import ")) imports.append(line).append('\n');
        }
        return new SnippetLines(wrapper.fullClassName(), cell.code(), cell.label(), cellLines, imports.toString());
    }

    private static int lineOf(String text, int position) {
        int line = 1;
        for (int i = 0; i < position; i++) if (text.charAt(i) == '\n') line++;
        return line;
    }
}
