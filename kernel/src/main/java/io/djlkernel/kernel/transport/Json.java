package io.djlkernel.kernel.transport;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small, reflection-free helpers for reading and building message JSON. */
public final class Json {
    private Json() {
    }

    public static String string(JsonObject o, String key, String fallback) {
        JsonElement e = o == null ? null : o.get(key);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : fallback;
    }

    public static int integer(JsonObject o, String key, int fallback) {
        JsonElement e = o == null ? null : o.get(key);
        if (e == null || !e.isJsonPrimitive()) return fallback;
        try {
            return e.getAsInt();
        } catch (NumberFormatException ex) {
            return fallback;
        }
    }

    public static boolean bool(JsonObject o, String key, boolean fallback) {
        JsonElement e = o == null ? null : o.get(key);
        if (e == null || !e.isJsonPrimitive()) return fallback;
        JsonPrimitive p = e.getAsJsonPrimitive();
        return p.isBoolean() ? p.getAsBoolean() : fallback;
    }

    public static JsonObject object(JsonObject o, String key) {
        JsonElement e = o == null ? null : o.get(key);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : new JsonObject();
    }

    public static JsonArray strings(Collection<String> values) {
        JsonArray a = new JsonArray(values.size());
        for (String v : values) a.add(v);
        return a;
    }

    /** A JSON object as plain Java: maps, lists, strings, booleans, numbers (Long when integral, else Double). */
    public static Map<String, Object> toMap(JsonObject object) {
        Map<String, Object> map = new LinkedHashMap<>();
        if (object != null) {
            for (Map.Entry<String, JsonElement> e : object.entrySet()) map.put(e.getKey(), toJava(e.getValue()));
        }
        return map;
    }

    public static Object toJava(JsonElement element) {
        if (element == null || element.isJsonNull()) return null;
        if (element.isJsonObject()) return toMap(element.getAsJsonObject());
        if (element.isJsonArray()) {
            List<Object> list = new ArrayList<>();
            for (JsonElement item : element.getAsJsonArray()) list.add(toJava(item));
            return list;
        }
        JsonPrimitive p = element.getAsJsonPrimitive();
        if (p.isBoolean()) return p.getAsBoolean();
        if (p.isNumber()) {
            String text = p.getAsString();
            boolean integral = text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
            if (integral) {
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException e) {
                    return p.getAsBigDecimal();
                }
            }
            return p.getAsDouble();
        }
        return p.getAsString();
    }

    /**
     * Converts what a {@code MimeBundle} may hold (strings, numbers, booleans, maps, collections, arrays, JSON
     * trees) into JSON; anything else becomes its {@code toString()}.
     */
    public static JsonElement toJson(Object value) {
        if (value == null) return JsonNull.INSTANCE;
        if (value instanceof JsonElement e) return e;
        if (value instanceof String s) return new JsonPrimitive(s);
        if (value instanceof Number n) return new JsonPrimitive(n);
        if (value instanceof Boolean b) return new JsonPrimitive(b);
        if (value instanceof Character c) return new JsonPrimitive(c.toString());
        if (value instanceof Map<?, ?> map) {
            JsonObject o = new JsonObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) o.add(String.valueOf(entry.getKey()), toJson(entry.getValue()));
            return o;
        }
        if (value instanceof Iterable<?> items) {
            JsonArray a = new JsonArray();
            for (Object item : items) a.add(toJson(item));
            return a;
        }
        if (value.getClass().isArray()) {
            int length = Array.getLength(value);
            JsonArray a = new JsonArray(length);
            for (int i = 0; i < length; i++) a.add(toJson(Array.get(value, i)));
            return a;
        }
        return new JsonPrimitive(value.toString());
    }
}
