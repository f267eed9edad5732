package io.djlkernel.kernel.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.djlkernel.api.display.MimeBundle;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The built-in text/plain: JShell's formats, elision, nesting, cycles, never consuming streams. */
class PlainTextTest {
    private final DefaultRendererRegistry registry = new DefaultRendererRegistry(200, 5);

    private String text(Object value) {
        return (String) registry.render(value).data().get(MimeBundle.TEXT_PLAIN);
    }

    @Test
    void primitiveArraysLikeJShell() {
        assertEquals("int[3] { 1, 2, 3 }", text(new int[] {1, 2, 3}));
        assertEquals("int[0] {  }", text(new int[0]));
        assertEquals("long[2] { 1, -2 }", text(new long[] {1, -2}));
        assertEquals("double[2] { 1.0, 2.5 }", text(new double[] {1, 2.5}));
        assertEquals("float[1] { 0.1 }", text(new float[] {0.1f}));
        assertEquals("boolean[2] { true, false }", text(new boolean[] {true, false}));
        assertEquals("byte[2] { -1, 7 }", text(new byte[] {-1, 7}));
        assertEquals("short[1] { 3 }", text(new short[] {3}));
        assertEquals("char[3] { 'a', '\\'', '\\n' }", text(new char[] {'a', '\'', '\n'}));
    }

    @Test
    void objectAndNestedArraysLikeJShell() {
        assertEquals("String[3] { \"a\", \"say \\\"hi\\\"\", null }", text(new String[] {"a", "say \"hi\"", null}));
        assertEquals("int[2][] { int[2] { 1, 2 }, int[0] {  } }", text(new int[][] {{1, 2}, {}}));
        assertEquals("Object[2] { 1, int[1] { 2 } }", text(new Object[] {1, new int[] {2}}));
    }

    @Test
    void longArraysAreElided() {
        assertEquals("int[8] { 0, 1, 2, 3, 4, ... (3 more) }", text(new int[8]).replace("0, 0, 0, 0, 0", "0, 1, 2, 3, 4"));
        assertEquals("int[8] { 0, 1, 2, 3, 4, ... (3 more) }", text(IntStream.range(0, 8).toArray()));
        assertEquals("int[1000000] { 0, 0, 0, 0, 0, ... (999,995 more) }", text(new int[1_000_000]));
    }

    @Test
    void collectionsAndMapsLikeToString() {
        assertEquals("[a, b, c]", text(List.of("a", "b", "c")));
        assertEquals("[]", text(new ArrayList<>()));
        assertEquals("{k=v}", text(Map.of("k", "v")));
        assertEquals("{}", text(new TreeMap<>()));
        assertEquals("[0, 1, 2, 3, 4, ... (5 more)]", text(IntStream.range(0, 10).boxed().toList()));
        Map<Integer, String> map = new LinkedHashMap<>();
        for (int i = 0; i < 7; i++) map.put(i, "v" + i);
        assertEquals("{0=v0, 1=v1, 2=v2, 3=v3, 4=v4, ... (2 more)}", text(map));
        assertEquals("[[1, 2], {x=int[1] { 3 }}]", text(List.of(List.of(1, 2), Map.of("x", new int[] {3}))));
        assertEquals("k=v", text(Map.entry("k", "v")));
    }

    @Test
    void nestedValuesShareTheBudget() {
        List<String> huge = List.of("x".repeat(1_000_000), "y".repeat(1_000_000));
        String t = text(huge);
        assertEquals("[" + "x".repeat(199) + "... (999,801 more characters), ... (1 more)]", t);
        assertTrue(t.length() < 300, t);
    }

    @Test
    void hugeStringsAreCutWithANote() {
        String s = "z".repeat(1000);
        assertEquals("z".repeat(200) + "... (800 more characters)", text(s));
        assertEquals("z".repeat(200) + "... (800 more characters)", text(new StringBuilder(s)));
        // a surrogate pair is never split
        String emoji = "a".repeat(199) + "\uD83D\uDE00" + "b".repeat(10);
        assertEquals("a".repeat(199) + "... (12 more characters)", text(emoji));
    }

    @Test
    void cyclesArePrintedNotFollowed() {
        List<Object> self = new ArrayList<>();
        self.add(1);
        self.add(self);
        assertEquals("[1, (this Collection)]", text(self));
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("me", map);
        assertEquals("{me=(this Map)}", text(map));
        Object[] array = new Object[1];
        array[0] = array;
        assertEquals("Object[1] { (this array) }", text(array));
    }

    @Test
    void deepNestingStops() {
        Object deep = List.of();
        for (int i = 0; i < 100; i++) deep = List.of(deep);
        String t = text(deep);
        assertTrue(t.contains("..."), t);
        assertTrue(t.length() < 100, t);
    }

    @Test
    void streamsAndIteratorsAreNotConsumed() {
        Stream<String> stream = Stream.of("a", "b");
        assertTrue(text(stream).contains("not consumed"), text(stream));
        assertEquals(List.of("a", "b"), stream.toList(), "still usable");
        assertTrue(text(IntStream.range(0, 3)).contains("not consumed"));
        Iterator<String> it = List.of("q").iterator();
        text(it);
        assertEquals("q", it.next());
    }

    @Test
    void iterablesWithoutToStringAreWalkedBounded() {
        Iterable<Integer> naturals = () -> new Iterator<>() {
            int n;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                return n++;
            }
        };
        assertEquals("[0, 1, 2, 3, 4, ...]", text(naturals));
        // an Iterable with its own toString (Path) keeps it
        assertEquals("/usr/lib", text(java.nio.file.Path.of("/usr/lib")));
    }

    @Test
    void collectionsWithTheirOwnToStringKeepIt() {
        class Named extends ArrayList<Integer> {
            @Override
            public String toString() {
                return "Named(" + size() + ")";
            }
        }
        Named n = new Named();
        n.add(1);
        assertEquals("Named(1)", text(n));
    }

    @Test
    void onlyTheShownElementsAreVisited() {
        int[] visits = new int[1];
        List<Integer> virtual = new AbstractList<>() {
            @Override
            public Integer get(int index) {
                visits[0]++;
                return index;
            }

            @Override
            public int size() {
                return 25_000_000;
            }
        };
        assertEquals("[0, 1, 2, 3, 4, ... (24,999,995 more)]", text(virtual));
        assertTrue(visits[0] <= 6, "visited " + visits[0]);
    }

    @Test
    void nullsNumbersAndEnums() {
        assertEquals("null", text(null));
        assertEquals("42", text(42));
        assertEquals("2.5", text(2.5));
        assertEquals("c", text('c'));
        assertEquals("true", text(true));
        assertEquals("SECONDS", text(java.util.concurrent.TimeUnit.SECONDS));
        assertEquals("[null, 1]", text(java.util.Arrays.asList(null, 1)));
    }
}
