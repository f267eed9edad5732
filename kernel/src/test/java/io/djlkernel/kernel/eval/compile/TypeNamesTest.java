package io.djlkernel.kernel.eval.compile;

import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.tools.JavaCompiler;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code var} infers, written back as a declaration can spell it, or not at all. */
class TypeNamesTest {
    private static final Map<String, Optional<TypeNames>> INFERRED = new HashMap<>();

    @BeforeAll
    static void inferTypes() throws Exception {
        String source = "package REPL; import java.util.*; public class Cell {"
                + " private static class Hidden {} public static class Shown {}"
                + " static void cell(boolean flag) {"
                + "   var names = new ArrayList<String>();"
                + "   var entry = Map.of(\"k\", List.of(1)).entrySet().iterator().next();"
                + "   var grid = new int[2][3];"
                + "   var wild = (List<? extends Number>) List.of(1);"
                + "   var anonymous = new Object() { int x; };"
                + "   var mixed = flag ? 1 : \"one\";"
                + "   var shown = new Shown();"
                + " } }";
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        SimpleJavaFileObject file = new SimpleJavaFileObject(URI.create("string:///REPL/Cell.java"),
                SimpleJavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        JavacTask task = (JavacTask) javac.getTask(null, null, null, List.of("-proc:none"), null, List.of(file));
        var units = task.parse();
        task.analyze();
        Trees trees = Trees.instance(task);
        new TreePathScanner<Void, Void>() {
            @Override
            public Void visitVariable(VariableTree node, Void unused) {
                INFERRED.put(node.getName().toString(), TypeNames.of(trees.getTypeMirror(getCurrentPath())));
                return super.visitVariable(node, unused);
            }
        }.scan(new TreePath(units.iterator().next()), null);
    }

    private static TypeNames named(String variable) {
        Optional<TypeNames> names = INFERRED.get(variable);
        assertTrue(names.isPresent(), variable + " should be writable");
        return names.get();
    }

    @Test
    void declaredTypesAreWrittenQualifiedForCodeAndSimpleForPeople() {
        assertEquals("java.util.ArrayList<java.lang.String>", named("names").source);
        assertEquals("ArrayList<String>", named("names").display);
        assertEquals("java.util.Map.Entry<java.lang.String, java.util.List<java.lang.Integer>>", named("entry").source);
        assertEquals("Map.Entry<String, List<Integer>>", named("entry").display);
        assertEquals("int[][]", named("grid").source);
        assertEquals("java.util.List<? extends java.lang.Number>", named("wild").source);
    }

    @Test
    void aClassOfTheSessionPackageIsNamedForJShellByItsOwnName() {
        assertEquals("REPL.Cell.Shown", named("shown").source);
        assertEquals("Shown", named("shown").forJShell);
        assertEquals("java.util.ArrayList<java.lang.String>", named("names").forJShell);
    }

    @Test
    void typesNoDeclarationCanSpellAreRefused() {
        assertTrue(INFERRED.get("anonymous").isEmpty(), "an anonymous class");
        assertTrue(INFERRED.get("mixed").isEmpty(), "an intersection");
    }
}
