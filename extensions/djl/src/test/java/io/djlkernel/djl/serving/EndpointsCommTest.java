package io.djlkernel.djl.serving;

import io.djlkernel.api.comm.Comm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The djl.endpoints comm, driven as the JupyterLab panel drives it, against real endpoints on loopback. */
class EndpointsCommTest {
    static TorchScriptModel mlp;
    EndpointsComm target;

    @BeforeAll
    static void load() throws Exception {
        mlp = TorchScriptModel.load("mlp", ServingTest.fixture("mlp.pt"), null, -1, null, null);
    }

    @AfterAll
    static void unload() {
        if (mlp != null) mlp.close();
    }

    @AfterEach
    void stop() {
        if (target != null) target.shutdown();
        Endpoints.stopAll(1000);
    }

    @Test
    void pushesTheListOnOpenThenChangesAsTheyHappen() throws Exception {
        target = new EndpointsComm();
        PanelComm panel = new PanelComm();
        target.opened(panel, Map.of());
        assertEquals(List.of(), panel.await(m -> m.containsKey("endpoints"), 2000).get("endpoints"), "empty list on open");

        long t0 = System.currentTimeMillis();
        InferenceServer s = Endpoints.start(mlp, ServingTest.opts("--port", "0"));
        Map<String, Object> e = panel.awaitEndpoint(m -> true, 2000);
        assertTrue(System.currentTimeMillis() - t0 < 900, "a started endpoint is pushed at once, not on the next tick");
        assertEquals("mlp", e.get("name"));
        assertEquals(s.url(), e.get("url"));
        assertTrue(((String) e.get("url")).matches("http://127\\.0\\.0\\.1:\\d+"), e.toString());
        assertEquals("mlp", e.get("model"));
        assertEquals(0L, e.get("requests"));
        assertNull(e.get("p50_ms"), "no latency before the first request");

        assertEquals(200, Http.postJson(s.url() + "/v2/models/mlp/infer", ServingTest.mlpRequest(null, "[1,2,3,4]", "[1,4]")).status());
        Map<String, Object> counted = panel.awaitEndpoint(m -> ((Number) m.get("requests")).longValue() == 1, 3000);
        double p50 = ((Number) counted.get("p50_ms")).doubleValue();
        double p99 = ((Number) counted.get("p99_ms")).doubleValue();
        assertTrue(p50 > 0 && p50 <= p99 && p99 < 10_000, counted.toString());

        // a burst of requests changes the counters many times; the pushes stay about one a second
        int before = panel.sent.size();
        long end = System.currentTimeMillis() + 2500;
        int n = 0;
        while (System.currentTimeMillis() < end) {
            Http.get(s.url() + "/v2/health/ready");
            n++;
        }
        int pushes = panel.sent.size() - before;
        assertTrue(n > 20, "requests in the burst: " + n);
        assertTrue(pushes >= 1 && pushes <= 4, pushes + " pushes in 2.5 s of requests");
        long last = n + 1;
        assertEquals(last, panel.awaitEndpoint(m -> ((Number) m.get("requests")).longValue() == last, 3000).get("requests"));

        // unchanged counters are not pushed again
        int quiet = panel.sent.size();
        Thread.sleep(2200);
        assertEquals(quiet, panel.sent.size(), "nothing changed, nothing pushed");
    }

