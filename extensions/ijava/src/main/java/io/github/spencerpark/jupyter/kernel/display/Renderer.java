package io.github.spencerpark.jupyter.kernel.display;

import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.api.display.RendererRegistry;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * IJava's renderer API over this kernel's renderer registry: a function registered here for a type is what the
 * kernel uses for values of that type from the next output on (cell results, {@code display}, tables), and
 * {@link #render}/{@link #renderAs} go through the kernel's registry, so DJL's renderers answer too.
 */
public class Renderer {
    /** One registered function, with the types it can produce and the ones it produces unasked. */
    private static final class Registered {
        final RenderFunction<Object> function;
        final Set<MIMEType> supported;
        final Set<MIMEType> preferred;

        Registered(RenderFunction<Object> function, Set<MIMEType> supported, Set<MIMEType> preferred) {
            this.function = function;
            this.supported = supported;
            this.preferred = preferred;
        }
    }

    /** Builds one registration: {@code createRegistration(T.class).preferring(TEXT_HTML).register((v, ctx) -> ...)}. */
    public class RenderRegistration<T> {
        private final Set<MIMEType> supported = new LinkedHashSet<>();
        private final Set<MIMEType> preferred = new LinkedHashSet<>();
        private final Set<Class<? extends T>> types = new LinkedHashSet<>();

        public RenderRegistration(Class<? extends T> type) {
            types.add(type);
        }

        /** Types the function can produce when asked for them. */
        public RenderRegistration<T> supporting(MIMEType... types) {
            Collections.addAll(supported, types);
            return this;
        }

        /** Types the function produces whenever a value is shown (and can produce, so also supported). */
        public RenderRegistration<T> preferring(MIMEType... types) {
            supporting(types);
            Collections.addAll(preferred, types);
            return this;
        }

        public RenderRegistration<T> supporting(String... types) {
            for (String type : types) supported.add(MIMEType.parse(type));
            return this;
        }

        public RenderRegistration<T> preferring(String... types) {
            supporting(types);
            for (String type : types) preferred.add(MIMEType.parse(type));
            return this;
        }

        /** Also use the function for {@code type} (IJava's name). */
        public RenderRegistration<T> onType(Class<? extends T> type) {
            types.add(type);
            return this;
        }

        /** The same as {@link #onType}: the function is for these types too. */
        public RenderRegistration<T> onlyFor(Class<? extends T> type) {
            return onType(type);
        }

        public void register(RenderFunction<T> function) {
            Set<MIMEType> s = supported.isEmpty() ? DisplayDataRenderable.ANY : Set.copyOf(supported);
            Set<MIMEType> p = preferred.isEmpty() ? s : Set.copyOf(preferred);
            Renderer.this.register(s, p, types, function);
        }
    }

    private final RendererRegistry registry;
    private final Map<Class<?>, List<Registered>> functions = new ConcurrentHashMap<>();
    /** Render parameters of the render running on this thread ({@link #render(Object, Map)}), seen by the functions. */
    private final ThreadLocal<Map<String, Object>> params = ThreadLocal.withInitial(LinkedHashMap::new);

    public Renderer(RendererRegistry registry) {
        this.registry = registry;
        registry.register(DisplayData.class, (data, out) -> copy(data, out));
        registry.register(DisplayDataRenderable.class, this::renderRenderable);
    }

    public <T> RenderRegistration<T> createRegistration(Class<T> type) {
        return new RenderRegistration<>(type);
    }

    @SuppressWarnings("unchecked")
    public <T> void register(Set<MIMEType> supported, Set<MIMEType> preferred, Set<Class<? extends T>> types,
                             RenderFunction<T> function) {
        Registered registered = new Registered((RenderFunction<Object>) function, supported, preferred);
        for (Class<? extends T> type : types) {
            List<Registered> list = functions.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>());
            list.add(registered);
            registry.register(type, (value, out) -> renderInto(list, value, out));
        }
    }

    /** Runs the functions registered for one type, the way IJava does, and copies what they produced into {@code out}. */
    private void renderInto(List<Registered> list, Object value, MimeBundle out) {
        Set<String> asked = out.requestedTypes();
        DisplayData data = new DisplayData();
        for (Registered registered : list) {
            List<MIMEType> request = new ArrayList<>();
            request.add(MIMEType.TEXT_PLAIN);
            if (asked == null) {
                request.addAll(registered.preferred);
            } else {
                for (String type : asked) request.add(MIMEType.parse(type));
            }
            RenderRequestTypes requestTypes = new RenderRequestTypes(request);
            if (asked != null && !requestTypes.anyRequestedIsSupported(registered.supported)) continue;
            registered.function.render(value, new RenderContext(requestTypes, this, params.get(), data));
        }
        copy(data, out);
    }

    /** Lets a {@link DisplayDataRenderable} render itself into {@code out}, as asked. */
    private void renderRenderable(DisplayDataRenderable renderable, MimeBundle out) {
        Set<String> asked = out.requestedTypes();
        List<MIMEType> request = new ArrayList<>();
        request.add(MIMEType.TEXT_PLAIN);
        if (asked == null) {
            request.addAll(renderable.getPreferredRenderTypes());
        } else {
            for (String type : asked) request.add(MIMEType.parse(type));
        }
        RenderRequestTypes requestTypes = new RenderRequestTypes(request);
        if (asked != null && !requestTypes.anyRequestedIsSupported(renderable.getSupportedRenderTypes())) return;
        DisplayData data = new DisplayData();
        renderable.render(new RenderContext(requestTypes, this, params.get(), data));
        copy(data, out);
    }

    private static void copy(DisplayData data, MimeBundle out) {
        data.getData().forEach(out::put);
        data.getMetadata().forEach(out::putMetadata);
    }

    /** Every representation of {@code value} that the kernel's renderers give, as IJava's {@code render} does. */
    public DisplayData render(Object value, Map<String, Object> renderParams) {
        return withParams(renderParams, () -> toDisplayData(registry.render(value)));
    }

    public DisplayData render(Object value) {
        return render(value, new LinkedHashMap<>());
    }

    /** {@code value} as the given MIME types (text/plain always), as IJava's {@code renderAs} does. */
    public DisplayData renderAs(Object value, Map<String, Object> renderParams, String... types) {
        // text/plain always comes along, as in IJava: a DisplayData shown later still has its plain fallback
        String[] withText = java.util.Arrays.copyOf(types, types.length + 1);
        withText[types.length] = MIMEType.TEXT_PLAIN.toString();
        return withParams(renderParams, () -> toDisplayData(registry.render(value, withText)));
    }

    public DisplayData renderAs(Object value, String... types) {
        return renderAs(value, new LinkedHashMap<>(), types);
    }

    private DisplayData withParams(Map<String, Object> renderParams, java.util.function.Supplier<DisplayData> render) {
        Map<String, Object> before = params.get();
        params.set(renderParams == null ? new LinkedHashMap<>() : renderParams);
        try {
            return render.get();
        } finally {
            params.set(before);
        }
    }

    private static DisplayData toDisplayData(MimeBundle bundle) {
        DisplayData data = new DisplayData();
        data.getData().putAll(bundle.data());
        data.getMetadata().putAll(bundle.metadata());
        return data;
    }
}
