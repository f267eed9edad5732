package io.djlkernel.djl.models;

import java.io.IOException;
import java.nio.file.Path;

/** Loads models from files, DJL folders and archives (implementation follows). */
public final class ModelLoader {
    private ModelLoader() {
    }

    public static LoadedModel load(String name, Path path, ModelOptions options) throws IOException, ModelLoadException {
        throw new ModelLoadException("not implemented yet");
    }
}
