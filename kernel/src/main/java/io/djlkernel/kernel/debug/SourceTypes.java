package io.djlkernel.kernel.debug;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The types JDI reports for a variable (binary names, generic signatures) as a cell would write them, so that a
 * variable copied to the session is declared with the type the paused code gave it.
 */
final class SourceTypes {
    /** A class a cell declared: JShell nests it in the snippet's wrapper, cells name it by its own name. */
    private static final Pattern CELL_CLASS = Pattern.compile("^REPL\\.\\$JShell\\$\\d+[A-Z]*\\$(.+)$");

    private SourceTypes() {
    }

    /** {@code java.util.Map$Entry} → {@code java.util.Map.Entry}, {@code REPL.$JShell$12$Point} → {@code Point}. */
    static String ofTypeName(String binaryName) {
        Matcher cell = CELL_CLASS.matcher(binaryName);
        String name = cell.matches() ? cell.group(1) : binaryName;
        return name.replace('$', '.');
    }

    /**
     * {@code Ljava/util/List<Ljava/lang/String;>;} → {@code java.util.List<java.lang.String>}; null for a type that
     * names a type variable (a generic method's {@code T} means nothing outside it) or a signature not understood.
     */
    static String ofSignature(String signature) {
        if (signature == null) return null;
        try {
            Parser parser = new Parser(signature);
            String type = parser.type();
            return parser.at == signature.length() ? type : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static final class Parser {
        private final String text;
        private int at;

        Parser(String text) {
            this.text = text;
        }

        String type() {
            char c = text.charAt(at++);
            switch (c) {
                case 'B': return "byte";
                case 'C': return "char";
                case 'D': return "double";
                case 'F': return "float";
                case 'I': return "int";
                case 'J': return "long";
                case 'S': return "short";
                case 'Z': return "boolean";
                case '[': return type() + "[]";
                case 'L': return classType();
                default: throw new IllegalArgumentException("no source form for " + text); // 'T': a type variable
            }
        }

        /** After the L: binary name, type arguments, nested parts, up to the ';'. */
        private String classType() {
            StringBuilder binary = new StringBuilder();
            StringBuilder arguments = new StringBuilder();
            while (true) {
                char c = text.charAt(at++);
                if (c == ';') break;
                if (c == '<') {
                    arguments.append('<');
                    boolean first = true;
                    while (text.charAt(at) != '>') {
                        if (!first) arguments.append(", ");
                        first = false;
                        char w = text.charAt(at);
                        if (w == '*') {
                            at++;
                            arguments.append('?');
                            continue;
                        }
                        if (w == '+' || w == '-') {
                            at++;
                            arguments.append(w == '+' ? "? extends " : "? super ");
                        }
                        arguments.append(type());
                    }
                    at++;
                    arguments.append('>');
                } else if (c == '.') {
                    // Outer<A>.Inner: left to the erased type
                    if (arguments.length() > 0) throw new IllegalArgumentException("inner class of " + binary + arguments);
                    binary.append('$');
                } else {
                    binary.append(c == '/' ? '.' : c);
                }
            }
            return ofTypeName(binary.toString()) + arguments;
        }
    }
}
