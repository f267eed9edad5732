package io.djlkernel.kernel.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryTest {
    private static List<String> inputs(List<HistoryEntry> entries) {
        return entries.stream().map(HistoryEntry::input).toList();
    }

    private static History sample() {
        History h = new History();
        h.add(1, "int a = 1;");
        h.add(2, "a + 1");
        h.add(3, "int a = 1;");
        h.add(4, "System.out.println(a)");
        return h;
    }

    @Test
    void tailReturnsTheLastEntriesOldestFirst() {
        assertEquals(List.of("int a = 1;", "System.out.println(a)"), inputs(sample().tail(2)));
        assertEquals(4, sample().tail(100).size());
    }

    @Test
    void rangeIsHalfOpenAndOnlyKnowsTheCurrentSession() {
        History h = sample();
        assertEquals(List.of("a + 1", "int a = 1;"), inputs(h.range(0, 2, 4)));
        assertEquals(3, h.range(1, 2, 0).size());
        assertEquals(0, h.range(-1, 1, 0).size());
    }

    @Test
    void searchMatchesGlobsAndCanBeUnique() {
        History h = sample();
        assertEquals(List.of("int a = 1;", "int a = 1;"), inputs(h.search("int*", 0, false)));
        assertEquals(List.of("a + 1", "int a = 1;", "System.out.println(a)"), inputs(h.search("*", 0, true)));
        assertEquals(3, h.search("*", 0, true).get(1).line(), "unique keeps the latest line");
        assertEquals(List.of("System.out.println(a)"), inputs(h.search("*", 1, false)));
        assertEquals(List.of("a + 1"), inputs(h.search("?[ ]+ 1", 0, false)));
        assertEquals(List.of(), inputs(h.search("INT*", 0, false)));
    }

    @Test
    void outputIsStoredPerLine() {
        History h = sample();
        h.setOutput(2, "2");
        assertEquals("2", h.range(0, 2, 3).get(0).output());
    }
}
