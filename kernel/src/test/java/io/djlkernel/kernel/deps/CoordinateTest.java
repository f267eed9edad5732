package io.djlkernel.kernel.deps;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoordinateTest {
    @Test
    void threeParts() {
        assertEquals(new Coordinate("g", "a", "jar", "", "1.0"), Coordinate.parse("g:a:1.0"));
    }

    @Test
    void versionThenClassifier() {
        Coordinate c = Coordinate.parse("ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64");
        assertEquals("2.7.1", c.version());
        assertEquals("linux-x86_64", c.classifier());
        assertEquals("jar", c.extension());
    }

    @Test
    void ijavaExtensionThenVersion() {
        Coordinate c = Coordinate.parse("org.example:bom:pom:1.0");
        assertEquals("pom", c.extension());
        assertEquals("1.0", c.version());
        assertEquals("", c.classifier());
    }

    @Test
    void ijavaFiveParts() {
        Coordinate c = Coordinate.parse("ai.djl.pytorch:pytorch-native-cpu:jar:linux-x86_64:2.7.1");
        assertEquals(new Coordinate("ai.djl.pytorch", "pytorch-native-cpu", "jar", "linux-x86_64", "2.7.1"), c);
    }

    @Test
    void rangesAndMetaVersionsAreVersions() {
        assertEquals("[1.0,2.0)", Coordinate.parse("g:a:[1.0,2.0):sources").version());
        assertEquals("LATEST", Coordinate.parse("g:a:LATEST:sources").version());
    }

    @Test
    void badInputNamesTheFormsAccepted() {
        for (String bad : new String[] {"g:a", "g", "g:a:b:c:d:e", ":a:1", "g::1", "g:a:", "g a:b:1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Coordinate.parse(bad), bad);
            assertTrue(e.getMessage().contains("group:artifact:version"), e.getMessage());
        }
    }
}
