package io.djlkernel.djl.models;

import java.nio.file.Path;

/**
 * How to load a model: {@code %model load}'s options.
 *
 * @param device     "auto" (the first GPU, else the CPU), "cpu", "gpu" or "gpu:N"
 * @param translator tensors or image classification
 * @param imageSize  the side images are resized to (image classification)
 * @param synset     the class-name file (one per line); null: synset.txt next to the model, if any
 * @param engine     DJL engine name ("PyTorch")
 * @param useCache   copy files under the model root into the local cache first (read a slow mount once); for a
 *                   state_dict, also reuse an earlier conversion
 * @param stateDict  the architecture to rebuild a state_dict with ({@code --arch}); null for TorchScript
 */
public record ModelOptions(String device, TranslatorKind translator, int imageSize, Path synset, String engine,
                           boolean useCache, StateDictConverter.Spec stateDict) {
    public static ModelOptions defaults() {
        return new ModelOptions("auto", TranslatorKind.NDLIST, 224, null, "PyTorch", true, null);
    }

    public ModelOptions withDevice(String d) {
        return new ModelOptions(d, translator, imageSize, synset, engine, useCache, stateDict);
    }

    public ModelOptions withTranslator(TranslatorKind t) {
        return new ModelOptions(device, t, imageSize, synset, engine, useCache, stateDict);
    }

    public ModelOptions withImageSize(int size) {
        return new ModelOptions(device, translator, size, synset, engine, useCache, stateDict);
    }

    public ModelOptions withSynset(Path file) {
        return new ModelOptions(device, translator, imageSize, file, engine, useCache, stateDict);
    }

    public ModelOptions withEngine(String e) {
        return new ModelOptions(device, translator, imageSize, synset, e, useCache, stateDict);
    }

    public ModelOptions withCache(boolean on) {
        return new ModelOptions(device, translator, imageSize, synset, engine, on, stateDict);
    }

    public ModelOptions withStateDict(StateDictConverter.Spec spec) {
        return new ModelOptions(device, translator, imageSize, synset, engine, useCache, spec);
    }
}
