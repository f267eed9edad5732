package io.djlkernel.kernel.eval;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The debugger's copyToGlobals through the interpreter: declared once JShell is free, with the best type it takes. */
class CopiedVariablesTest {
    private static JShellInterpreter java;

    @BeforeAll
    static void start() {
        java = new JShellInterpreter();
    }

    @AfterAll
    static void stop() {
        java.close();
    }

    @Test
    void aCopyIsDeclaredBeforeTheNextCellWithItsStaticType() throws Exception {
        List<String> names = new java.util.ArrayList<>(List.of("a"));
        CompletableFuture<String> declared = java.declareVariable("copied", List.of("java.util.List<java.lang.String>",
                "java.util.List"), names);
        assertFalse(declared.isDone(), "nothing runs JShell until a cell does");
        // List<String>, not the runtime ArrayList: List.of assigns to it, get(0) is a String
        assertEquals(2, java.eval("copied = List.of(copied.get(0) + \"b\");\ncopied.get(0).length()").value());
        assertEquals("java.util.List<java.lang.String>", declared.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aTypeJShellCannotUseFallsBackToTheNearestPublicClass() throws Exception {
        // a private nested class: no cell can name it, its public superclass (AbstractList) it can
        Object hidden = new Hidden();
        CompletableFuture<String> declared = java.declareVariable("hidden", List.of("io.djlkernel.kernel.eval."
                + "CopiedVariablesTest.Hidden"), hidden);
        java.eval("int unrelated = 1;");
        assertEquals("java.util.AbstractList", declared.get(5, TimeUnit.SECONDS));
        assertSame(hidden, java.eval("hidden").value());
    }

    @Test
    void anExistingVariableWhoseTypeTakesTheValueIsAssigned() throws Exception {
        java.eval("int count = 1;\nint countPlusOne = count + 1;");
        CompletableFuture<String> declared = java.declareVariable("count", List.of("int"), 41);
        java.eval("int other = 0;");
        assertEquals("int", declared.get(5, TimeUnit.SECONDS));
        assertEquals(41, java.eval("count").value());
        assertEquals(2, java.eval("countPlusOne").value(), "what depended on it was not run again");
    }

    private static final class Hidden extends java.util.AbstractList<String> {
        @Override
        public String get(int index) {
            return "x";
        }

        @Override
        public int size() {
            return 1;
        }
    }
}
