package io.djlkernel.kernel.display;

import io.djlkernel.api.display.Images;
import io.djlkernel.api.display.MimeBundle;
import java.awt.image.RenderedImage;
import java.lang.reflect.Array;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.BaseStream;

/**
 * The bounded text/plain form of any value, in time proportional to the limits, never to the value's size:
 * strings are cut at {@code maxChars} with a note of how much was cut; arrays, collections and maps are printed
 * the way JShell prints them ({@code int[3] { 1, 2, 3 }}, {@code [a, b, c]}, {@code {k=v}}) with at most
 * {@code maxElements} elements each and a {@code ... (N more)} note; nested values share one character budget.
 * Streams and iterators are never consumed. Stateless and thread-safe.
 */
final class PlainText {
    private static final int MAX_DEPTH = 16;
    private static final int MAX_CAUSES = 3;

    private final int maxChars;
    private final int maxElements;
    /** The text/plain a registered (non built-in) renderer gives a nested value, or null to format it here. */
    private final Function<Object, String> nestedRenderer;

    PlainText(int maxChars, int maxElements, Function<Object, String> nestedRenderer) {
        if (maxChars < 1 || maxElements < 1) throw new IllegalArgumentException("limits must be positive");
        this.maxChars = maxChars;
        this.maxElements = maxElements;
        this.nestedRenderer = nestedRenderer;
    }

    /** The text/plain of {@code value}, shown as a cell's result (a top-level string is not quoted). */
    String format(Object value) {
        Out out = new Out(maxChars);
        new Walk(out).value(value, 0, false);
        return out.toString();
    }

    /** {@code text} cut to {@code maxChars} characters, with a note of how many were cut. */
    String truncate(CharSequence text) {
        if (text.length() <= maxChars) return text.toString();
        Out out = new Out(maxChars);
        out.bounded(text);
        return out.toString();
    }

    /** Java's own spelling of a string literal's content: \n, \t, \", \\ and control characters escaped. */
    static void escape(CharSequence s, char quote, StringBuilder sb) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\b': sb.append("\\b"); break;
                case '\t': sb.append("\\t"); break;
                case '\n': sb.append("\\n"); break;
                case '\f': sb.append("\\f"); break;
                case '\r': sb.append("\\r"); break;
                case '\\': sb.append("\\\\"); break;
                default:
                    if (c == quote) {
                        sb.append('\\').append(c);
                    } else if (c < 0x20 || c == 0x7F) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A StringBuilder that knows its budget. */
    static final class Out {
        private final StringBuilder sb = new StringBuilder();
        private final int limit;

        Out(int limit) {
            this.limit = limit;
        }

        boolean full() {
            return sb.length() >= limit;
        }

        int remaining() {
            return Math.max(1, limit - sb.length());
        }

        Out raw(String s) {
            sb.append(s);
            return this;
        }

        /** Appends at most the remaining budget of {@code text}, then a note of what was cut. */
        void bounded(CharSequence text) {
            int length = text.length();
            int keep = remaining();
            if (length <= keep) {
                sb.append(text);
                return;
            }
            if (Character.isHighSurrogate(text.charAt(keep - 1))) keep--; // never split a surrogate pair
            sb.append(text, 0, keep);
            sb.append("... (").append(count(length - keep)).append(" more characters)");
        }

        /** {@code text} quoted and escaped like a Java literal, bounded like {@link #bounded}. */
        void quoted(CharSequence text, char quote) {
            int length = text.length();
            int keep = Math.min(length, remaining());
            if (keep < length && keep > 0 && Character.isHighSurrogate(text.charAt(keep - 1))) keep--;
            sb.append(quote);
            escape(text.subSequence(0, keep), quote, sb);
            sb.append(quote);
            if (keep < length) sb.append("... (").append(count(length - keep)).append(" more characters)");
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }

    /** One formatting pass: the output and the containers on the current path (to print cycles, not recurse). */
    private final class Walk {
        private final Out out;
        private final Map<Object, Boolean> path = new IdentityHashMap<>();

