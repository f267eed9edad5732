package io.djlkernel.kernel.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.djlkernel.api.display.Display;
import io.djlkernel.api.display.MimeBundle;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DefaultRendererRegistryTest {

    interface Shape {
        double area();
    }

    interface Polygon extends Shape {
    }

    static class Square implements Polygon {
        @Override
        public double area() {
            return 4;
        }

        @Override
        public String toString() {
            return "Square";
        }
    }

    static class BigSquare extends Square {
    }

    static class Circle implements Shape {
        @Override
        public double area() {
            return Math.PI;
        }
    }

    private static String plain(MimeBundle bundle) {
        return (String) bundle.data().get(MimeBundle.TEXT_PLAIN);
    }

    @Test
    void rendererForAnInterfaceServesImplementationsAndSubclasses() {
        DefaultRendererRegistry registry = new DefaultRendererRegistry();
        registry.register(Shape.class, (s, out) -> out.put(MimeBundle.TEXT_HTML, "<i>area " + s.area() + "</i>"));

        MimeBundle square = registry.render(new BigSquare()); // BigSquare -> Square -> Polygon -> Shape
        assertEquals("<i>area 4.0</i>", square.data().get(MimeBundle.TEXT_HTML));
        assertEquals("Square", plain(square), "text/plain is added when the renderer gives none");
        assertEquals("<i>area 3.141592653589793</i>", registry.render(new Circle()).data().get(MimeBundle.TEXT_HTML));
    }

    @Test
    void mostSpecificRegisteredTypeWins() {
        DefaultRendererRegistry registry = new DefaultRendererRegistry();
        registry.register(Shape.class, (s, out) -> out.put(MimeBundle.TEXT_PLAIN, "shape"));
        registry.register(Polygon.class, (s, out) -> out.put(MimeBundle.TEXT_PLAIN, "polygon"));
        registry.register(Square.class, (s, out) -> out.put(MimeBundle.TEXT_PLAIN, "square"));
        registry.register(Object.class, (s, out) -> out.put(MimeBundle.TEXT_PLAIN, "object"));

        assertEquals("square", plain(registry.render(new BigSquare())));
        assertEquals("shape", plain(registry.render(new Circle())));
        assertEquals("object", plain(registry.render(new Object())));
        Polygon triangle = () -> 1;
        assertEquals("polygon", plain(registry.render(triangle)));

        // a later registration changes lookups that were already cached
        registry.register(BigSquare.class, (s, out) -> out.put(MimeBundle.TEXT_PLAIN, "big"));
        assertEquals("big", plain(registry.render(new BigSquare())));
        assertEquals("square", plain(registry.render(new Square())));
    }

    @Test
    void superclassesComeBeforeInterfacesAndObjectComesLast() {
        DefaultRendererRegistry registry = new DefaultRendererRegistry();
        registry.register(java.util.AbstractList.class, (s, out) -> out.put(MimeBundle.TEXT_PLAIN, "abstract list"));
        registry.register(List.class, (s, out) -> out.put(MimeBundle.TEXT_PLAIN, "list"));
        registry.register(Object.class, (s, out) -> out.put(MimeBundle.TEXT_PLAIN, "object"));
        assertEquals("abstract list", plain(registry.render(new ArrayList<>())));
        assertEquals("list", plain(registry.render(List.of(1))));
    }

    @Test
    void objectArraysAreCovariant() {
        DefaultRendererRegistry registry = new DefaultRendererRegistry();
        registry.register(Number[].class, (a, out) -> out.put(MimeBundle.TEXT_PLAIN, "numbers: " + a.length));
        assertEquals("numbers: 2", plain(registry.render(new Integer[] {1, 2})));
        assertEquals("String[1] { \"a\" }", plain(registry.render(new String[] {"a"})));
    }

    @Test
    void aCustomRendererIsUsedForNestedElementsTextOnly() {
        DefaultRendererRegistry registry = new DefaultRendererRegistry();
        AtomicInteger htmlWork = new AtomicInteger();
        registry.register(Shape.class, (s, out) -> {
            if (out.wants(MimeBundle.TEXT_HTML)) {
                htmlWork.incrementAndGet();
                out.put(MimeBundle.TEXT_HTML, "<b>shape</b>");
            }
            out.put(MimeBundle.TEXT_PLAIN, "Shape(" + s.area() + ")");
        });
        assertEquals("[Shape(4.0), Shape(4.0)]", plain(registry.render(List.of(new Square(), new Square()))));
        assertEquals(0, htmlWork.get(), "nested values only need text/plain");
        assertEquals("Shape[1] { Shape(4.0) }", plain(registry.render(new Shape[] {new Square()})));
    }

    static class Batch extends ArrayList<Integer> {
    }

    @Test
    void registeredCollectionTypesAreUsedWhenNestedToo() {
        DefaultRendererRegistry registry = new DefaultRendererRegistry();
        registry.register(Batch.class, (b, out) -> out.put(MimeBundle.TEXT_PLAIN, "Batch of " + b.size()));
        Batch batch = new Batch();
        batch.add(1);
        assertEquals("Batch of 1", plain(registry.render(batch)));
        assertEquals("[Batch of 1, [1]]", plain(registry.render(List.of(batch, List.of(1)))));
        assertEquals("{b=Batch of 1}", plain(registry.render(Map.of("b", batch))));
    }

    @Test
    void displayWithMimeTypesTellsRenderersWhatIsWanted() {
        DefaultRendererRegistry registry = new DefaultRendererRegistry();
        BufferedImage image = new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB);
        MimeBundle textOnly = registry.render(image, MimeBundle.TEXT_PLAIN);
        assertEquals(List.of(MimeBundle.TEXT_PLAIN), List.copyOf(textOnly.data().keySet()));
        assertEquals("<BufferedImage 5x4>", plain(textOnly));

        MimeBundle png = registry.render(image, MimeBundle.IMAGE_PNG);
        assertEquals(List.of(MimeBundle.IMAGE_PNG), List.copyOf(png.data().keySet()));
        assertEquals(Map.of("width", 5, "height", 4), png.metadata().get(MimeBundle.IMAGE_PNG));
    }

    @Test
    void defaultsForImagesBundlesStringsOptionalsAndThrowables() {
        DefaultRendererRegistry registry = new DefaultRendererRegistry();
        MimeBundle image = registry.render(new BufferedImage(8, 6, BufferedImage.TYPE_INT_ARGB));
        assertTrue(image.data().containsKey(MimeBundle.IMAGE_PNG));
        assertEquals("<BufferedImage 8x6>", plain(image));

        MimeBundle html = Display.html("<p>x</p>");
        MimeBundle passed = registry.render(html);
        assertEquals(html.data(), passed.data());

        MimeBundle noText = MimeBundle.of("application/json", Map.of("a", 1));
        MimeBundle withText = registry.render(noText);
        assertTrue(withText.data().containsKey(MimeBundle.TEXT_PLAIN), "a bundle without text/plain gets one");
        assertFalse(noText.data().containsKey(MimeBundle.TEXT_PLAIN), "the user's bundle is not changed");

        assertEquals("hello", plain(registry.render("hello")));
        assertEquals("sb", plain(registry.render(new StringBuilder("sb"))));
        assertEquals("Optional[[1, 2]]", plain(registry.render(java.util.Optional.of(List.of(1, 2)))));
        assertEquals("Optional.empty", plain(registry.render(java.util.Optional.empty())));
        assertEquals("null", plain(registry.render(null)));

        Exception e = new IllegalStateException("outer", new java.io.IOException("disk full"));
        assertEquals("java.lang.IllegalStateException: outer\nCaused by: java.io.IOException: disk full",
                plain(registry.render(e)));
    }

    @Test
    void extensionsMayReplaceTheDefaults() {
        DefaultRendererRegistry registry = new DefaultRendererRegistry();
        registry.register(CharSequence.class, (s, out) -> out.put(MimeBundle.TEXT_PLAIN, "«" + s + "»"));
        assertEquals("«x»", plain(registry.render("x")));
    }

    @Test
    void aRenderersTextIsBoundedToo() {
        DefaultRendererRegistry registry = new DefaultRendererRegistry(100, 10);
        registry.register(Square.class, (s, out) -> out.put(MimeBundle.TEXT_PLAIN, "x".repeat(1000)));
        assertEquals("x".repeat(100) + "... (900 more characters)", plain(registry.render(new Square())));

        MimeBundle md = registry.render(Display.markdown("y".repeat(150)));
        assertEquals("y".repeat(150), md.data().get(MimeBundle.TEXT_MARKDOWN), "only text/plain is cut");
        assertEquals("y".repeat(100) + "... (50 more characters)", plain(md));
    }

    @Test
    void aFailingRendererFallsBackToText() {
        DefaultRendererRegistry registry = new DefaultRendererRegistry();
        registry.register(Square.class, (s, out) -> {
            out.put(MimeBundle.TEXT_HTML, "half");
            throw new IllegalStateException("boom");
        });
        MimeBundle bundle = registry.render(new Square());
        assertFalse(bundle.data().containsKey(MimeBundle.TEXT_HTML));
        assertTrue(plain(bundle).startsWith("Square\n(the renderer for "), plain(bundle));
        assertTrue(plain(bundle).contains("boom"), plain(bundle));
        // nested: the element's own toString
        assertEquals("[Square]", plain(registry.render(List.of(new Square()))));
    }

    @Test
    void aBrokenToStringDoesNotLoseTheResult() {
        Object broken = new Object() {
            @Override
            public String toString() {
                throw new UnsupportedOperationException("nope");
            }
        };
        DefaultRendererRegistry registry = new DefaultRendererRegistry();
        String text = plain(registry.render(broken));
        assertTrue(text.contains("toString() threw java.lang.UnsupportedOperationException"), text);
        assertTrue(plain(registry.render(List.of(1, broken))).startsWith("[1, <"));
    }

    @Test
    void concurrentRegistrationsAndRendersAreSafe() throws Exception {
        DefaultRendererRegistry registry = new DefaultRendererRegistry();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int n = t;
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 2000; i++) {
                    if (n == 0 && i % 100 == 0) {
                        registry.register(Square.class, (s, out) -> out.put(MimeBundle.TEXT_PLAIN, "square"));
                    }
                    String text = plain(registry.render(new BigSquare()));
                    if (!text.equals("Square") && !text.equals("square")) throw new AssertionError(text);
                    plain(registry.render(List.of(i, "x")));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) f.get(30, TimeUnit.SECONDS);
        pool.shutdown();
        assertEquals("square", plain(registry.render(new BigSquare())));
    }
}
