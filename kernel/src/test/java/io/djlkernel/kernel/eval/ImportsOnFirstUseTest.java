package io.djlkernel.kernel.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ImportsOnFirstUseTest {
    private final ImportsOnFirstUse imports =
            new ImportsOnFirstUse(ImportsOnFirstUseTest.class::getClassLoader, List::of);

    private List<String> neededBy(String code) {
        return imports.takeNeededBy(code, name -> false).stream().map(ImportsOnFirstUse.NameImport::declaration).toList();
    }

    @Test
    void qualifiedNamesNeedNoImportButSimpleOnesDo() {
        imports.add("import java.util.*;");
        assertEquals(List.of(), neededBy("java.util.List<String> a = new java.util. ArrayList<>();"));
        assertEquals(List.of("import java.util.List;"), neededBy("List<String> b = java.util.List.of();"));
        assertEquals(List.of(), neededBy("List<String> c = List.of(); // List again: made already"));
    }
}