    @Test
    void stopFromThePanelStopsTheEndpointAndPushesTheShorterList() throws Exception {
        target = new EndpointsComm();
        InferenceServer s = Endpoints.start(mlp, ServingTest.opts("--port", "0"));
        int port = s.port();
        PanelComm panel = new PanelComm();
        target.opened(panel, Map.of());
        assertEquals("mlp", panel.awaitEndpoint(m -> true, 2000).get("name"));
        assertEquals(200, Http.get(s.url() + "/v2/health/live").status());

        panel.fromFrontEnd(Map.of("stop", "mlp"));
        assertEquals(List.of(), panel.await(m -> List.of().equals(m.get("endpoints")), 5000).get("endpoints"));
        assertNull(Endpoints.get("mlp"));
        assertTrue(panel.isOpen());
        // the push comes after the port is closed: whoever reads it and connects is refused
        assertThrows(ConnectException.class, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
        });
    }

    @Test
    void badMessagesAreAnsweredWithAnErrorAndTheCommStaysUsable() throws Exception {
        target = new EndpointsComm();
        Endpoints.start(mlp, ServingTest.opts("--port", "0"));
        PanelComm panel = new PanelComm();
        target.opened(panel, Map.of());
        panel.awaitEndpoint(m -> true, 2000);

        panel.fromFrontEnd(Map.of("stop", "nope"));
        String unknown = (String) panel.await(m -> m.containsKey("error"), 2000).get("error");
        assertTrue(unknown.contains("'nope'") && unknown.contains("mlp"), unknown);
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of(), Map.of("stop", 3L), Map.of("stop", " "), Map.of("start", "mlp"))) {
            int seen = panel.sent.size();
            panel.fromFrontEnd(bad);
            Map<String, Object> answer = panel.awaitFrom(seen, m -> m.containsKey("error"), 2000);
            assertTrue(((String) answer.get("error")).contains("stop"), answer.toString());
        }
        assertNotNull(Endpoints.get("mlp"), "errors stop nothing");
        assertTrue(panel.isOpen());
        panel.fromFrontEnd(Map.of("stop", "mlp"));
        panel.await(m -> List.of().equals(m.get("endpoints")), 5000);
        assertNull(Endpoints.get("mlp"));
    }

    @Test
    void closedCommsAreForgottenAndShutdownEndsThePushes() throws Exception {
        target = new EndpointsComm();
        PanelComm a = new PanelComm();
        PanelComm b = new PanelComm();
        target.opened(a, Map.of());
        target.opened(b, Map.of());
        a.await(m -> m.containsKey("endpoints"), 2000);
        b.await(m -> m.containsKey("endpoints"), 2000);
        assertEquals(2, target.openFeeds());
        b.closeFromFrontEnd();
        assertEquals(1, target.openFeeds());
        int bSeen = b.sent.size();
        Endpoints.start(mlp, ServingTest.opts("--port", "0"));
        a.awaitEndpoint(m -> true, 2000);
        Thread.sleep(300);
        assertEquals(bSeen, b.sent.size(), "a closed comm gets nothing");

        target.shutdown();
        assertEquals(0, target.openFeeds());
        int aSeen = a.sent.size();
        Endpoints.stop("mlp", 1000);
        Thread.sleep(1500);
        assertEquals(aSeen, a.sent.size(), "nothing after shutdown");
        assertTrue(target.awaitStopped(2000), "its thread ends");
    }

    /** The endpoints panel's comm, driven as the front end would; sending on it after it closed is a bug. */
    static final class PanelComm extends io.djlkernel.djl.TestKernel.FakeComm {
        PanelComm() {
            super(EndpointsComm.TARGET);
        }

        @Override
        public void send(Map<String, Object> data) {
            if (!open) throw new IllegalStateException("closed");
            super.send(data);
        }

        Map<String, Object> await(Predicate<Map<String, Object>> p, long ms) throws InterruptedException {
            return awaitFrom(0, p, ms);
        }

        Map<String, Object> awaitFrom(int from, Predicate<Map<String, Object>> p, long ms) throws InterruptedException {
            long end = System.currentTimeMillis() + ms;
            while (true) {
                synchronized (sent) {
                    for (int i = from; i < sent.size(); i++) if (p.test(sent.get(i))) return sent.get(i);
                }
                if (System.currentTimeMillis() > end) throw new AssertionError("no such message in " + ms + " ms: " + sent);
                Thread.sleep(20);
            }
        }

        /** The first endpoint of the first push whose first endpoint matches. */
        @SuppressWarnings("unchecked")
        Map<String, Object> awaitEndpoint(Predicate<Map<String, Object>> p, long ms) throws InterruptedException {
            Map<String, Object> push = await(m -> m.get("endpoints") instanceof List<?> l && !l.isEmpty()
                    && p.test((Map<String, Object>) l.get(0)), ms);
            return ((List<Map<String, Object>>) push.get("endpoints")).get(0);
        }
    }
}
