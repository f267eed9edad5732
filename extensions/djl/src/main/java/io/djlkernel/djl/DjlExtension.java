package io.djlkernel.djl;

import io.djlkernel.api.Extension;
import io.djlkernel.api.KernelContext;
import io.djlkernel.api.KernelListener;
import io.djlkernel.djl.devices.DevicesComm;
import io.djlkernel.djl.devices.GpuMagic;
import io.djlkernel.djl.devices.GpuStatus;
import io.djlkernel.djl.render.DjlRenderers;
import io.djlkernel.djl.tensors.MemoryMagic;
import io.djlkernel.djl.tensors.NotebookManagers;
import io.djlkernel.djl.tensors.TensorComm;
import io.djlkernel.djl.tensors.TensorRefs;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * DJL in the notebook: common imports and {@code manager}/{@code cpu()}/{@code gpu()}/{@code devices()} in every
 * cell, renderers for tensors and DJL types, {@code %gpu} and {@code %memory}, the {@value DevicesComm#TARGET},
 * {@code djl.endpoints} and {@value TensorComm#TARGET} comms, usage_reply's "gpus". Registration never loads
 * the engine: the first cell that uses {@code manager}
 * (or any tensor) pays for it once.
 */
public final class DjlExtension implements Extension {
    /** The imports every cell gets (no on-demand import of ai.djl.training.dataset: its Record clashes with java.lang's). */
    public static final List<String> IMPORTS = List.of(
            "import ai.djl.*;",
            "import ai.djl.ndarray.*;",
            "import ai.djl.ndarray.types.*;",
            "import ai.djl.ndarray.index.*;",
            "import ai.djl.nn.*;",
            "import ai.djl.nn.core.*;",
            "import ai.djl.nn.convolutional.*;",
            "import ai.djl.nn.norm.*;",
            "import ai.djl.nn.pooling.*;",
            "import ai.djl.training.*;",
            "import ai.djl.training.loss.*;",
            "import ai.djl.training.optimizer.*;",
            "import ai.djl.training.tracker.*;",
            "import ai.djl.training.evaluator.*;",
            "import ai.djl.training.listener.*;",
            "import ai.djl.training.initializer.*;",
            "import ai.djl.training.dataset.Dataset;",
            "import ai.djl.training.dataset.ArrayDataset;",
            "import ai.djl.training.dataset.RandomAccessDataset;",
            "import ai.djl.training.dataset.Batch;",
            "import ai.djl.engine.Engine;",
            "import ai.djl.inference.Predictor;",
            "import ai.djl.translate.*;",
            "import ai.djl.modality.*;",
            "import ai.djl.modality.cv.*;",
            "import ai.djl.modality.cv.output.*;",
            "import ai.djl.repository.zoo.*;",
            "import io.djlkernel.djl.models.LoadedModel;",
            "import io.djlkernel.djl.models.ModelStore;",
            // one static import per function: a static star import makes every later compile ~4 ms slower
            "import static io.djlkernel.djl.tensors.Tensors.cpu;",
            "import static io.djlkernel.djl.tensors.Tensors.gpu;",
            "import static io.djlkernel.djl.tensors.Tensors.gpuCount;",
            "import static io.djlkernel.djl.tensors.Tensors.devices;",
            "import static io.djlkernel.djl.tensors.Tensors.notebookManager;",
            "import static io.djlkernel.djl.tensors.Tensors.progressBar;",
            "import static io.djlkernel.djl.tensors.Tensors.liveChart;",
            "import static io.djlkernel.djl.tensors.Tensors.training;",
            // model debugging (docs/model-debugging.md)
            "import static io.djlkernel.djl.debug.ModelDebug.trace;",
            "import static io.djlkernel.djl.debug.ModelDebug.firstNonFinite;",
            "import static io.djlkernel.djl.debug.ModelDebug.gradients;",
            "import static io.djlkernel.djl.debug.ModelDebug.layerMonitor;");
    /**
     * The cell variable; null until a cell mentions it. Fully qualified: the one compile at start then needs no
     * import (the imports are made on first use).
     */
    public static final String DECLARE_MANAGER = "ai.djl.ndarray.NDManager manager;";
    static final Pattern MENTIONS_MANAGER = Pattern.compile("\\bmanager\\b");
    /** Environment variable (or system property) that turns the background engine load off. */
    public static final String PRELOAD_SETTING = "DJL_KERNEL_PRELOAD_ENGINE";
    /** With fewer cores the background engine load waits for the kernel to be idle this long. */
    static final int PRELOAD_AT_ONCE_FROM_CORES = 4;
    static final long PRELOAD_AFTER_IDLE_MS = 250;
    private static final Logger LOG = Logger.getLogger(DjlExtension.class.getName());

    private volatile DevicesComm devicesComm;
    private volatile io.djlkernel.djl.serving.EndpointsComm endpointsComm;

    @Override
    public String name() {
        return "djl-tensors";
    }

    @Override
    public void register(KernelContext kernel) throws Exception {
        DjlEnvironment.applyDefaults();
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        if (kernel.renderers() != null) DjlRenderers.registerAll(kernel.renderers());
        if (kernel.magics() != null) {
            kernel.magics().registerLine("gpu", GpuMagic.SUMMARY, GpuMagic.USAGE, GpuMagic::run);
            kernel.magics().registerLine("memory", MemoryMagic.SUMMARY, MemoryMagic.USAGE, MemoryMagic::run);
            kernel.magics().registerLine("models", io.djlkernel.djl.models.ModelMagics.MODELS_SUMMARY,
                    io.djlkernel.djl.models.ModelMagics.MODELS_USAGE, io.djlkernel.djl.models.ModelMagics::models);
            kernel.magics().registerLine("model", io.djlkernel.djl.models.ModelMagics.MODEL_SUMMARY,
                    io.djlkernel.djl.models.ModelMagics.MODEL_USAGE, io.djlkernel.djl.models.ModelMagics::model);
            // %serve NAME finds the models %model load bound
            io.djlkernel.djl.serving.ServableModels.addResolver(name -> io.djlkernel.djl.models.ModelStore.find(name)
                    .map(m -> io.djlkernel.djl.serving.TorchScriptModel.wrap(m.name(), m.model(), m.device(),
                            m.localPath(), m.synset(), m.imageSize(), m::isClosed)));
            // an endpoint stops (draining its requests) before %model unload closes its model
            io.djlkernel.djl.models.ModelStore.onUnload(m -> io.djlkernel.djl.serving.Endpoints.stop(m.name(), 10_000));
            // typed so that `String url = %serve m --port 0;` compiles: used as a value, %serve gives the URL
            kernel.magics().registerLine("serve", io.djlkernel.djl.serving.ServeMagic.SUMMARY,
                    io.djlkernel.djl.serving.ServeMagic.USAGE, "java.lang.String", io.djlkernel.djl.serving.ServeMagic::run);
            kernel.magics().registerLine("export", io.djlkernel.djl.serving.ServeMagic.EXPORT_SUMMARY,
                    io.djlkernel.djl.serving.ServeMagic.EXPORT_USAGE, io.djlkernel.djl.serving.ServeMagic::export);
        }
        if (kernel.comms() != null) {
            devicesComm = new DevicesComm();
            kernel.comms().registerTarget(DevicesComm.TARGET, devicesComm);
            endpointsComm = new io.djlkernel.djl.serving.EndpointsComm();
            kernel.comms().registerTarget(io.djlkernel.djl.serving.EndpointsComm.TARGET, endpointsComm);
            kernel.comms().registerTarget(TensorComm.TARGET, new TensorComm());
        }
        kernel.addUsageField("gpus", GpuStatus::readingMaps);
        kernel.addListener(new Listener(kernel));
        kernel.addImports(IMPORTS);
        kernel.eval(DECLARE_MANAGER);
    }

    /** Binds {@code manager} before the first cell that mentions it; frees device memory on shutdown. */
    final class Listener implements KernelListener {
        private final KernelContext kernel;
        private volatile boolean bound;

        Listener(KernelContext kernel) {
            this.kernel = kernel;
        }

        /**
         * Loads libtorch in the background once the session is up, so the first tensor cell finds it loaded (the
         * load takes about as long as Python's {@code import torch}). A cell that needs the engine meanwhile waits
         * for this load instead of starting its own; other cells run beside it. On a machine with few cores the load
         * (about a second of CPU) would slow the cells beside it several times over, so there it waits until the
         * kernel has been idle for a moment; a tensor cell that comes first loads the engine itself.
         * {@value DjlExtension#PRELOAD_SETTING}=false turns it off.
         */
        @Override
        public void kernelStarted() {
            if ("false".equalsIgnoreCase(DjlEnvironment.setting(PRELOAD_SETTING))) return;
            boolean fewCores = Runtime.getRuntime().availableProcessors() < PRELOAD_AT_ONCE_FROM_CORES;
            Thread preload = new Thread(() -> {
                try {
                    if (fewCores && !waitUntilIdle()) return;
                    if (DjlEnvironment.nativeProblem() != null) return; // the first tensor cell says what is wrong
                    DjlEnvironment.engine();
                    LOG.info(() -> "PyTorch engine loaded in the background in " + DjlEnvironment.loadMillis() + " ms");
                } catch (RuntimeException | LinkageError e) {
                    LOG.log(Level.INFO, "background engine load failed (a tensor cell will say why)", e);
                }
            }, "djl-engine-preload");
            preload.setDaemon(true);
            preload.setPriority(Thread.MIN_PRIORITY);
            preload.start();
        }

        /** False when interrupted (the kernel is stopping). */
        private boolean waitUntilIdle() {
            try {
                long idle;
                while ((idle = kernel.idleMillis()) < PRELOAD_AFTER_IDLE_MS) {
                    Thread.sleep(Math.max(10, PRELOAD_AFTER_IDLE_MS - idle));
                }
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        @Override
        public void beforeCell(String code) {
            if (code == null || !MENTIONS_MANAGER.matcher(code).find()) return;
            if (bound && NotebookManagers.exists()) return;
            try {
                kernel.eval(MemoryMagic.REBIND);
                bound = true;
            } catch (Exception e) {
                String why = DjlEnvironment.failure();
                System.err.println("DJL is not available, so manager is null: "
                        + (why != null ? why : String.valueOf(e.getMessage())));
            }
        }

        @Override
        public void shuttingDown(boolean restarting) {
            DevicesComm comm = devicesComm;
            if (comm != null) comm.shutdown();
            var endpoints = endpointsComm;
            if (endpoints != null) endpoints.shutdown();
            TensorRefs.clear();
            try {
                // within the kernel's close budget (4 s, inside Jupyter's 5 s before it kills the process)
                int n = io.djlkernel.djl.serving.Endpoints.stopAll(3_500);
                if (n > 0) LOG.info("stopped " + n + " serving endpoint(s) at shutdown (in-flight requests drained)");
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "stopping serving endpoints at shutdown failed", e);
            }
            try {
                NotebookManagers.Freed freed = NotebookManagers.closeAll();
                LOG.info("closed " + freed.managers() + " NDManagers (" + freed.arrays() + " arrays) at shutdown");
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "closing NDManagers at shutdown failed", e);
            }
            try {
                io.djlkernel.djl.models.ModelStore.unloadAll();
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "unloading models at shutdown failed", e);
            }
            bound = false;
        }
    }
}
