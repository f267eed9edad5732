package io.djlkernel.kernel.magic;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParsedCellTest {
    @Test
    void cellMagicTakesTheRestOfTheCell() {
        ParsedCell cell = ParsedCell.parse("\n%%bash -x\necho a\necho b");
        assertEquals("bash", cell.cellMagic().name());
        assertEquals("-x", cell.cellMagic().args());
        assertEquals("echo a\necho b", cell.cellMagic().body());
    }

    @Test
    void lineMagicsSplitJavaAndKeepLineNumbers() {
        ParsedCell cell = ParsedCell.parse("int a = 1;\n  %maven g:a:1;\nint b = a % 2;");
        assertNull(cell.cellMagic());
        List<ParsedCell.Part> parts = cell.parts();
        assertEquals(new ParsedCell.Java("int a = 1;"), parts.get(0));
        assertEquals(new ParsedCell.Magic("maven", "g:a:1", 2), parts.get(1));
        assertEquals(new ParsedCell.Java("\n\nint b = a % 2;"), parts.get(2), "modulo is Java, not a magic");
    }

    @Test
    void aMagicAsAValueBecomesABridgeCallWithItsType() {
        ParsedCell cell = ParsedCell.parse("var jars = %jars lib/*.jar \"x y\";", name -> "java.util.List<java.nio.file.Path>");
        String java = ((ParsedCell.Java) cell.parts().get(0)).code();
        assertEquals("var jars = " + ParsedCell.BRIDGE + ".<java.util.List<java.nio.file.Path>>line(\"jars\", "
                + "\"lib/*.jar \\\"x y\\\"\");", java);
        assertTrue(ParsedCell.parse("int r = 7 % 3;").parts().get(0).toString().contains("7 % 3"));
    }

    private static String java(String code) {
        return ((ParsedCell.Java) ParsedCell.parse(code).parts().get(0)).code();
    }

    private static String call(String name, String args) {
        return ParsedCell.BRIDGE + ".<java.lang.Object>line(\"" + name + "\", \"" + args + "\")";
    }

    @Test
    void aMagicIsAValueWhereverAnExpressionMayStart() {
        assertEquals("String s = \"x\" + " + call("env", "HOME") + ";", java("String s = \"x\" + %env HOME;"));
        assertEquals("foo(" + call("jars", "lib/*.jar") + ")", java("foo(%jars lib/*.jar)"));
        assertEquals("foo(" + call("env", "A") + ", " + call("env", "B") + ");", java("foo(%env A, %env B);"));
        assertEquals("return " + call("env", "HOME") + ";", java("return %env HOME"));
        assertEquals("var v = cond ? (" + call("env", "A") + ") : null;", java("var v = cond ? (%env A) : null;"),
                "arguments may hold colons (%maven g:a:1), so a magic inside ?: goes in brackets");
        assertEquals("List.of(" + call("system", "echo \\\"a, b\\\" (c)") + ")",
                java("List.of(%system echo \"a, b\" (c))"), "quotes and brackets of its own stay in the arguments");
    }

    @Test
    void percentSignsThatAreNotMagicsStayJava() {
        for (String code : List.of("int r = a %b;", "int r = f(x) %y;", "String f = \"100%d = %env\";",
                "char c = '%'; int m = 5 % 2;", "// = %env HOME", "/* = %env HOME */ int x = 1;", "r %= 3;")) {
            assertEquals(code, java(code), code);
        }
        String textBlock = "String t = \"\"\"\n  x = %env HOME\n%env\n  \"\"\";";
        assertEquals(List.of(new ParsedCell.Java(textBlock)), ParsedCell.parse(textBlock).parts(),
                "a text block's lines are text, even one that starts with %");
    }

    @Test
    void javaOnlyBlanksMagicLinesKeepingOffsets() {
        String code = "%time x\nint y = 1;";
        String java = ParsedCell.javaOnly(code);
        assertEquals(code.length(), java.length());
        assertEquals("       \nint y = 1;", java);
    }
}
