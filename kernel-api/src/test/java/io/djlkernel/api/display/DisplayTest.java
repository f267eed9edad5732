package io.djlkernel.api.display;

import static io.djlkernel.api.display.Display.clearOutput;
import static io.djlkernel.api.display.Display.display;
import static io.djlkernel.api.display.Display.html;
import static io.djlkernel.api.display.Display.image;
import static io.djlkernel.api.display.Display.markdown;
import static io.djlkernel.api.display.Display.updateDisplay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Display's functions against a recording publisher and a minimal registry (the kernel's own is tested there). */
class DisplayTest {

    record Sent(String kind, MimeBundle bundle, String id, boolean waitFlag) {
    }

    static final class Recorder implements DisplayPublisher {
        final List<Sent> sent = new ArrayList<>();

        @Override
        public void display(MimeBundle bundle, String displayId) {
            sent.add(new Sent("display", bundle, displayId, false));
        }

        @Override
        public void update(MimeBundle bundle, String displayId) {
            sent.add(new Sent("update", bundle, displayId, false));
        }

        @Override
        public void clearOutput(boolean wait) {
            sent.add(new Sent("clear", null, null, wait));
        }
    }

    /** Passes bundles through, everything else as String.valueOf. */
    static final class SimpleRegistry implements RendererRegistry {
        @Override
        public <T> void register(Class<T> type, Renderer<? super T> renderer) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MimeBundle render(Object value) {
            return value instanceof MimeBundle ? ((MimeBundle) value).copy() : MimeBundle.text(String.valueOf(value));
        }
    }

    private Recorder recorder;

    @BeforeEach
    void bind() {
        recorder = new Recorder();
        Display.bind(recorder, new SimpleRegistry());
    }

    @Test
    void displayReturnsAFreshIdAndPublishesWithIt() {
        String first = display("hello");
        String second = display(42);
        assertNotNull(first);
        assertNotEquals(first, second);
        assertEquals(2, recorder.sent.size());
        assertEquals(new Sent("display", recorder.sent.get(0).bundle(), first, false), recorder.sent.get(0));
        assertEquals("hello", recorder.sent.get(0).bundle().data().get(MimeBundle.TEXT_PLAIN));
        assertEquals("42", recorder.sent.get(1).bundle().data().get(MimeBundle.TEXT_PLAIN));
        assertEquals(second, recorder.sent.get(1).id());
    }

    @Test
    void displayWithMimeTypesRestrictsTheBundle() {
        display(html("<b>hi</b>"), MimeBundle.TEXT_HTML);
        MimeBundle shown = recorder.sent.get(0).bundle();
        assertEquals(List.of(MimeBundle.TEXT_HTML), List.copyOf(shown.data().keySet()));

        display(html("<b>hi</b>"), "application/json"); // nothing asked for exists: text/plain is kept
        assertEquals(List.of(MimeBundle.TEXT_PLAIN), List.copyOf(recorder.sent.get(1).bundle().data().keySet()));

        display(html("<b>hi</b>"), new String[0]); // no restriction at all
        assertEquals(2, recorder.sent.get(2).bundle().data().size());
    }

    @Test
    void updateDisplayNeedsAnId() {
        String id = display("0%");
        updateDisplay(id, "50%");
        Sent update = recorder.sent.get(1);
        assertEquals("update", update.kind());
        assertEquals(id, update.id());
        assertEquals("50%", update.bundle().data().get(MimeBundle.TEXT_PLAIN));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> updateDisplay(null, "x"));
        assertTrue(e.getMessage().contains("display"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> updateDisplay("", "x"));
        assertEquals(2, recorder.sent.size());
    }

    @Test
    void clearOutputPassesWait() {
        clearOutput(true);
        clearOutput(false);
        clearOutput();
        assertEquals(List.of(true, false, false), recorder.sent.stream().map(Sent::waitFlag).toList());
        assertTrue(recorder.sent.stream().allMatch(s -> s.kind().equals("clear")));
    }

    @Test
    void htmlMarkdownAndImageAreBundles() {
        MimeBundle h = html("<i>x</i>");
        assertEquals("<i>x</i>", h.data().get(MimeBundle.TEXT_HTML));
        assertTrue(h.data().containsKey(MimeBundle.TEXT_PLAIN));

        MimeBundle m = markdown("# Title");
        assertEquals("# Title", m.data().get(MimeBundle.TEXT_MARKDOWN));
        assertEquals("# Title", m.data().get(MimeBundle.TEXT_PLAIN));

        MimeBundle i = image(new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB));
        assertTrue(i.data().containsKey(MimeBundle.IMAGE_PNG));
        assertEquals("<BufferedImage 3x2>", i.data().get(MimeBundle.TEXT_PLAIN));

        display(h);
        assertEquals("<i>x</i>", recorder.sent.get(0).bundle().data().get(MimeBundle.TEXT_HTML));
    }

    @Test
    void unboundDisplayExplainsItself() throws Exception {
        java.lang.reflect.Field p = Display.class.getDeclaredField("publisher");
        p.setAccessible(true);
        p.set(null, null);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> display("x"));
        assertTrue(e.getMessage().contains("inside the kernel"));
        assertFalse(e.getMessage().isEmpty());
    }

    @Test
    void requestingBundlesTellRenderersWhatIsUsed() {
        MimeBundle all = new MimeBundle();
        assertTrue(all.wants(MimeBundle.IMAGE_PNG));
        MimeBundle some = MimeBundle.requesting(MimeBundle.TEXT_HTML);
        assertTrue(some.wants(MimeBundle.TEXT_HTML));
        assertTrue(some.wants(MimeBundle.TEXT_PLAIN));
        assertFalse(some.wants(MimeBundle.IMAGE_PNG));
    }
}
