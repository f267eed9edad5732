package io.djlkernel.djl.serving;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code %export NAME --to DIR}: a DJL Serving model folder (the TorchScript file, serving.properties with engine,
 * translator and batching, synset.txt), a KServe InferenceService manifest for the DJL Serving runtime (V2) and
 * a README. {@code djl-kernel serve --model DIR} serves the folder too.
 */
public final class ModelExporter {
    public static final String NOOP_FACTORY = "ai.djl.translate.NoopServingTranslatorFactory";

    private ModelExporter() {
    }

    /** Writes the folder; returns the files written. */
    public static List<Path> export(ServableModel model, Path dir, int batchSize, long maxBatchDelayMs) throws IOException {
        Path src = model.source();
        if (src == null) throw new IOException("model '" + model.name() + "' has no TorchScript file to export (load it from a .pt file)");
        Path file = src;
        if (Files.isDirectory(src)) {
            try (Stream<Path> s = Files.list(src)) {
                file = s.filter(p -> p.toString().endsWith(".pt") || p.toString().endsWith(".pth")).sorted().findFirst()
                        .orElseThrow(() -> new IOException("no .pt file in " + src));
            }
        }
        Files.createDirectories(dir);
        if (!Files.isWritable(dir)) throw new IOException(dir + " is not writable (a read-only mount?): export to a writable folder");
        List<Path> written = new ArrayList<>();
        String name = model.name();
        Path target = dir.resolve(name + ".pt");
        if (!(Files.exists(target) && Files.isSameFile(file, target))) {
            Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
        written.add(target);
        StringBuilder p = new StringBuilder();
        p.append("# DJL Serving model folder written by djl-kernel %export\n");
        p.append("engine=PyTorch\n");
        p.append("option.modelName=").append(name).append('\n');
        p.append("option.mapLocation=true\n");
        if (model.isImageClassifier()) {
            p.append("translatorFactory=").append(TorchScriptModel.IMAGE_FACTORY).append('\n');
            p.append("width=").append(model.imageSize()).append('\n');
            p.append("height=").append(model.imageSize()).append('\n');
            p.append("resize=true\n");
            p.append("normalize=true\n");
            p.append("applySoftmax=true\n");
            if (!model.synset().isEmpty()) {
                p.append("synsetFileName=synset.txt\n");
                Path syn = dir.resolve("synset.txt");
                Files.write(syn, model.synset());
                written.add(syn);
            }
        } else {
            p.append("translatorFactory=").append(NOOP_FACTORY).append('\n');
        }
        p.append("batch_size=").append(Math.max(1, batchSize)).append('\n');
        p.append("max_batch_delay=").append(Math.max(0, maxBatchDelayMs)).append('\n');
        Path props = dir.resolve("serving.properties");
        Files.writeString(props, p);
        written.add(props);
        String k8sName = name.toLowerCase().replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
        if (k8sName.isEmpty()) k8sName = "model";
        String manifest = """
                # KServe InferenceService for the DJL Serving runtime, Open Inference Protocol v2.
                # Copy this folder to object storage (or a PVC) and point storageUri at it, then:
                #   kubectl apply -f inferenceservice.yaml
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata:
                  name: %s
                spec:
                  predictor:
                    minReplicas: 1
                    maxReplicas: 4
                    scaleMetric: concurrency
                    scaleTarget: 16
                    model:
                      modelFormat:
                        name: pytorch
                      runtime: kserve-djlserving
                      protocolVersion: v2
                      storageUri: pvc://models/%s
                      resources:
                        requests:
                          cpu: "1"
                          memory: 2Gi
                        limits:
                          cpu: "2"
                          memory: 4Gi
                          # nvidia.com/gpu: "1"   # with the deepjavalibrary/djl-serving:<version>-pytorch-gpu image
                """.formatted(k8sName, name);
        Path yaml = dir.resolve("inferenceservice.yaml");
        Files.writeString(yaml, manifest);
        written.add(yaml);
        String readme = """
                # %1$s

                Exported by djl-kernel `%%export %1$s`. A DJL Serving model folder:

                - `%1$s.pt`: the TorchScript model
                - `serving.properties`: engine (PyTorch), translator, batching (batch_size, max_batch_delay)
                %2$s- `inferenceservice.yaml`: a KServe InferenceService for the DJL Serving runtime (V2 protocol)

                Serve it here (Open Inference Protocol v2 on http://127.0.0.1:8080/v2/models/%1$s):

                    java -jar djl-kernel.jar serve --model . --name %1$s

                Serve it with DJL Serving:

                    docker run -p 8080:8080 -v $PWD:/opt/ml/model deepjavalibrary/djl-serving:0.36.0-pytorch-gpu

                Scale out on Kubernetes: copy this folder to the storage `storageUri` names, then
                `kubectl apply -f inferenceservice.yaml`; KServe scales replicas on concurrency.
                """.formatted(name, model.synset().isEmpty() ? "" : "- `synset.txt`: the class names\n");
        Path md = dir.resolve("README.md");
        Files.writeString(md, readme);
        written.add(md);
        return written;
    }
}
