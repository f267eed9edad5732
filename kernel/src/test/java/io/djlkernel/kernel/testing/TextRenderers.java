package io.djlkernel.kernel.testing;

import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.api.display.Renderer;
import io.djlkernel.api.display.RendererRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/** A minimal renderer registry for tests (the real one is DefaultRendererRegistry): exact-class lookup, else text. */
public final class TextRenderers implements RendererRegistry {
    private final Map<Class<?>, Renderer<Object>> renderers = new LinkedHashMap<>();

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <T> void register(Class<T> type, Renderer<? super T> renderer) {
        renderers.put(type, (Renderer<Object>) renderer);
    }

    @Override
    public synchronized MimeBundle render(Object value) {
        MimeBundle bundle = new MimeBundle();
        Renderer<Object> renderer = value == null ? null : renderers.get(value.getClass());
        if (renderer != null) renderer.render(value, bundle);
        if (!bundle.data().containsKey(MimeBundle.TEXT_PLAIN)) bundle.put(MimeBundle.TEXT_PLAIN, String.valueOf(value));
        return bundle;
    }
}
