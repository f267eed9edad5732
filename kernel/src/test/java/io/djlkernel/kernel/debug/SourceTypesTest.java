package io.djlkernel.kernel.debug;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SourceTypesTest {
    @Test
    void genericSignaturesReadAsACellWritesThem() {
        assertEquals("java.util.List<java.lang.String>", SourceTypes.ofSignature("Ljava/util/List<Ljava/lang/String;>;"));
        assertEquals("java.util.Map<java.lang.String, ? extends java.lang.Number>",
                SourceTypes.ofSignature("Ljava/util/Map<Ljava/lang/String;+Ljava/lang/Number;>;"));
        assertEquals("java.util.List<? super int[]>", SourceTypes.ofSignature("Ljava/util/List<-[I>;"));
        assertEquals("java.util.List<?>[]", SourceTypes.ofSignature("[Ljava/util/List<*>;"));
        assertEquals("java.util.Map.Entry<java.lang.String, Point>",
                SourceTypes.ofSignature("Ljava/util/Map$Entry<Ljava/lang/String;LREPL/$JShell$12$Point;>;"));
    }

    @Test
    void typeVariablesAndInnerClassesOfParameterizedOnesAreLeftToTheErasedType() {
        assertNull(SourceTypes.ofSignature("Ljava/util/List<TT;>;"));
        assertNull(SourceTypes.ofSignature("TT;"));
        assertNull(SourceTypes.ofSignature("LOuter<Ljava/lang/String;>.Inner;"));
        assertNull(SourceTypes.ofSignature(null));
        assertNull(SourceTypes.ofSignature("Ljava/util/List<"));
    }

    @Test
    void binaryNamesOfCellClassesAreTheNamesCellsUse() {
        assertEquals("Point", SourceTypes.ofTypeName("REPL.$JShell$12$Point"));
        assertEquals("Shapes.Circle", SourceTypes.ofTypeName("REPL.$JShell$7B$Shapes$Circle"));
        assertEquals("java.util.Map.Entry", SourceTypes.ofTypeName("java.util.Map$Entry"));
        assertEquals("int[]", SourceTypes.ofTypeName("int[]"));
    }
}
