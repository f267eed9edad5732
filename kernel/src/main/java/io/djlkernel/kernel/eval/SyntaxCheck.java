package io.djlkernel.kernel.eval;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticListener;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.net.URI;
import java.util.List;

/**
 * Tells code that no continuation can fix ({@code class {}, {@code int 3x = 1;}) from code that is only unfinished
 * ({@code foo(}, {@code for (...) {}), for is_complete's "invalid". JShell's own analysis calls the first kind
 * incomplete or complete; javac's parser knows better: a snippet is invalid when, in every form it could take
 * (a statement, a member declaration, an expression), the parser's first error lies inside the snippet rather
 * than at its end, where more lines could still go.
 */
final class SyntaxCheck {
    /** A snippet placed where a statement, a member and an expression go; the offset is where the snippet starts. */
    private record Form(String before, String after) {
    }

    private static final List<Form> FORMS = List.of(
            new Form("class $Check { void $run() throws Throwable {\n", "\n} }"),
            new Form("class $Check {\n", "\n}"),
            new Form("class $Check { Object $value = (\n", "\n); }"));

    private static final java.util.Set<String> UNCLOSED =
            java.util.Set.of("compiler.err.unclosed.text.block", "compiler.err.unclosed.comment");

    private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();

    /** Whether {@code snippet} (one JShell snippet) has a syntax error before its end in every form it could take. */
    boolean noContinuationCanFix(String snippet) {
        String code = snippet.stripTrailing();
        if (javac == null || code.isEmpty() || code.startsWith("import ")) return false;
        for (Form form : FORMS) {
            long firstError = firstSyntaxError(form.before() + code + form.after());
            if (firstError < 0 || firstError >= form.before().length() + code.length()) return false;
        }
        return true;
    }

    /** The offset of the parser's first error, or -1 when it parses. */
    private long firstSyntaxError(String source) {
        long[] first = {-1};
        DiagnosticListener<JavaFileObject> listener = d -> {
            if (d.getKind() != Diagnostic.Kind.ERROR || first[0] >= 0) return;
            // an open text block or comment is reported where it starts, yet more lines can close it
            boolean unclosed = UNCLOSED.contains(d.getCode());
            first[0] = unclosed ? Long.MAX_VALUE : Math.max(0, d.getPosition());
        };
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///Check.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        try {
            com.sun.source.util.JavacTask task = (com.sun.source.util.JavacTask) javac.getTask(
                    null, null, listener, List.of("-proc:none", "-Xlint:none"), null, List.of(file));
            task.parse();
        } catch (java.io.IOException | RuntimeException e) {
            return -1; // cannot tell: leave the verdict to JShell
        }
        return first[0];
    }
}
