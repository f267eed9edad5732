package io.djlkernel.djl.tensors;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.djl.DjlEnvironment;
import io.djlkernel.djl.TestKernel;
import io.djlkernel.djl.render.DjlRenderers;
import io.djlkernel.djl.tensors.NDArrayRenderer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The djl.tensor comm: other slices of a displayed N-D array, asked for as the viewer's axis picker asks. */
@SuppressWarnings("unchecked")
class TensorCommTest {
    static NDManager manager;
    static TestKernel kernel = new TestKernel();

    @BeforeAll
    static void setUp() {
        manager = DjlEnvironment.engine().newBaseManager(Device.cpu());
        DjlRenderers.registerAll(kernel);
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    static Map<String, Object> doc(NDArray a) {
        return (Map<String, Object>) kernel.render(a).data().get(NDArrayRenderer.MIME_JSON);
    }

    /** Opens a comm with the request as its data, as the viewer does, and returns the one reply. */
    static Map<String, Object> ask(Map<String, Object> request) {
        TestKernel.FakeComm comm = new TestKernel.FakeComm();
        new TensorComm().opened(comm, request);
        assertEquals(1, comm.sent.size(), "one reply per request");
        return comm.sent.get(0);
    }

    static List<List<Object>> rows(Map<String, Object> reply) {
        return (List<List<Object>>) ((Map<String, Object>) reply.get("sample")).get("data");
    }

    @Test
    void anotherIndexOfALeadingAxisGivesOtherNumbers() {
        NDArray t = manager.arange(24f).reshape(2, 3, 4);
        Map<String, Object> doc = doc(t);
        String id = (String) doc.get("id");
        assertNotNull(id, "N-D documents carry the id the viewer asks with");
        Map<String, Object> sent = (Map<String, Object>) doc.get("sample");
        assertEquals(List.of(0L, 0L, 0L), sent.get("offset"));

        Map<String, Object> first = ask(Map.of("id", id, "index", List.of(0L, 0L, 0L), "rows_axis", 1L, "cols_axis", 2L));
        assertEquals(sent, first.get("sample"), "the sent slice and the same slice asked for agree");

        Map<String, Object> reply = ask(Map.of("id", id, "index", List.of(1L, 0L, 0L), "rows_axis", 1L, "cols_axis", 2L));
        assertEquals(id, reply.get("id"));
        Map<String, Object> sample = (Map<String, Object>) reply.get("sample");
        assertEquals(List.of(3L, 4L), sample.get("shape"));
        assertEquals(List.of(1L, 0L, 0L), sample.get("offset"));
        assertEquals(List.of(List.of(12.0, 13.0, 14.0, 15.0), List.of(16.0, 17.0, 18.0, 19.0), List.of(20.0, 21.0, 22.0, 23.0)),
                sample.get("data"));
        assertEquals(sent.keySet(), sample.keySet(), "same fields as the document's sample");
    }

    @Test
    void anyTwoAxesBecomeRowsAndColumns() {
        NDArray t = manager.arange(24).reshape(2, 3, 4); // int32
        String id = (String) doc(t).get("id");
        // rows along axis 2, columns along axis 0, axis 1 fixed at 1: t[c, 1, r]
        Map<String, Object> reply = ask(Map.of("id", id, "index", List.of(0L, 1L, 0L), "rows_axis", 2L, "cols_axis", 0L));
        List<List<Object>> rows = rows(reply);
        assertEquals(4, rows.size());
        for (int r = 0; r < 4; r++) {
            assertEquals(List.of((long) (4 + r), (long) (12 + 4 + r)), rows.get(r), "row " + r);
        }
        Map<String, Object> sample = (Map<String, Object>) reply.get("sample");
        assertEquals(2, sample.get("rows_axis"));
        assertEquals(0, sample.get("cols_axis"));
        assertEquals(List.of(4L, 2L), sample.get("shape"));
    }

    @Test
    void windowsStartWhereTheIndexSaysAndStayBounded() {
        NDArray big = manager.arange(2 * 100 * 70f).reshape(2, 100, 70);
        String id = (String) doc(big).get("id");
        Map<String, Object> reply = ask(Map.of("id", id, "index", List.of(1L, 64L, 0L), "rows_axis", 1L, "cols_axis", 2L));
        Map<String, Object> sample = (Map<String, Object>) reply.get("sample");
        assertEquals(List.of(36L, 64L), sample.get("shape"), "rows 64..99, the first 64 columns");
        assertEquals(true, sample.get("truncated"));
        assertEquals(1 * 7000 + 64 * 70.0, rows(reply).get(0).get(0));
        assertEquals(1 * 7000 + 99 * 70 + 63.0, rows(reply).get(35).get(63));
    }

    @Test
    void requestsThatMakeNoSenseAreAnsweredWithAnError() {
        String id = (String) doc(manager.zeros(new ai.djl.ndarray.types.Shape(2, 3, 4))).get("id");
        String range = (String) ask(Map.of("id", id, "index", List.of(2L, 0L, 0L), "rows_axis", 1L, "cols_axis", 2L)).get("error");
        assertTrue(range.contains("axis 0") && range.contains("size 2"), range);
        assertTrue(((String) ask(Map.of("id", id, "index", List.of(0L, 0L, 0L), "rows_axis", 1L, "cols_axis", 1L)).get("error")).contains("differ"));
        assertTrue(((String) ask(Map.of("id", id, "index", List.of(0L, 0L), "rows_axis", 1L, "cols_axis", 2L)).get("error")).contains("3 integers"));
        assertTrue(((String) ask(Map.of("id", id, "index", List.of(0L, 0.5, 0L))).get("error")).contains("integer"));
        assertTrue(((String) ask(Map.of("id", id, "index", List.of(0L, 0L, 0L), "rows_axis", 3L)).get("error")).contains("rows_axis 3"));
        Map<String, Object> noId = new java.util.HashMap<>();
        noId.put("index", List.of());
        assertTrue(((String) ask(noId).get("error")).contains("id"));
        assertNull(ask(noId).get("gone"));

        // the comm answers every message while it stays open
        TestKernel.FakeComm comm = new TestKernel.FakeComm();
        new TensorComm().opened(comm, Map.of());
        assertEquals(0, comm.sent.size(), "an open without a request waits for one");
        comm.fromFrontEnd(Map.of("id", id, "index", List.of(1L, 0L, 0L), "seq", 7L));
        comm.fromFrontEnd(Map.of("id", id, "index", List.of(9L, 0L, 0L), "seq", 8L));
        assertEquals(7L, comm.sent.get(0).get("seq"));
        assertNotNull(comm.sent.get(0).get("sample"));
        assertEquals(8L, comm.sent.get(1).get("seq"));
        assertNotNull(comm.sent.get(1).get("error"));
    }

    @Test
    void aClosedOrUnknownArrayIsGone() {
        NDManager sub = manager.newSubManager();
        NDArray t = sub.ones(new ai.djl.ndarray.types.Shape(2, 2, 2));
        String id = (String) doc(t).get("id");
        assertNotNull(ask(Map.of("id", id, "index", List.of(1L, 0L, 0L))).get("sample"));
        sub.close();
        Map<String, Object> closed = ask(Map.of("id", id, "index", List.of(1L, 0L, 0L)));
        assertEquals(true, closed.get("gone"));
        assertTrue(((String) closed.get("error")).contains("no longer holds"), closed.toString());
        assertEquals(true, ask(Map.of("id", "from-an-earlier-kernel", "index", List.of(0L, 0L, 0L))).get("gone"));
    }

    @Test
    void theRegistryNeitherKeepsArraysAliveNorGrowsWithoutBound() throws Exception {
        NDManager sub = manager.newSubManager();
        NDArray t = sub.ones(new ai.djl.ndarray.types.Shape(2, 2, 2));
        assertNotNull(doc(t).get("id"));
        WeakReference<NDArray> probe = new WeakReference<>(t);
        t = null;
        sub.close(); // the manager lets go of it; only the registry could still hold it
        for (int i = 0; i < 100 && probe.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(probe.get(), "the registry holds arrays weakly");

        List<String> ids = new ArrayList<>();
        NDArray small = manager.zeros(new ai.djl.ndarray.types.Shape(1, 1, 1));
        for (int i = 0; i < TensorRefs.MAX + 10; i++) ids.add((String) doc(small).get("id"));
        assertTrue(TensorRefs.size() <= TensorRefs.MAX, "bounded: " + TensorRefs.size());
        assertEquals(true, ask(Map.of("id", ids.get(0))).get("gone"), "the oldest is evicted");
        assertNotNull(ask(Map.of("id", ids.get(ids.size() - 1))).get("sample"), "the newest is held");
    }

    @Test
    void aMatrixLargerThanOneWindowPagesThroughItsRowsAndColumns() {
        NDArray m = manager.arange(1000 * 70f).reshape(1000, 70);
        String id = (String) doc(m).get("id");
        assertNotNull(id, "the viewer pages only arrays the kernel holds");
        Map<String, Object> page = ask(Map.of("id", id, "index", List.of(64L, 64L), "rows_axis", 0L, "cols_axis", 1L));
        assertEquals(List.of(64L, 6L), ((Map<String, Object>) page.get("sample")).get("shape"));
        assertEquals(64 * 70 + 64.0, rows(page).get(0).get(0));
        assertEquals(127 * 70 + 69.0, rows(page).get(63).get(5));
    }

    @Test
    void onlyDocumentsWithOtherSlicesCarryAnId() {
        assertFalse(doc(manager.arange(12f).reshape(3, 4)).containsKey("id"));
        assertFalse(doc(manager.zeros(new ai.djl.ndarray.types.Shape(64, 64))).containsKey("id"), "one window shows it all");
        assertFalse(doc(manager.arange(3f)).containsKey("id"));
        MimeBundle empty = kernel.render(manager.zeros(new ai.djl.ndarray.types.Shape(2, 0, 3)));
        assertFalse(((Map<String, Object>) empty.data().get(NDArrayRenderer.MIME_JSON)).containsKey("id"), "nothing to slice");
    }
}
