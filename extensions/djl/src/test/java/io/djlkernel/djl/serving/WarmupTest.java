package io.djlkernel.djl.serving;

import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The endpoint warms its request path before it reports ready; clients are served meanwhile. */
class WarmupTest {

    @Test
    void readinessWaitsForTheWarmUpWhileRequestsAreServedAndWarmUpTrafficIsNotCounted() throws Exception {
        try (TorchScriptModel model = TorchScriptModel.load("colours", ServingTest.fixture("classifier"),
                "image-classification", 32, null, null)) {
            InferenceServer server = InferenceServer.start(model, ServingTest.opts("--port", "0", "--warmup", "2s",
                    "--token", "t0k"));
            try {
                String[] auth = {"Authorization", "Bearer t0k"};
                assertEquals(503, Http.get(server.url() + "/v2/health/ready").status(), "ready before the warm-up ended");
                assertEquals(200, Http.get(server.url() + "/v2/health/live").status());
                Http.Reply served = Http.postFile(server.url() + "/predict", "file", "red.png", "image/png",
                        ServingTest.image(Color.RED, "png"), auth);
                assertEquals(200, served.status(), "a request during the warm-up: " + served.body());
                assertTrue(server.awaitWarm(30_000), "the warm-up did not end");
                assertEquals(200, Http.get(server.url() + "/v2/health/ready").status());
                // 3 ready/live checks and 1 prediction: the warm-up's hundreds of requests are not the users'
                assertEquals(4, server.requestCount());
                String metrics = Http.get(server.url() + "/metrics", auth).body();
                assertFalse(metrics.contains("warmup"), metrics);
                // nor are its batches and queue times: one prediction, one batch
                assertTrue(metrics.contains("djlkernel_batch_size_count{model=\"colours\"} 1"), metrics);
                assertTrue(metrics.contains("djlkernel_queue_time_seconds_count{model=\"colours\"} 1"), metrics);
            } finally {
                server.stop(2000);
            }
        }
    }

    @Test
    void aModelWithoutDeclaredInputsIsReadyAtOnce() throws Exception {
        try (TorchScriptModel mlp = TorchScriptModel.load("mlp", ServingTest.fixture("mlp.pt"), null, -1, null, null)) {
            assertTrue(WarmupTraffic.callsFor(mlp).isEmpty());
            InferenceServer server = InferenceServer.start(mlp, ServeOptions.parse(List.of("--port", "0"))); // default warm-up
            try {
                assertTrue(server.isWarm());
                assertEquals(200, Http.get(server.url() + "/v2/health/ready").status());
            } finally {
                server.stop(2000);
            }
        }
    }

