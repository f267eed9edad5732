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

    @Test
    void javaOnlyBlanksMagicLinesKeepingOffsets() {
        String code = "%time x\nint y = 1;";
        String java = ParsedCell.javaOnly(code);
        assertEquals(code.length(), java.length());
        assertEquals("       \nint y = 1;", java);
    }
}
