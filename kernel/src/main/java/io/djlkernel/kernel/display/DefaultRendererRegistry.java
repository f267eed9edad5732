package io.djlkernel.kernel.display;

import io.djlkernel.api.display.Images;
import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.api.display.Renderer;
import io.djlkernel.api.display.RendererRegistry;
import java.awt.image.RenderedImage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The kernel's renderer registry. A value is rendered by the renderer of its most specific registered type:
 * its own class, then its superclasses (Object excepted), then its interfaces nearest first, then Object; for
 * arrays of objects, {@code Integer[]} then {@code Number[]} then {@code Object[]}. The lookup is cached per
 * concrete class. Every bundle gets a bounded text/plain: the renderer's own (cut to {@code maxChars}) or the
 * built-in one, which prints strings, arrays, collections and maps like JShell in bounded time, whatever their
 * size (see {@link PlainText}).
 *
 * <p>Built in: {@link MimeBundle} passes through, {@link RenderedImage} becomes image/png, {@link CharSequence},
 * {@link Optional} and {@link Throwable} (its one-line form and causes) become text/plain. Registering a type
 * again replaces its renderer, so extensions may override these. Supplements ({@link #registerSupplement}) add
 * types beside the main renderer's, matched by the name of the value's class, superclasses or interfaces. Thread-safe: registrations and renders may
 * happen on any thread.
 *
 * <p>The limits come from the system properties {@value #MAX_CHARS_PROPERTY} (default {@value #DEFAULT_MAX_CHARS})
 * and {@value #MAX_ELEMENTS_PROPERTY} (default {@value #DEFAULT_MAX_ELEMENTS}) or from the constructor.
 */
public final class DefaultRendererRegistry implements RendererRegistry {
    public static final String MAX_CHARS_PROPERTY = "djl.display.maxChars";
    public static final String MAX_ELEMENTS_PROPERTY = "djl.display.maxElements";
    public static final int DEFAULT_MAX_CHARS = 20_000;
    public static final int DEFAULT_MAX_ELEMENTS = 100;

    private static final Renderer<Object> NONE = (value, out) -> { };

    private final Object lock = new Object();
    private final PlainText text;
    private final int maxChars;
    private final int maxElements;
    /** Replaced as a whole on each registration, so a render sees one consistent set and its own cache. */
    private volatile State state = new State(Collections.emptyMap(), Collections.emptyMap());

    public DefaultRendererRegistry() {
        this(intProperty(MAX_CHARS_PROPERTY, DEFAULT_MAX_CHARS), intProperty(MAX_ELEMENTS_PROPERTY, DEFAULT_MAX_ELEMENTS));
    }

    /**
     * @param maxChars    the most characters of text/plain sent for one value (plus short notes of what was cut)
     * @param maxElements the most elements shown of one array, collection or map
     */
    public DefaultRendererRegistry(int maxChars, int maxElements) {
        this.maxChars = maxChars;
        this.maxElements = maxElements;
        this.text = new PlainText(maxChars, maxElements, this::nestedText);
        register(MimeBundle.class, new Builtin<>((bundle, out) -> {
            out.data().putAll(bundle.data());
            out.metadata().putAll(bundle.metadata());
        }));
        register(RenderedImage.class, new Builtin<>((image, out) -> {
            if (out.wants(MimeBundle.IMAGE_PNG)) {
                MimeBundle png = Images.toBundle(image);
                out.data().putAll(png.data());
                out.metadata().putAll(png.metadata());
            } else {
                out.put(MimeBundle.TEXT_PLAIN, Images.describe(image));
            }
        }));
        // these leave text/plain to the bounded built-in formatting (cutting long strings, one line per cause)
        Renderer<Object> plain = (value, out) -> { };
        register(CharSequence.class, new Builtin<>(plain));
        register(Optional.class, new Builtin<>(plain));
        register(Throwable.class, new Builtin<>(plain));
    }

    public int maxChars() {
        return maxChars;
    }

    public int maxElements() {
        return maxElements;
    }

    @Override
    public <T> void register(Class<T> type, Renderer<? super T> renderer) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(renderer, "renderer");
        synchronized (lock) {
            Map<Class<?>, Renderer<?>> renderers = new HashMap<>(state.renderers);
            renderers.put(type, renderer);
            state = new State(Collections.unmodifiableMap(renderers), state.supplements);
        }
    }

    @Override
    public void registerSupplement(String typeName, Set<String> standsInFor, Renderer<Object> supplement) {
        Objects.requireNonNull(typeName, "typeName");
        Objects.requireNonNull(supplement, "supplement");
        Supplement added = new Supplement(supplement, Set.copyOf(standsInFor));
        synchronized (lock) {
            Map<String, List<Supplement>> supplements = new HashMap<>(state.supplements);
            List<Supplement> forType = new ArrayList<>(supplements.getOrDefault(typeName, List.of()));
            forType.add(added);
            supplements.put(typeName, List.copyOf(forType));
            state = new State(state.renderers, Collections.unmodifiableMap(supplements));
        }
    }

    @Override
    public MimeBundle render(Object value) {
        return render(value, new MimeBundle());
    }

    @Override
    public MimeBundle render(Object value, String... mimeTypes) {
        if (mimeTypes.length == 0) return render(value);
        if (value instanceof CharSequence chars) return textAs(chars, mimeTypes);
        Set<String> kept = new java.util.LinkedHashSet<>(Arrays.asList(mimeTypes));
        MimeBundle out = render(value, MimeBundle.requesting(mimeTypes), kept);
        return out.only(kept.toArray(new String[0]));
    }

    private MimeBundle render(Object value, MimeBundle out) {
        return render(value, out, null);
    }

    /** {@code kept}: for a request of some types only, the types to send; supplements standing in for one add theirs. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private MimeBundle render(Object value, MimeBundle out, Set<String> kept) {
        State current = state;
        Renderer renderer = value == null ? NONE : current.lookup.get(value.getClass());
        String failure = null;
        if (renderer != NONE) {
            try {
                renderer.render(value, out);
            } catch (RuntimeException | LinkageError e) {
                out.data().clear();
                out.metadata().clear();
                failure = "\n(the renderer for " + value.getClass().getName() + " failed: " + PlainText.safeToString(e)
                        + ")";
            }
        }
        if (value != null) {
            for (Supplement supplement : current.supplementLookup.get(value.getClass())) {
                boolean standsIn = kept != null && !Collections.disjoint(supplement.standsInFor, kept);
                MimeBundle extra = standsIn ? new MimeBundle() : out.emptyLike();
                try {
                    supplement.renderer.render(value, extra);
                } catch (RuntimeException | LinkageError e) {
                    String note = "\n(a supplementary renderer for " + value.getClass().getName() + " failed: "
                            + PlainText.safeToString(e) + ")";
                    failure = failure == null ? note : failure + note;
                    continue;
                }
                extra.data().forEach(out.data()::putIfAbsent);
                extra.metadata().forEach(out.metadata()::putIfAbsent);
                if (standsIn) {
                    extra.data().keySet().stream().filter(t -> !t.equals(MimeBundle.TEXT_PLAIN)).forEach(kept::add);
                }
            }
        }
        Object plain = out.data().get(MimeBundle.TEXT_PLAIN);
        String bounded;
        if (plain == null) {
            bounded = text.format(value);
        } else {
            bounded = text.truncate(plain instanceof CharSequence ? (CharSequence) plain : PlainText.safeToString(plain));
        }
        if (failure != null) bounded += failure;
        out.put(MimeBundle.TEXT_PLAIN, bounded);
        return out;
    }

    /**
     * Text shown as the types asked for ({@code display("<b>x</b>", "text/html")}): the text is the
     * representation, as in IJava; text/plain keeps the bounded text as the fallback for front ends without them.
     */
    private MimeBundle textAs(CharSequence chars, String... mimeTypes) {
        MimeBundle out = new MimeBundle();
        String whole = chars.toString();
        for (String mime : mimeTypes) {
            if (mime != null && !mime.isBlank() && !mime.equals(MimeBundle.TEXT_PLAIN)) out.put(mime.strip(), whole);
        }
        out.put(MimeBundle.TEXT_PLAIN, text.format(chars));
        return out;
    }

    /** For a value inside an array or collection: its registered renderer's text/plain, or null (built in). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private String nestedText(Object value) {
        Renderer renderer = state.lookup.get(value.getClass());
        if (renderer == NONE || renderer instanceof Builtin) return null;
        MimeBundle out = MimeBundle.requesting(MimeBundle.TEXT_PLAIN);
        renderer.render(value, out);
        Object plain = out.data().get(MimeBundle.TEXT_PLAIN);
        return plain == null ? null : PlainText.safeToString(plain);
    }

    private static int intProperty(String name, int fallback) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) return fallback;
        try {
            int n = Integer.parseInt(v.trim());
            return n > 0 ? n : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** A renderer this class provides; for nested values the built-in text formatting is used directly. */
    private static final class Builtin<T> implements Renderer<T> {
        final Renderer<T> delegate;

        Builtin(Renderer<T> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void render(T value, MimeBundle out) {
            delegate.render(value, out);
        }
    }

    private static final class Supplement {
        final Renderer<Object> renderer;
        final Set<String> standsInFor;

        Supplement(Renderer<Object> renderer, Set<String> standsInFor) {
            this.renderer = renderer;
            this.standsInFor = standsInFor;
        }
    }

    /** One set of registrations and the lookups cached for it. */
    private static final class State {
        final Map<Class<?>, Renderer<?>> renderers;
        final ClassValue<Renderer<?>> lookup = new ClassValue<>() {
            @Override
            protected Renderer<?> computeValue(Class<?> type) {
                Renderer<?> r = find(type);
                return r != null ? r : NONE;
            }
        };

        final Map<String, List<Supplement>> supplements;
        final ClassValue<List<Supplement>> supplementLookup = new ClassValue<>() {
            @Override
            protected List<Supplement> computeValue(Class<?> type) {
                if (supplements.isEmpty()) return List.of();
                List<Supplement> found = new ArrayList<>();
                for (String name : typeNames(type)) {
                    found.addAll(supplements.getOrDefault(name, List.of()));
                }
                return List.copyOf(found);
            }
        };

        State(Map<Class<?>, Renderer<?>> renderers, Map<String, List<Supplement>> supplements) {
            this.renderers = renderers;
            this.supplements = supplements;
        }

        /** The names of a class, its superclasses and all its interfaces, most specific first, each once. */
        private static Set<String> typeNames(Class<?> type) {
            Set<String> names = new java.util.LinkedHashSet<>();
            Deque<Class<?>> interfaces = new ArrayDeque<>();
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                names.add(c.getName());
                Collections.addAll(interfaces, c.getInterfaces());
            }
            while (!interfaces.isEmpty()) {
                Class<?> i = interfaces.removeFirst();
                if (names.add(i.getName())) Collections.addAll(interfaces, i.getInterfaces());
            }
            return names;
        }

        private Renderer<?> find(Class<?> type) {
            if (renderers.isEmpty()) return null;
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                Renderer<?> r = renderers.get(c);
                if (r != null) return r;
            }
            if (type.isArray() && !type.getComponentType().isPrimitive()) {
                // covariant arrays: Integer[] is a Number[] and an Object[]
                for (Class<?> c = type.getComponentType(); c != null; c = c.getSuperclass()) {
                    Renderer<?> r = renderers.get(c.arrayType());
                    if (r != null) return r;
                }
            }
            Deque<Class<?>> queue = new ArrayDeque<>();
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                Collections.addAll(queue, c.getInterfaces());
            }
            Set<Class<?>> seen = new HashSet<>();
            while (!queue.isEmpty()) {
                Class<?> i = queue.removeFirst();
                if (!seen.add(i)) continue;
                Renderer<?> r = renderers.get(i);
                if (r != null) return r;
                Collections.addAll(queue, i.getInterfaces());
            }
            return renderers.get(Object.class);
        }
    }
}
