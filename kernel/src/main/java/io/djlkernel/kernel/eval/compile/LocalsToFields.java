package io.djlkernel.kernel.eval.compile;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreeScanner;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Makes a cell's top-level local variables static fields of the cell's class, after javac has analysed the cell
 * as a method with locals and before it generates code, in the same task. javac has then inferred each
 * {@code var}'s type itself, so a cell with {@code var} needs no second task with the types written out, and the
 * variables still behave as JShell's: fields that later cells import, that a lambda reads when it runs (not a
 * copy taken when it was made), and that keep their value when a later line of the cell fails.
 *
 * <p>Each declaration {@code T x = e;} becomes the assignment {@code x = e;} to a new field {@code x} of javac's
 * type for the local (javac writes its generic signature), and every use of the local becomes a use of the field.
 * Uses before the declaration still mean an earlier cell's {@code x}, as in JShell, where each line is a snippet.
 *
 * <p>javac's trees and symbols are internals, reached by reflection: this needs {@code --add-exports} of
 * {@code jdk.compiler}'s {@code api}, {@code code}, {@code tree} and {@code util} packages (the kernel jar's manifest
 * has them); {@link #find} is empty without.
 */
public final class LocalsToFields {
    private static final long PUBLIC_STATIC = Modifier.PUBLIC | Modifier.STATIC; // javac's flags use the same bits

    private final Method getContext;
    private final Method treeMakerInstance;
    private final Method at;
    private final Method identOf;
    private final Method assign;
    private final Method exec;
    private final Method skip;
    private final Method setType;
    private final Constructor<?> newVarSymbol;
    private final Method members;
    private final Method enter;
    private final Method listFrom;
    private final Field classSymbol;
    private final Field blockStatements;
    private final Field variableSymbol;
    private final Field initializer;
    private final Field identSymbol;
    private final Field treePosition;
    private final Field symbolName;
    private final Field symbolType;

    private LocalsToFields() throws ReflectiveOperationException {
        Class<?> context = Class.forName("com.sun.tools.javac.util.Context");
        getContext = Class.forName("com.sun.tools.javac.api.BasicJavacTask").getMethod("getContext");
        Class<?> treeMaker = Class.forName("com.sun.tools.javac.tree.TreeMaker");
        Class<?> tree = Class.forName("com.sun.tools.javac.tree.JCTree");
        Class<?> expression = Class.forName("com.sun.tools.javac.tree.JCTree$JCExpression");
        Class<?> symbol = Class.forName("com.sun.tools.javac.code.Symbol");
        Class<?> type = Class.forName("com.sun.tools.javac.code.Type");
        Class<?> name = Class.forName("com.sun.tools.javac.util.Name");
        treeMakerInstance = treeMaker.getMethod("instance", context);
        at = treeMaker.getMethod("at", int.class);
        identOf = treeMaker.getMethod("Ident", symbol);
        assign = treeMaker.getMethod("Assign", expression, expression);
        exec = treeMaker.getMethod("Exec", expression);
        skip = treeMaker.getMethod("Skip");
        setType = tree.getMethod("setType", type);
        newVarSymbol = Class.forName("com.sun.tools.javac.code.Symbol$VarSymbol")
                .getConstructor(long.class, name, type, symbol);
        members = Class.forName("com.sun.tools.javac.code.Symbol$ClassSymbol").getMethod("members");
        enter = Class.forName("com.sun.tools.javac.code.Scope$WriteableScope").getMethod("enter", symbol);
        listFrom = Class.forName("com.sun.tools.javac.util.List").getMethod("from", Object[].class);
        classSymbol = Class.forName("com.sun.tools.javac.tree.JCTree$JCClassDecl").getField("sym");
        blockStatements = Class.forName("com.sun.tools.javac.tree.JCTree$JCBlock").getField("stats");
        Class<?> variable = Class.forName("com.sun.tools.javac.tree.JCTree$JCVariableDecl");
        variableSymbol = variable.getField("sym");
        initializer = variable.getField("init");
        identSymbol = Class.forName("com.sun.tools.javac.tree.JCTree$JCIdent").getField("sym");
        treePosition = tree.getField("pos");
        symbolName = symbol.getField("name");
        symbolType = symbol.getField("type");
    }

    /** Empty where javac's internals cannot be reached from here. */
    public static Optional<LocalsToFields> find() {
        try {
            Module ours = LocalsToFields.class.getModule();
            for (String internal : List.of("com.sun.tools.javac.tree.JCTree", "com.sun.tools.javac.code.Symbol",
                    "com.sun.tools.javac.util.Context", "com.sun.tools.javac.api.BasicJavacTask")) {
                Class<?> type = Class.forName(internal);
                if (!type.getModule().isExported(type.getPackageName(), ours)) return Optional.empty();
            }
            return Optional.of(new LocalsToFields());
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    /**
     * Rewrites the cell's trees in place. On a failure the task's trees are half rewritten: do not generate it.
     *
     * @param task   analysed without errors, not yet generated
     * @param type   the cell's class
     * @param body   the body of the cell's method
     * @param locals top-level declarations of {@code body}, to become fields of {@code type}
     */
    public void apply(JavacTask task, ClassTree type, BlockTree body, List<? extends VariableTree> locals)
            throws ReflectiveOperationException {
        Object maker = treeMakerInstance.invoke(null, getContext.invoke(task));
        Object owner = classSymbol.get(type);
        Object scope = members.invoke(owner);
        Map<Object, Object> fieldOfLocal = new IdentityHashMap<>();
        for (VariableTree local : locals) {
            Object localSymbol = variableSymbol.get(local);
            Object field = newVarSymbol.newInstance(PUBLIC_STATIC, symbolName.get(localSymbol),
                    symbolType.get(localSymbol), owner);
            enter.invoke(scope, field);
            fieldOfLocal.put(localSymbol, field);
        }
        Set<Object> declarations = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        declarations.addAll(locals);
        List<Object> statements = new ArrayList<>();
        for (StatementTree statement : body.getStatements()) {
            if (!declarations.contains(statement)) {
                statements.add(statement);
                continue;
            }
            Object field = fieldOfLocal.get(variableSymbol.get(statement));
            Object init = initializer.get(statement);
            at.invoke(maker, treePosition.get(statement)); // the same line, for stack traces
            if (init == null) {
                statements.add(skip.invoke(maker)); // the field starts at its default, as JShell's would
                continue;
            }
            Object assignment = assign.invoke(maker, identOf.invoke(maker, field), init);
            setType.invoke(assignment, symbolType.get(field));
            statements.add(exec.invoke(maker, assignment));
        }
        retargetUses(body, fieldOfLocal);
        blockStatements.set(body, listFrom.invoke(null, (Object) statements.toArray()));
    }

    /** Every use of one of the locals, lambdas and anonymous classes included, now names its field. */
    private void retargetUses(BlockTree body, Map<Object, Object> fieldOfLocal) throws ReflectiveOperationException {
        ReflectiveOperationException[] failure = {null};
        new TreeScanner<Void, Void>() {
            @Override
            public Void visitIdentifier(IdentifierTree node, Void unused) {
                try {
                    Object field = fieldOfLocal.get(identSymbol.get(node));
                    if (field != null) identSymbol.set(node, field);
                } catch (ReflectiveOperationException e) {
                    failure[0] = e;
                }
                return null;
            }
        }.scan(body, null);
        if (failure[0] != null) throw failure[0];
    }
}
