package io.djlkernel.djl.serving;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every JSON datatype decodes, checks its range, and goes to the engine and back unchanged. */
class V2CodecTest {
    static HostTensor one(String datatype, String data, String shape) {
        return V2Codec.parse("{\"inputs\":[{\"name\":\"t\",\"shape\":" + shape + ",\"datatype\":\"" + datatype + "\",\"data\":" + data + "}]}")
                .inputs().get(0);
    }

    @Test
    void everyDatatypeRoundTripsThroughTheEngine() {
        String[][] cases = {
            {"BOOL", "[true,false,true,false]"}, {"UINT8", "[0,1,200,255]"}, {"UINT16", "[0,1,300,65535]"},
            {"UINT32", "[0,1,70000,4294967295]"}, {"UINT64", "[0,1,2,9007199254740993]"}, {"INT8", "[-128,0,5,127]"},
            {"INT16", "[-32768,0,5,32767]"}, {"INT32", "[-2147483648,0,5,2147483647]"},
            {"INT64", "[-9223372036854775808,0,5,9223372036854775807]"}, {"FP32", "[0.5,-1.25,3,1e-3]"}, {"FP64", "[0.1,-2.5,3,1e300]"},
        };
        try (NDManager m = NDManager.newBaseManager()) {
            for (String[] c : cases) {
                HostTensor t = one(c[0], c[1], "[2,2]");
                assertEquals(V2Type.valueOf(c[0]), t.type());
                NDArray a = t.toNDArray(m);
                assertArrayEquals(new long[] {2, 2}, a.getShape().getShape(), c[0]);
                HostTensor back = HostTensor.of("t", a);
                String json = V2Codec.response("m", null, null, List.of(back));
                String data = json.substring(json.indexOf("\"data\":") + 7, json.lastIndexOf("]}]}") + 1);
                if (c[0].startsWith("FP")) {
                    double[] want = java.util.Arrays.stream(c[1].replaceAll("[\\[\\]]", "").split(",")).mapToDouble(Double::parseDouble).toArray();
                    double[] got = java.util.Arrays.stream(data.replaceAll("[\\[\\]]", "").split(",")).mapToDouble(Double::parseDouble).toArray();
                    assertArrayEquals(want, got, c[0].equals("FP32") ? 1e-6 : 0, c[0]);
                } else if (!c[0].equals("UINT64")) {
                    assertEquals(c[1], data, c[0]);
                }
            }
        }
    }

    @Test
    void nestedAndFlatDataAreTheSame() {
        HostTensor flat = one("INT32", "[1,2,3,4,5,6]", "[2,3]");
        HostTensor nested = one("INT32", "[[1,2,3],[4,5,6]]", "[2,3]");
        assertArrayEquals((long[]) flat.data(), (long[]) nested.data());
        HostTensor deep = one("FP32", "[[[1],[2]],[[3],[4]]]", "[2,2,1]");
        assertEquals(4, deep.size());
    }

    @Test
    void bytesAndScalars() {
        HostTensor b = one("BYTES", "[\"a\",\"b\"]", "[2]");
        assertArrayEquals(new String[] {"a", "b"}, (String[]) b.data());
        assertEquals(1, one("FP32", "[7]", "[]").size());
        assertThrows(BadRequest.class, () -> one("BYTES", "[1,2]", "[2]"));
    }

    @Test
    void rangeAndTypeErrors() {
        for (String[] c : new String[][] {{"UINT8", "[256]"}, {"UINT8", "[-1]"}, {"INT16", "[40000]"}, {"UINT32", "[-1]"},
                {"INT64", "[9223372036854775808]"}, {"INT32", "[true]"}, {"BOOL", "[\"x\"]"}, {"FP64", "[null]"}}) {
            BadRequest e = assertThrows(BadRequest.class, () -> one(c[0], c[1], "[1]"), c[0] + c[1]);
            assertEquals(400, e.status());
        }
        BadRequest count = assertThrows(BadRequest.class, () -> one("FP32", "[1,2,3]", "[2,2]"));
        assertTrue(count.getMessage().contains("4 elements"));
        assertThrows(BadRequest.class, () -> V2Codec.parse("{\"inputs\":[{\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}"));
        assertThrows(BadRequest.class, () -> V2Codec.parse("{\"id\":5,\"inputs\":[{\"name\":\"a\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}"));
    }

    @Test
    void optionsParse() {
        ServeOptions o = ServeOptions.parse(List.of("m", "--port", "9000", "--max-request-size", "2m", "--timeout", "500ms", "--batch-size=4"));
        assertEquals(9000, o.port());
        assertEquals(2L << 20, o.maxRequestBytes());
        assertEquals(500, o.timeout().toMillis());
        assertEquals(4, o.batchSize());
        assertEquals("127.0.0.1", o.host());
        assertEquals(List.of("m"), o.positional());
        assertThrows(IllegalArgumentException.class, () -> ServeOptions.parse(List.of("--bogus", "1")));
        assertThrows(IllegalArgumentException.class, () -> ServeOptions.parse(List.of("--port")));
    }
}
