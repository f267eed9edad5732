package io.djlkernel.kernel.eval;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.Map;

/** A one-line look at a value in bounded time: never a full toString of something big. */
final class ValuePreview {
    private static final int MAX_CHARS = 80;

    private ValuePreview() {
    }

    static String of(Object value) {
        if (value == null) return "null";
        if (value instanceof CharSequence) return '"' + cut(value.toString()) + '"';
        if (value instanceof Number || value instanceof Boolean || value instanceof Character
                || value instanceof Enum) {
            return cut(String.valueOf(value));
        }
        Class<?> type = value.getClass();
        if (type.isArray()) {
            return type.getComponentType().getSimpleName() + "[" + Array.getLength(value) + "]";
        }
        if (value instanceof Collection) return type.getSimpleName() + " (size " + ((Collection<?>) value).size() + ")";
        if (value instanceof Map) return type.getSimpleName() + " (size " + ((Map<?, ?>) value).size() + ")";
        return type.getName();
    }

    private static String cut(String text) {
        return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS) + "…";
    }
}