        Walk(Out out) {
            this.out = out;
        }

        /**
         * @param quoteText JShell quotes strings and chars inside arrays ({@code String[1] { "a" }}) but
         *                  collections print them as their toString does ({@code [a]})
         */
        void value(Object v, int depth, boolean quoteText) {
            if (v == null) {
                out.raw("null");
                return;
            }
            if (depth > 0) { // a registered renderer's text for nested values too (a tensor inside a list)
                String rendered = nested(v);
                if (rendered != null) {
                    out.bounded(rendered);
                    return;
                }
            }
            if (v instanceof CharSequence) {
                if (quoteText) out.quoted((CharSequence) v, '"');
                else out.bounded((CharSequence) v);
            } else if (v instanceof Character) {
                if (quoteText) out.quoted(v.toString(), '\'');
                else out.raw(v.toString());
            } else if (v instanceof Number || v instanceof Boolean || v instanceof Enum) {
                out.bounded(safeToString(v));
            } else if (depth >= MAX_DEPTH && isContainer(v)) {
                out.raw("...");
            } else if (path.containsKey(v)) {
                out.raw(v instanceof Map ? "(this Map)" : v.getClass().isArray() ? "(this array)" : "(this Collection)");
            } else if (v.getClass().isArray()) {
                enter(v);
                array(v, depth);
                leave(v);
            } else if (v instanceof Map && jdkToString(v)) {
                enter(v);
                map((Map<?, ?>) v, depth);
                leave(v);
            } else if (v instanceof Collection && jdkToString(v)) {
                enter(v);
                Collection<?> c = (Collection<?>) v;
                iterable(c.iterator(), c.size(), depth);
                leave(v);
            } else if (v instanceof Iterable && !(v instanceof Collection) && !overridesToString(v)) {
                enter(v);
                iterable(((Iterable<?>) v).iterator(), -1, depth);
                leave(v);
            } else if (v instanceof Map.Entry && jdkToString(v)) {
                Map.Entry<?, ?> e = (Map.Entry<?, ?>) v;
                value(e.getKey(), depth + 1, false);
                out.raw("=");
                value(e.getValue(), depth + 1, false);
            } else if (v instanceof Optional) {
                Optional<?> o = (Optional<?>) v;
                if (o.isEmpty()) {
                    out.raw("Optional.empty");
                } else {
                    out.raw("Optional[");
                    value(o.get(), depth + 1, false);
                    out.raw("]");
                }
            } else if (v instanceof BaseStream) {
                out.raw("<" + v.getClass().getSimpleName() + " stream, not consumed: collect it to see its elements>");
            } else if (v instanceof Throwable) {
                throwable((Throwable) v);
            } else if (v instanceof MimeBundle) {
                Object text = ((MimeBundle) v).data().get(MimeBundle.TEXT_PLAIN);
                out.bounded(text != null ? text.toString() : "MimeBundle" + ((MimeBundle) v).data().keySet());
            } else if (v instanceof RenderedImage) {
                out.raw(Images.describe((RenderedImage) v));
            } else {
                out.bounded(safeToString(v));
            }
        }

        private boolean isContainer(Object v) {
            return v.getClass().isArray() || v instanceof Iterable || v instanceof Map || v instanceof Map.Entry
                    || v instanceof Optional;
        }

        private String nested(Object v) {
            try {
                return nestedRenderer.apply(v);
            } catch (RuntimeException | LinkageError e) {
                return null;
            }
        }

        private void enter(Object v) {
            path.put(v, Boolean.TRUE);
        }

        private void leave(Object v) {
            path.remove(v);
        }

        private void array(Object array, int depth) {
            int length = Array.getLength(array);
            out.raw(arrayTypeName(array.getClass(), length));
            if (length == 0) {
                out.raw(" {  }");
                return;
            }
            out.raw(" { ");
            int shown = 0;
            for (; shown < length && shown < maxElements; shown++) {
                if (shown > 0) {
                    if (out.full()) break;
                    out.raw(", ");
                }
                value(Array.get(array, shown), depth + 1, true);
            }
            if (shown < length) out.raw(", ... (" + count(length - shown) + " more)");
            out.raw(" }");
        }

