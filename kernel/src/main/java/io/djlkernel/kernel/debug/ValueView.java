package io.djlkernel.kernel.debug;

import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.api.display.RendererRegistry;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the variables panel shows a real object: one line of text (bounded: never a full toString of something
 * big), and its children, paged (fields, array and list elements, map entries). NDArrays show as
 * shape · dtype · device · min/max/mean and their first values; DJL is reached by name (it is on the kernel's class
 * path, but the kernel does not compile against extensions).
 */
final class ValueView {
    private static final int MAX_CHARS = 200;
    private static final int STATISTICS_LIMIT = 1 << 20;
    private static final int FIRST_VALUES = 6;

    private final RendererRegistry renderers;

    ValueView(RendererRegistry renderers) {
        this.renderers = renderers;
    }

    RendererRegistry renderers() {
        return renderers;
    }

    record Child(String name, Object value, String type) {
    }

    String text(Object value) {
        if (value == null) return "null";
        if (value instanceof CharSequence) return '"' + cut(value.toString()) + '"';
        if (value instanceof Number || value instanceof Boolean || value instanceof Character || value instanceof Enum) {
            return String.valueOf(value);
        }
        if (isNdArray(value)) return ndArray(value);
        if (value.getClass().isArray()) return arrayText(value);
        try {
            Object plain = renderers.render(value).data().get(MimeBundle.TEXT_PLAIN);
            String text = plain == null ? value.getClass().getName() : plain.toString();
            int newline = text.indexOf('\n');
            return cut(newline < 0 ? text : text.substring(0, newline) + " …");
        } catch (RuntimeException | LinkageError e) {
            return value.getClass().getName() + " (not shown: " + e + ")";
        }
    }

    static String type(Object value) {
        return value == null ? "null" : value.getClass().getTypeName();
    }

    /** Whether the panel may expand it. */
    static boolean hasChildren(Object value) {
        if (value == null || value instanceof CharSequence || value instanceof Number || value instanceof Boolean
                || value instanceof Character || value instanceof Enum || isNdArray(value)) {
            return false;
        }
        return !value.getClass().isArray() || Array.getLength(value) > 0;
    }

    static int childCount(Object value) {
        if (value.getClass().isArray()) return Array.getLength(value);
        if (value instanceof Collection<?> c) return c.size();
        if (value instanceof Map<?, ?> m) return m.size();
        return fields(value.getClass()).size();
    }

    /** Children {@code start} .. {@code start + count - 1} (count 0: all, up to 1000). */
    static List<Child> children(Object value, int start, int count) {
        int end = count <= 0 ? start + 1000 : start + count;
        List<Child> children = new ArrayList<>();
        if (value.getClass().isArray()) {
            int n = Array.getLength(value);
            for (int i = start; i < Math.min(n, end); i++) {
                Object element = Array.get(value, i);
                children.add(new Child("[" + i + "]", element, value.getClass().getComponentType().getTypeName()));
            }
        } else if (value instanceof List<?> list) {
            for (int i = start; i < Math.min(list.size(), end); i++) children.add(new Child("[" + i + "]", list.get(i), null));
        } else if (value instanceof Collection<?> collection) {
            int i = 0;
            for (Object element : collection) {
                if (i >= end) break;
                if (i >= start) children.add(new Child("[" + i + "]", element, null));
                i++;
            }
        } else if (value instanceof Map<?, ?> map) {
            int i = 0;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (i >= end) break;
                if (i >= start) children.add(new Child(String.valueOf(entry.getKey()), entry.getValue(), null));
                i++;
            }
        } else {
            List<Field> fields = fields(value.getClass());
            for (int i = start; i < Math.min(fields.size(), end); i++) {
                Field field = fields.get(i);
                Object fieldValue;
                try {
                    field.setAccessible(true);
                    fieldValue = field.get(value);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    fieldValue = "(inaccessible: " + e.getClass().getSimpleName() + ")";
                }
                children.add(new Child(field.getName(), fieldValue, field.getType().getTypeName()));
            }
        }
        return children;
    }

    private static List<Field> fields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers()) && !field.isSynthetic()) fields.add(field);
            }
        }
        return fields;
    }

    static boolean isNdArray(Object value) {
        for (Class<?> c = value.getClass(); c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (i.getName().equals("ai.djl.ndarray.NDArray")) return true;
            }
        }
        return false;
    }

    /** shape · dtype · device · min/max/mean and the first values, all through NDArray's public interface. */
    static String ndArray(Object array) {
        try {
            Class<?> api = Class.forName("ai.djl.ndarray.NDArray", false, array.getClass().getClassLoader());
            Object shape = call(api, array, "getShape");
            Object dtype = call(api, array, "getDataType");
            Object device = call(api, array, "getDevice");
            long size = ((Number) call(api, array, "size")).longValue();
            StringBuilder text = new StringBuilder();
            text.append(shape).append(" · ").append(String.valueOf(dtype).toLowerCase(Locale.ROOT)).append(" · ")
                    .append(device);
            if (size == 0) return text.append(" · empty").toString();
            if (size > STATISTICS_LIMIT) return text.append(" · (no statistics: over 2^20 values)").toString();
            Object values = call(api, array, "toArray");
            if (!(values instanceof Number[] numbers)) return text.toString();
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (Number n : numbers) {
                double d = n.doubleValue();
                min = Math.min(min, d);
                max = Math.max(max, d);
                sum += d;
            }
            text.append(String.format(Locale.ROOT, " · min %.4g max %.4g mean %.4g", min, max, sum / numbers.length));
            text.append(" · [");
            for (int i = 0; i < Math.min(FIRST_VALUES, numbers.length); i++) {
                if (i > 0) text.append(", ");
                text.append(numbers[i]);
            }
            return text.append(numbers.length > FIRST_VALUES ? ", …]" : "]").toString();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return array.getClass().getName() + " (not shown: " + e + ")";
        }
    }

    private static Object call(Class<?> api, Object target, String method) throws ReflectiveOperationException {
        Method m = api.getMethod(method);
        try {
            return m.invoke(target);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    private static String arrayText(Object array) {
        int n = Array.getLength(array);
        StringBuilder text = new StringBuilder(array.getClass().getComponentType().getTypeName() + "[" + n + "] [");
        for (int i = 0; i < Math.min(n, 10); i++) {
            if (i > 0) text.append(", ");
            Object element = Array.get(array, i);
            text.append(element == null || element.getClass().isArray() ? String.valueOf(element) : cut(element.toString()));
        }
        return cut(text.append(n > 10 ? ", …]" : "]").toString());
    }

    private static String cut(String text) {
        return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS) + "…";
    }
}