    @Test
    void aTensorModelGivenItsInputShapeIsWarmedThroughV2AndChecksRequests() throws Exception {
        // mlp.pt takes [N, 4]; the file does not say so, --input-shape does
        ServeOptions o = ServeOptions.parse(List.of("--port", "0", "--warmup", "2s", "--input-shape", "-1,4"));
        try (TorchScriptModel mlp = TorchScriptModel.load("mlp", ServingTest.fixture("mlp.pt"), null, -1, null, null, o.inputShape())) {
            List<WarmupTraffic.Call> calls = WarmupTraffic.callsFor(mlp);
            assertEquals(WarmupTraffic.JsonStyle.values().length, calls.size(), "one V2 body per JSON style");
            for (WarmupTraffic.Call call : calls) assertEquals("/v2/models/mlp/infer", call.path());
            InferenceServer server = InferenceServer.start(mlp, o);
            try {
                assertEquals(503, Http.get(server.url() + "/v2/health/ready").status(), "ready before the warm-up ended");
                assertTrue(server.awaitWarm(30_000), "the warm-up did not end");
                assertEquals(200, Http.get(server.url() + "/v2/health/ready").status());
                String meta = Http.get(server.url() + "/v2/models/mlp").body();
                assertTrue(meta.contains("\"shape\":[-1,4]"), meta);
                Http.Reply ok = Http.postJson(server.url() + "/v2/models/mlp/infer",
                        "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,4],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8]}]}");
                assertEquals(200, ok.status(), ok.body());
                assertTrue(ok.body().contains("\"shape\":[2,3]"), ok.body());
                Http.Reply bad = Http.postJson(server.url() + "/v2/models/mlp/infer",
                        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,5],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5]}]}");
                assertEquals(400, bad.status(), bad.body());
                assertTrue(bad.body().contains("does not match the model's [-1, 4]"), bad.body());
                // 2 ready checks, metadata and 2 inferences: the warm-up's requests are not the users'
                assertEquals(5, server.requestCount());
            } finally {
                server.stop(2000);
            }
        }
    }

    @Test
    void everyWarmUpRequestIsAnsweredAsAClientsWouldBeWhateverItsHeadersBodyAndWrites() throws Exception {
        try (TorchScriptModel model = TorchScriptModel.load("colours", ServingTest.fixture("classifier"),
                "image-classification", 32, null, null)) {
            List<WarmupTraffic.Call> calls = WarmupTraffic.callsFor(model);
            assertEquals(java.util.Set.of("multipart/form-data", "image/png", "application/json"),
                    calls.stream().map(c -> c.contentType().replaceAll(";.*", "")).collect(java.util.stream.Collectors.toSet()));
            InferenceServer server = InferenceServer.start(model, ServingTest.opts("--port", "0", "--warmup", "0", "--token", "t0k"));
            try {
                java.net.URI base = java.net.URI.create(server.url());
                int answered = 0;
                try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
                    socket.setSoTimeout(30_000);
                    var out = new java.io.BufferedOutputStream(socket.getOutputStream(), 1 << 16);
                    var in = new java.io.BufferedInputStream(socket.getInputStream());
                    for (WarmupTraffic.Call call : calls) {
                        for (String client : WarmupTraffic.CLIENT_HEADERS) {
                            for (int pattern = 0; pattern < WarmupTraffic.WRITE_PATTERNS; pattern++) {
                                WarmupTraffic.send(out, WarmupTraffic.head(base, "t0k", call, client, false), call.body(), pattern);
                                assertEquals(200, Warmup.readResponse(in), call.path() + " " + call.contentType() + " as " + client);
                                answered++;
                            }
                        }
                    }
                }
                // a one-shot request asking to close: answered, then the server closes the connection
                WarmupTraffic.Call call = calls.get(0);
                try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
                    socket.setSoTimeout(30_000);
                    WarmupTraffic.send(socket.getOutputStream(), WarmupTraffic.head(base, "t0k", call,
                            WarmupTraffic.CLIENT_HEADERS.get(1), true), call.body(), 0);
                    var in = new java.io.BufferedInputStream(socket.getInputStream());
                    assertEquals(200, Warmup.readResponse(in));
                    assertEquals(-1, in.read(), "the connection stays open after Connection: close");
                }
                assertEquals(calls.size() * WarmupTraffic.CLIENT_HEADERS.size() * WarmupTraffic.WRITE_PATTERNS, answered);
                // every request to the endpoint's port counts, however it looks: only the warm-up's own socket is apart
                assertEquals(answered + 1, server.requestCount());
            } finally {
                server.stop(2000);
            }
        }
    }

    @Test
    void v2SamplesComeInTheJsonStylesClientsWriteAndSayTheSameThing() throws Exception {
        try (TorchScriptModel model = TorchScriptModel.load("colours", ServingTest.fixture("classifier"),
                "image-classification", 4, null, null)) {
            String compact = WarmupTraffic.v2Sample(model, WarmupTraffic.JsonStyle.COMPACT);
            String python = WarmupTraffic.v2Sample(model, WarmupTraffic.JsonStyle.PYTHON);
            String indented = WarmupTraffic.v2Sample(model, WarmupTraffic.JsonStyle.INDENTED);
            assertFalse(compact.contains(" ") || compact.contains("\n"), compact);
            assertTrue(python.contains("\"inputs\": [{\"name\": ") && python.contains(", ") && !python.contains("\n"), python);
            assertTrue(indented.contains("\n    {\n      \"data\": [\n"), indented);
            for (String json : List.of(compact, python, indented)) {
                var input = com.google.gson.JsonParser.parseString(json).getAsJsonObject().getAsJsonArray("inputs").get(0).getAsJsonObject();
                assertEquals("[1,3,4,4]", input.get("shape").toString(), json);
                assertEquals("FP32", input.get("datatype").getAsString());
                assertEquals(48, input.getAsJsonArray("data").size(), json);
                for (var v : input.getAsJsonArray("data")) assertTrue(Math.abs(v.getAsDouble()) <= 1, json);
            }
        }
    }

    @Test
    void warmUpLeavesOutRequestsOverTheSizeLimitInsteadOfStoppingAtTheFirst413() throws Exception {
        try (TorchScriptModel model = TorchScriptModel.load("colours", ServingTest.fixture("classifier"),
                "image-classification", 32, null, null)) {
            long smallest = WarmupTraffic.callsFor(model).stream().mapToLong(c -> c.body().length).min().orElseThrow();
            long largest = WarmupTraffic.callsFor(model).stream().mapToLong(c -> c.body().length).max().orElseThrow();
            assertTrue(smallest < largest, "the warm-up bodies differ in size");
            InferenceServer server = InferenceServer.start(model, ServingTest.opts("--port", "0", "--warmup", "2s",
                    "--max-request-size", Long.toString(smallest)));
            try {
                assertTrue(server.awaitWarm(30_000), "the warm-up did not end");
                assertTrue(server.warmupAnswered() > 100, "the warm-up stopped early: " + server.warmupAnswered() + " answered");
            } finally {
                server.stop(2000);
            }
        }
    }

    @Test
    void warmUpPngsUseEveryRowFilterAndDecodeToTheirPixelsBothWays() throws Exception {
        java.awt.image.BufferedImage source = new java.awt.image.BufferedImage(23, 11, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(3);
        for (int y = 0; y < 11; y++) for (int x = 0; x < 23; x++) source.setRGB(x, y, random.nextInt(1 << 24));
        for (int channels : new int[] {3, 4}) {
            byte[] png = WarmupTraffic.png(source, channels);
            java.awt.image.BufferedImage read = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
            Pixels fast = PngFastPath.decode(png);
            assertEquals(channels, fast.channels());
            for (int y = 0; y < 11; y++) {
                for (int x = 0; x < 23; x++) {
                    int rgb = source.getRGB(x, y) & 0xffffff;
                    assertEquals(rgb, read.getRGB(x, y) & 0xffffff, "ImageIO, pixel " + x + "," + y + " of " + channels + " channels");
                    int at = (y * 23 + x) * channels;
                    int[] c = {fast.data()[at] & 0xff, fast.data()[at + 1] & 0xff, fast.data()[at + 2] & 0xff};
                    int fastRgb = fast.bgr() ? c[2] << 16 | c[1] << 8 | c[0] : c[0] << 16 | c[1] << 8 | c[2];
                    assertEquals(rgb, fastRgb, "PngFastPath, pixel " + x + "," + y);
                }
            }
        }
    }

    @Test
    void inputShapeIsCheckedWhenParsedAndRefusedForAnImageClassifier() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ServeOptions.parse(List.of("--input-shape", "1,x")));
        assertTrue(bad.getMessage().contains("--input-shape"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ServeOptions.parse(List.of("--input-shape", "0,4")));
        assertThrows(IllegalArgumentException.class, () -> ServeOptions.parse(List.of("--input-shape", "-2")));
        assertEquals(List.of(-1L, 512L), java.util.Arrays.stream(ServeOptions.parse(List.of("--input-shape=-1, 512")).inputShape()).boxed().toList());
        java.io.IOException image = assertThrows(java.io.IOException.class, () -> TorchScriptModel.load("colours",
                ServingTest.fixture("classifier"), "image-classification", 32, null, null, new long[] {-1, 4}));
        assertTrue(image.getMessage().contains("--input-shape"), image.getMessage());
    }

    @Test
    void warmupOptionIsADurationAndZeroTurnsItOff() {
        assertEquals(ServeOptions.DEFAULT_WARMUP, ServeOptions.parse(List.of()).warmup());
        assertTrue(ServeOptions.parse(List.of("--warmup", "0")).warmup().isZero());
        assertEquals(1500, ServeOptions.parse(List.of("--warmup=1500ms")).warmup().toMillis());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ServeOptions.parse(List.of("--warmup", "soon")));
        assertTrue(bad.getMessage().contains("--warmup"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ServeOptions.parse(List.of("--warmup", "-2s")));
    }

    @Test
    void v2SamplesFollowTheDeclaredShapeWithVariableDimensionsAsOneAndDecimalsLikeAClients() throws Exception {
        try (TorchScriptModel model = TorchScriptModel.load("colours", ServingTest.fixture("classifier"),
                "image-classification", 4, null, null)) {
            String json = WarmupTraffic.v2Sample(model);
            assertTrue(json.contains("\"shape\":[1,3,4,4]"), json);
            var data = com.google.gson.JsonParser.parseString(json).getAsJsonObject().getAsJsonArray("inputs").get(0)
                    .getAsJsonObject().getAsJsonArray("data");
            assertEquals(48, data.size(), "one value per element of 1x3x4x4: " + json);
            for (var v : data) assertTrue(Math.abs(v.getAsDouble()) < 1 && v.getAsString().contains("."), json);
        }
        try (TorchScriptModel mlp = TorchScriptModel.load("mlp", ServingTest.fixture("mlp.pt"), null, -1, null, null)) {
            assertNull(WarmupTraffic.v2Sample(mlp));
        }
    }
}
