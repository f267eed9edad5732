package io.djlkernel.djl.tensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.djlkernel.djl.DjlEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The repr against PyTorch's own output (fixtures written by src/test/python/make_repr_fixtures.py). */
class NDArrayFormatTest {
    static NDManager manager;

    @BeforeAll
    static void engine() {
        manager = DjlEnvironment.engine().newBaseManager(ai.djl.Device.cpu());
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @TestFactory
    List<DynamicTest> matchesTorchRepr() throws Exception {
        JsonObject root;
        try (var in = NDArrayFormatTest.class.getResourceAsStream("/fixtures/torch-repr.json")) {
            root = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonElement e : root.getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            tests.add(DynamicTest.dynamicTest(c.get("name").getAsString(), () -> {
                NDArray array = build(c);
                String ours = NDArrayFormat.repr(array);
                String expected = c.get("repr").getAsString();
                assertTrue(ours.startsWith(expected + ", device='cpu', dtype=" + c.get("dtype").getAsString()),
                        "expected torch's\n" + expected + "\nbut got\n" + ours);
            }));
        }
        return tests;
    }

    static NDArray build(JsonObject c) {
        String dtype = c.get("dtype").getAsString();
        JsonArray shapeJson = c.getAsJsonArray("shape");
        long[] dims = new long[shapeJson.size()];
        for (int i = 0; i < dims.length; i++) dims[i] = shapeJson.get(i).getAsLong();
        Shape shape = new Shape(dims);
        DataType type = DataType.valueOf(dtype.toUpperCase());
        if (dtype.equals("boolean")) {
            JsonArray data = c.getAsJsonArray("data");
            boolean[] b = new boolean[data.size()];
            for (int i = 0; i < b.length; i++) b[i] = data.get(i).getAsBoolean();
            return manager.create(b, shape);
        }
        double[] values;
        if (c.has("data")) {
            JsonArray data = c.getAsJsonArray("data");
            values = new double[data.size()];
            for (int i = 0; i < values.length; i++) {
                JsonElement v = data.get(i);
                values[i] = v.getAsJsonPrimitive().isString() ? Double.parseDouble(v.getAsString().replace("inf", "Infinity")
                        .replace("nan", "NaN")) : v.getAsDouble();
            }
        } else {
            int n = c.get("arange").getAsInt();
            double scale = c.has("scale") ? c.get("scale").getAsDouble() : 1;
            double offset = c.has("offset") ? c.get("offset").getAsDouble() : 0;
            values = new double[n];
            for (int i = 0; i < n; i++) values[i] = i * scale + offset;
        }
        if (type == DataType.UINT8) {
            ByteBuffer buf = ByteBuffer.allocateDirect(values.length);
            for (double v : values) buf.put((byte) (int) v);
            buf.flip();
            return manager.create(buf, shape, DataType.UINT8);
        }
        return manager.create(values, shape).toType(type, false);
    }

    @Test
    void twentyFiveMillionElementsRenderInBoundedTime() {
        try (NDManager m = manager.newSubManager()) {
            NDArray big = m.randomUniform(0f, 1f, new Shape(5000, 5000));
            NDArrayFormat.repr(big); // first call warms the slicing code paths
            long best = Long.MAX_VALUE;
            String repr = null;
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                repr = NDArrayFormat.repr(big);
                best = Math.min(best, System.nanoTime() - t0);
            }
            assertTrue(best < 50_000_000L, "repr of 25M elements took " + best / 1e6 + " ms");
            assertTrue(repr.contains("..."), repr);
            assertTrue(repr.endsWith("shape=(5000, 5000))"), repr);
            assertTrue(repr.length() < 1000, "bounded output: " + repr.length());
        }
    }

    @Test
    void pythonNumberFormatting() {
        assertEquals("0.1250", NDArrayFormat.fixed(0.125, 4));
        assertEquals("0.0001", NDArrayFormat.fixed(0.00015, 4)); // 0.00015 is 0.000149999... in binary
        assertEquals("2.67", NDArrayFormat.fixed(2.675, 2));
        assertEquals("-0.0000", NDArrayFormat.fixed(-0.00001, 4));
        assertEquals("2", NDArrayFormat.fixed(2.5, 0)); // half to even, as Python
        assertEquals("1.0000e+00", NDArrayFormat.sci(1.0));
        assertEquals("1.2346e+03", NDArrayFormat.sci(1234.56));
        assertEquals("-1.0000e-05", NDArrayFormat.sci(-0.00001));
        assertEquals("1.0000e+10", NDArrayFormat.sci(9.99999e9));
        assertEquals("nan", NDArrayFormat.sci(Double.NaN));
        assertEquals("-inf", NDArrayFormat.fixed(Double.NEGATIVE_INFINITY, 4));
    }

    @Test
    void suffixNamesDeviceDtypeShape() {
        NDArray a = manager.create(new int[]{1, 2, 3});
        assertEquals("tensor([1, 2, 3], device='cpu', dtype=int32, shape=(3,))", NDArrayFormat.repr(a));
        NDArray empty = manager.create(new Shape(0, 3));
        assertEquals("tensor([], device='cpu', dtype=float32, shape=(0, 3))", NDArrayFormat.repr(empty));
        NDArray scalar = manager.create(2.5f);
        assertEquals("tensor(2.5000, device='cpu', dtype=float32, shape=())", NDArrayFormat.repr(scalar));
        a.setName("ids");
        assertTrue(NDArrayFormat.repr(a).endsWith(", name='ids')"));
        a.close();
        assertEquals("tensor(<closed>)", NDArrayFormat.repr(a));
    }
}