        private void iterable(Iterator<?> it, int size, int depth) {
            out.raw("[");
            int shown = 0;
            try {
                while (shown < maxElements && it.hasNext()) {
                    if (shown > 0) {
                        if (out.full()) break;
                        out.raw(", ");
                    }
                    value(it.next(), depth + 1, false);
                    shown++;
                }
                if (size >= 0 && shown < size) {
                    out.raw(", ... (" + count(size - shown) + " more)");
                } else if (size < 0 && it.hasNext()) {
                    out.raw(", ...");
                }
            } catch (RuntimeException e) { // e.g. ConcurrentModificationException while a thread adds to it
                out.raw((shown > 0 ? ", " : "") + "... (" + e.getClass().getSimpleName() + ")");
            }
            out.raw("]");
        }

        private void map(Map<?, ?> m, int depth) {
            out.raw("{");
            int size = m.size();
            int shown = 0;
            try {
                Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
                while (shown < maxElements && it.hasNext()) {
                    if (shown > 0) {
                        if (out.full()) break;
                        out.raw(", ");
                    }
                    Map.Entry<?, ?> e = it.next();
                    Object key = e.getKey();
                    Object val = e.getValue();
                    if (key == m) out.raw("(this Map)");
                    else value(key, depth + 1, false);
                    out.raw("=");
                    if (val == m) out.raw("(this Map)");
                    else value(val, depth + 1, false);
                    shown++;
                }
                if (shown < size) out.raw(", ... (" + count(size - shown) + " more)");
            } catch (RuntimeException e) {
                out.raw((shown > 0 ? ", " : "") + "... (" + e.getClass().getSimpleName() + ")");
            }
            out.raw("}");
        }

        private void throwable(Throwable t) {
            out.bounded(safeToString(t));
            Throwable cause = t.getCause();
            for (int i = 0; cause != null && cause != t && i < MAX_CAUSES && !out.full(); i++) {
                out.raw("\nCaused by: ");
                out.bounded(safeToString(cause));
                t = cause;
                cause = cause.getCause();
            }
        }
    }

    /** {@code int[3]}, {@code String[2][]}: the element type's simple name, this array's length, then the rest. */
    static String arrayTypeName(Class<?> arrayClass, int length) {
        Class<?> base = arrayClass;
        int dims = 0;
        while (base.isArray()) {
            base = base.getComponentType();
            dims++;
        }
        String name = base.getSimpleName();
        if (name.isEmpty()) name = base.getName(); // anonymous and hidden classes
        StringBuilder sb = new StringBuilder(name).append('[').append(length).append(']');
        for (int i = 1; i < dims; i++) sb.append("[]");
        return sb.toString();
    }

    /** toString, or a short note when it throws (a broken toString must not lose the whole result). */
    static String safeToString(Object v) {
        try {
            return String.valueOf(v);
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            return "<" + v.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(v))
                    + ": toString() threw " + e.getClass().getName() + ">";
        }
    }

    /** Whether toString comes from the JDK (AbstractCollection and friends), so our bounded walk prints the same. */
    private static boolean jdkToString(Object v) {
        Class<?> declaring = toStringDeclarer(v.getClass());
        if (declaring == null) return false;
        Module module = declaring.getModule();
        return module.isNamed() && module.getName().startsWith("java.");
    }

    private static boolean overridesToString(Object v) {
        Class<?> declaring = toStringDeclarer(v.getClass());
        return declaring != null && declaring != Object.class;
    }

    private static final ClassValue<Class<?>> TO_STRING_DECLARER = new ClassValue<>() {
        @Override
        protected Class<?> computeValue(Class<?> type) {
            try {
                return type.getMethod("toString").getDeclaringClass();
            } catch (NoSuchMethodException | SecurityException e) {
                return null;
            }
        }
    };

    private static Class<?> toStringDeclarer(Class<?> type) {
        return TO_STRING_DECLARER.get(type);
    }
}
