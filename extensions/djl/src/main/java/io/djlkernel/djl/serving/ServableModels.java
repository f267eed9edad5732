package io.djlkernel.djl.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Where {@code %serve NAME} finds models: resolvers (the model store of {@code %model load} registers one) and
 * models registered here directly ({@code %serve NAME --model PATH} loads into this).
 * <pre>{@code
 * ServableModels.addResolver(n -> ModelStore.find(n).map(m -> TorchScriptModel.wrap(m.name(), m.model(),
 *         m.device(), m.localPath(), m.synset(), m.imageSize(), m::isClosed)));
 * }</pre>
 */
public final class ServableModels {
    private static final Map<String, ServableModel> OWN = new ConcurrentHashMap<>();
    private static final List<Function<String, Optional<? extends ServableModel>>> RESOLVERS = new CopyOnWriteArrayList<>();

    private ServableModels() {
    }

    public static void addResolver(Function<String, Optional<? extends ServableModel>> resolver) {
        RESOLVERS.add(resolver);
    }

    public static void register(ServableModel model) {
        ServableModel old = OWN.put(model.name(), model);
        if (old != null && old != model && old instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    public static Optional<ServableModel> find(String name) {
        for (var r : RESOLVERS) {
            Optional<? extends ServableModel> m = r.apply(name);
            if (m.isPresent()) return Optional.of(m.get());
        }
        return Optional.ofNullable(OWN.get(name));
    }

    public static List<String> ownNames() {
        return new ArrayList<>(OWN.keySet());
    }
}
