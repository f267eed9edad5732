package io.djlkernel.kernel.display;

import static io.djlkernel.api.display.Display.display;
import static io.djlkernel.api.display.Display.html;
import static io.djlkernel.api.display.Display.image;
import static io.djlkernel.api.display.Display.markdown;
import static io.djlkernel.api.display.Display.registerRenderer;
import static io.djlkernel.api.display.Display.updateDisplay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.djlkernel.api.display.Display;
import io.djlkernel.api.display.DisplayPublisher;
import io.djlkernel.api.display.MimeBundle;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Display's functions with the kernel's registry, the way a cell uses them: as {@code display(...)} calls and
 * as a cell's last expression, which the protocol layer renders with {@code registry.render(value)}.
 */
class DisplayWithRegistryTest {
    private final List<String[]> events = new ArrayList<>();
    private final List<MimeBundle> bundles = new ArrayList<>();
    private DefaultRendererRegistry registry;

    @BeforeEach
    void bind() {
        registry = new DefaultRendererRegistry();
        Display.bind(new DisplayPublisher() {
            @Override
            public void display(MimeBundle bundle, String displayId) {
                events.add(new String[] {"display", displayId});
                bundles.add(bundle);
            }

            @Override
            public void update(MimeBundle bundle, String displayId) {
                events.add(new String[] {"update", displayId});
                bundles.add(bundle);
            }

            @Override
            public void clearOutput(boolean wait) {
                events.add(new String[] {"clear", String.valueOf(wait)});
                bundles.add(null);
            }
        }, registry);
    }

    /** What execute_result would carry for a cell ending in {@code value}. */
    private MimeBundle lastExpression(Object value) {
        return registry.render(value);
    }

    @Test
    void htmlWorksAsLastExpressionAndAsDisplay() {
        MimeBundle result = lastExpression(html("<b>bold</b>"));
        assertEquals("<b>bold</b>", result.data().get(MimeBundle.TEXT_HTML));
        assertTrue(result.data().containsKey(MimeBundle.TEXT_PLAIN));

        display(html("<b>bold</b>"));
        assertEquals(result.data(), bundles.get(0).data());
    }

    @Test
    void markdownWorksAsLastExpressionAndAsDisplay() {
        MimeBundle result = lastExpression(markdown("**hi**"));
        assertEquals("**hi**", result.data().get(MimeBundle.TEXT_MARKDOWN));
        display(markdown("**hi**"));
        assertEquals(result.data(), bundles.get(0).data());
    }

    @Test
    void imagesWorkAsLastExpressionAsDisplayAndAsBareBufferedImages() {
        BufferedImage picture = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = picture.createGraphics();
        g.setColor(Color.RED);
        g.fillOval(5, 5, 30, 20);
        g.dispose();

        MimeBundle viaImage = lastExpression(image(picture));
        MimeBundle bare = lastExpression(picture);
        assertEquals(viaImage.data().get(MimeBundle.IMAGE_PNG), bare.data().get(MimeBundle.IMAGE_PNG));
        assertEquals(Map.of("width", 40, "height", 30), bare.metadata().get(MimeBundle.IMAGE_PNG));

        display(picture);
        display(image(picture));
        assertEquals(bare.data(), bundles.get(0).data());
        assertEquals(bare.data(), bundles.get(1).data());
    }

    @Test
    void progressWithUpdateDisplay() {
        String id = display(markdown("Progress: 0/3"));
        for (int i = 1; i <= 3; i++) updateDisplay(id, markdown("Progress: " + i + "/3"));
        assertEquals(4, events.size());
        for (int i = 1; i <= 3; i++) {
            assertEquals("update", events.get(i)[0]);
            assertEquals(id, events.get(i)[1]);
        }
        assertEquals("Progress: 3/3", bundles.get(3).data().get(MimeBundle.TEXT_MARKDOWN));
    }

    @Test
    void displayRestrictsToTheAskedTypes() {
        display(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), MimeBundle.TEXT_PLAIN);
        assertEquals(Map.of(MimeBundle.TEXT_PLAIN, "<BufferedImage 2x2>"), bundles.get(0).data());
    }

    @Test
    void aRendererRegisteredFromACell() {
        record Point(int x, int y) {
        }
        registerRenderer(Point.class, (p, out) -> out.put(MimeBundle.TEXT_HTML, "<svg>" + p.x() + "</svg>"));
        assertEquals("<svg>3</svg>", lastExpression(new Point(3, 4)).data().get(MimeBundle.TEXT_HTML));
        assertEquals("Point[x=3, y=4]", lastExpression(new Point(3, 4)).data().get(MimeBundle.TEXT_PLAIN));
    }

    @Test
    void collectionsShownBounded() {
        display(IntStream.range(0, 1000).boxed().toList());
        String text = (String) bundles.get(0).data().get(MimeBundle.TEXT_PLAIN);
        assertTrue(text.startsWith("[0, 1, 2, "), text);
        assertTrue(text.endsWith(", 99, ... (900 more)]"), text);
    }
}
