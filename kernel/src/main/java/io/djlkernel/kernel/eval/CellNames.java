package io.djlkernel.kernel.eval;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Names a cell gives itself, read from its text before it is compiled. */
final class CellNames {
    /** Text blocks, strings, chars and comments: what a cell's names are not read from. */
    static final Pattern COMMENTS_AND_STRINGS = Pattern.compile(
            "\"\"\"[\\s\\S]*?(?:\"\"\"|$)|\"(?:\\\\.|[^\"\\\\\\n])*\"?|'(?:\\\\.|[^'\\\\\\n])*'?|//[^\\n]*|/\\*[\\s\\S]*?(?:\\*/|$)");
    private static final Pattern TYPE_DECLARATION =
            Pattern.compile("\\b(?:class|interface|enum|record)\\s+([\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)");
    private static final Pattern SINGLE_IMPORT =
            Pattern.compile("\\bimport\\s+(?!static\\b)[\\w$.\\s]*\\.\\s*([\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)\\s*;");

    private CellNames() {
    }

    /** Simple names of the classes, interfaces, enums and records a cell declares, and of its single-type imports. */
    static Set<String> typesDeclaredOrImported(String code) {
        String text = COMMENTS_AND_STRINGS.matcher(code).replaceAll(" ");
        Set<String> names = new HashSet<>();
        for (Pattern p : new Pattern[]{TYPE_DECLARATION, SINGLE_IMPORT}) {
            Matcher m = p.matcher(text);
            while (m.find()) names.add(m.group(1));
        }
        return names;
    }
}
