package io.djlkernel.djl.serving;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonWriter;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Open Inference Protocol v2 JSON: requests to {@link HostTensor}s, outputs back to JSON. */
public final class V2Codec {
    private V2Codec() {
    }

    /** A decoded infer request: {@code outputs} is null when the client asked for all of them. */
    public record InferRequest(String id, JsonObject parameters, List<HostTensor> inputs, List<String> outputs) {
    }

    public static InferRequest parse(String body) {
        JsonElement root;
        try {
            root = JsonParser.parseString(body);
        } catch (JsonParseException e) {
            throw new BadRequest("malformed JSON: " + rootMessage(e));
        }
        if (root == null || !root.isJsonObject()) throw new BadRequest("the request body must be a JSON object");
        JsonObject o = root.getAsJsonObject();
        String id = null;
        if (o.has("id")) {
            JsonElement e = o.get("id");
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) throw new BadRequest("'id' must be a string");
            id = e.getAsString();
        }
        JsonObject params = o.has("parameters") && o.get("parameters").isJsonObject() ? o.getAsJsonObject("parameters") : null;
        JsonElement in = o.get("inputs");
        if (in == null || !in.isJsonArray() || in.getAsJsonArray().isEmpty()) {
            throw new BadRequest("'inputs' must be a non-empty array of tensors");
        }
        List<HostTensor> inputs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonElement e : in.getAsJsonArray()) {
            if (!e.isJsonObject()) throw new BadRequest("each input must be an object {name, shape, datatype, data}");
            HostTensor t = tensor(e.getAsJsonObject());
            if (!names.add(t.name())) throw new BadRequest("input '" + t.name() + "' appears twice");
            inputs.add(t);
        }
        List<String> outputs = null;
        if (o.has("outputs")) {
            if (!o.get("outputs").isJsonArray()) throw new BadRequest("'outputs' must be an array of {name}");
            outputs = new ArrayList<>();
            for (JsonElement e : o.getAsJsonArray("outputs")) {
                if (!e.isJsonObject() || !e.getAsJsonObject().has("name")) throw new BadRequest("each requested output needs a 'name'");
                outputs.add(e.getAsJsonObject().get("name").getAsString());
            }
        }
        return new InferRequest(id, params, inputs, outputs);
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) e = e.getCause();
        return String.valueOf(e.getMessage());
    }

    static HostTensor tensor(JsonObject t) {
        String name = string(t, "name", "input");
        String where = "input '" + name + "'";
        V2Type type;
        try {
            type = V2Type.parse(string(t, "datatype", where));
        } catch (IllegalArgumentException e) {
            throw new BadRequest(where + ": " + e.getMessage());
        }
        if (type == V2Type.FP16) throw new BadRequest(where + ": FP16 is only allowed in the binary extension, not in JSON");
        JsonElement sh = t.get("shape");
        if (sh == null || !sh.isJsonArray()) throw new BadRequest(where + ": 'shape' must be an array of non-negative integers");
        JsonArray sa = sh.getAsJsonArray();
        long[] shape = new long[sa.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonElement d = sa.get(i);
            if (!isNumber(d) || !isIntegral(d.getAsBigDecimal()) || d.getAsLong() < 0) {
                throw new BadRequest(where + ": 'shape' must be an array of non-negative integers, got " + sh);
            }
            shape[i] = d.getAsLong();
        }
        long expected = HostTensor.elementCount(shape);
        if (expected > Integer.MAX_VALUE) throw new BadRequest(where + ": shape " + sh + " is too large");
        JsonElement data = t.get("data");
        if (data == null) throw new BadRequest(where + ": 'data' is missing (binary tensor data is not supported)");
        List<JsonElement> flat = new ArrayList<>((int) Math.min(expected, 1 << 20));
        flatten(data, flat, where);
        if (flat.size() != expected) {
            throw new BadRequest(where + ": shape " + sh + " holds " + expected + " elements but 'data' has " + flat.size());
        }
        return new HostTensor(name, type, shape, values(type, flat, where));
    }

    private static void flatten(JsonElement e, List<JsonElement> out, String where) {
        if (e.isJsonArray()) {
            for (JsonElement c : e.getAsJsonArray()) flatten(c, out, where);
        } else if (e.isJsonPrimitive()) {
            out.add(e);
        } else {
            throw new BadRequest(where + ": 'data' may hold only numbers, booleans or strings, nested in arrays");
        }
    }

    private static Object values(V2Type type, List<JsonElement> flat, String where) {
        int n = flat.size();
        switch (type) {
            case BYTES: {
                String[] s = new String[n];
                for (int i = 0; i < n; i++) {
                    JsonPrimitive p = flat.get(i).getAsJsonPrimitive();
                    if (!p.isString()) throw new BadRequest(where + ": BYTES data must be strings, got " + p);
                    s[i] = p.getAsString();
                }
                return s;
            }
            case FP32: {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) f[i] = (float) number(flat.get(i), type, where);
                return f;
            }
            case FP64: {
                double[] d = new double[n];
                for (int i = 0; i < n; i++) d[i] = number(flat.get(i), type, where);
                return d;
            }
            case BOOL: {
                long[] b = new long[n];
                for (int i = 0; i < n; i++) {
                    JsonPrimitive p = flat.get(i).getAsJsonPrimitive();
                    if (!p.isBoolean()) throw new BadRequest(where + ": BOOL data must be true/false, got " + p);
                    b[i] = p.getAsBoolean() ? 1 : 0;
                }
                return b;
            }
            default: {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    JsonElement e = flat.get(i);
                    if (!isNumber(e)) throw new BadRequest(where + ": " + type + " data must be integers, got " + e);
                    BigDecimal b = e.getAsBigDecimal();
                    if (!isIntegral(b)) throw new BadRequest(where + ": " + type + " data must be integers, got " + e);
                    long x;
                    try {
                        x = b.longValueExact();
                    } catch (ArithmeticException ex) {
                        throw new BadRequest(where + ": " + e + " is out of range for " + type);
                    }
                    if (x < type.min() || x > type.max()) throw new BadRequest(where + ": " + e + " is out of range for " + type);
                    v[i] = x;
                }
                return v;
            }
        }
    }

    private static double number(JsonElement e, V2Type type, String where) {
        if (!isNumber(e)) throw new BadRequest(where + ": " + type + " data must be numbers, got " + e);
        return e.getAsDouble();
    }

    private static boolean isNumber(JsonElement e) {
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber();
    }

    private static boolean isIntegral(BigDecimal b) {
        return b.signum() == 0 || b.scale() <= 0 || b.stripTrailingZeros().scale() <= 0;
    }

    private static String string(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new BadRequest(where + ": '" + key + "' must be a string");
        }
        return e.getAsString();
    }

    /** The response: model_name, model_version, id (when the request had one), outputs (flattened data). */
    public static String response(String model, String version, String id, List<HostTensor> outputs) {
        StringWriter sw = new StringWriter(256);
        try (JsonWriter w = new JsonWriter(sw)) {
            w.beginObject();
            w.name("model_name").value(model);
            if (version != null) w.name("model_version").value(version);
            if (id != null) w.name("id").value(id);
            w.name("outputs").beginArray();
            for (HostTensor t : outputs) {
                w.beginObject();
                w.name("name").value(t.name());
                w.name("datatype").value(t.type().name());
                w.name("shape").beginArray();
                for (long d : t.shape()) w.value(d);
                w.endArray();
                w.name("data").beginArray();
                writeData(w, t);
                w.endArray();
                w.endObject();
            }
            w.endArray();
            w.endObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return sw.toString();
    }

    private static void writeData(JsonWriter w, HostTensor t) throws IOException {
        Object d = t.data();
        if (d instanceof float[] a) {
            for (float x : a) w.jsonValue(Float.isFinite(x) ? Float.toString(x) : "null");
        } else if (d instanceof double[] a) {
            for (double x : a) w.jsonValue(Double.isFinite(x) ? Double.toString(x) : "null");
        } else if (d instanceof long[] a) {
            if (t.type() == V2Type.BOOL) for (long x : a) w.value(x != 0);
            else for (long x : a) w.value(x);
        } else {
            for (String s : (String[]) d) w.value(s);
        }
    }
}
