package io.djlkernel.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsLiteralTest {
    @Test
    void readsTheLooseLiteralsTablesawTemplatesWrite() {
        String js = "var trace0 =\n{\n  x: [\"1.0\",2, -3.5e2,],\n  // comment\n  'quoted key': 'it\\'s',\n"
                + "  z: [[1.0,2.0,],[3.0,NaN,],],\n  w: [Infinity, -Infinity, 1e3],\n  visible: true, gone: undefined, /* block */ n: null,\n"
                + "  \"color\" : \"blue\",\n  title: 'My &quot;title&quot; &amp; &#60;b&#x3e;',\n};";
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) JsLiteral.parseAssigned(js);
        assertEquals(List.of("1.0", 2L, -350.0), m.get("x"));
        assertEquals("it's", m.get("quoted key"));
        assertEquals(List.of(List.of(1.0, 2.0), Arrays.asList(3.0, null)), m.get("z"));
        assertEquals(Arrays.asList(null, null, 1000.0), m.get("w"));
        assertEquals(true, m.get("visible"));
        assertTrue(!m.containsKey("gone") && m.containsKey("n"));
        assertEquals("blue", m.get("color"));
        assertEquals("My \"title\" & <b>", m.get("title"));
    }

    @Test
    void malformedInputSaysWhereItBroke() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JsLiteral.parseAssigned("var a = {x: [1, 2 y: 3}"));
        assertTrue(e.getMessage().contains("expected ',' or ']'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JsLiteral.parseAssigned("var a = 'no object';"));
        assertThrows(IllegalArgumentException.class, () -> JsLiteral.parseAssigned("var a = {s: 'unterminated}"));
    }
}
