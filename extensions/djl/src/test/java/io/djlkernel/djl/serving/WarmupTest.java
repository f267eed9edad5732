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
                assertFalse(Http.get(server.url() + "/metrics", auth).body().contains("warmup"));
            } finally {
                server.stop(2000);
            }
        }
    }

    @Test
    void aModelWithoutDeclaredInputsIsReadyAtOnce() throws Exception {
        try (TorchScriptModel mlp = TorchScriptModel.load("mlp", ServingTest.fixture("mlp.pt"), null, -1, null, null)) {
            assertTrue(Warmup.callsFor(mlp).isEmpty());
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
            List<Warmup.Call> calls = Warmup.callsFor(mlp);
            assertEquals(1, calls.size());
            assertEquals("/v2/models/mlp/infer", calls.get(0).path());
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
            String json = Warmup.v2Sample(model);
            assertTrue(json.contains("\"shape\":[1,3,4,4]"), json);
            var data = com.google.gson.JsonParser.parseString(json).getAsJsonObject().getAsJsonArray("inputs").get(0)
                    .getAsJsonObject().getAsJsonArray("data");
            assertEquals(48, data.size(), "one value per element of 1x3x4x4: " + json);
            for (var v : data) assertTrue(Math.abs(v.getAsDouble()) < 1 && v.getAsString().contains("."), json);
        }
        try (TorchScriptModel mlp = TorchScriptModel.load("mlp", ServingTest.fixture("mlp.pt"), null, -1, null, null)) {
            assertNull(Warmup.v2Sample(mlp));
        }
    }
}
