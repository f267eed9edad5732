package io.djlkernel.djl;

import io.djlkernel.api.KernelContext;
import io.djlkernel.api.KernelListener;
import io.djlkernel.api.comm.Comm;
import io.djlkernel.api.comm.CommRegistry;
import io.djlkernel.api.comm.CommTarget;
import io.djlkernel.api.display.Display;
import io.djlkernel.api.display.DisplayPublisher;
import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.api.display.Renderer;
import io.djlkernel.api.display.RendererRegistry;
import io.djlkernel.api.magic.CellMagic;
import io.djlkernel.api.magic.LineMagic;
import io.djlkernel.api.magic.MagicContext;
import io.djlkernel.api.magic.MagicRegistry;
import io.djlkernel.djl.devices.DevicesComm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** A fake kernel: records what the extension registers, evaluates nothing, publishes displays into lists. */
public final class TestKernel implements KernelContext, MagicRegistry, RendererRegistry, CommRegistry, DisplayPublisher {
    public final Map<String, LineMagic> lineMagics = new LinkedHashMap<>();
    public final Map<Class<?>, Renderer<?>> renderers = new LinkedHashMap<>();
    public final Map<String, CommTarget> targets = new LinkedHashMap<>();
    public final List<KernelListener> listeners = new ArrayList<>();
    public final Map<String, Supplier<Object>> usage = new LinkedHashMap<>();
    public final List<String> evals = new CopyOnWriteArrayList<>();
    public final List<MimeBundle> displays = new CopyOnWriteArrayList<>();
    public final List<MimeBundle> updates = new CopyOnWriteArrayList<>();

    /** Connects Display to this fake (for progress bars and charts). */
    public TestKernel bindDisplay() {
        Display.bind(this, this);
        return this;
    }

    @Override public MagicRegistry magics() { return this; }
    /** Tests run no cells in the background of others: the kernel is always idle between calls. */
    @Override public long idleMillis() { return Long.MAX_VALUE; }
    @Override public RendererRegistry renderers() { return this; }
    @Override public CommRegistry comms() { return this; }
    @Override public void addListener(KernelListener l) { listeners.add(l); }
    @Override public void addToClasspath(List<Path> paths) { }
    @Override public void addUsageField(String field, Supplier<Object> reading) { usage.put(field, reading); }
    @Override public Object eval(String javaCode) { evals.add(javaCode); return null; }

    @Override public void registerLine(String name, String summary, String usage, LineMagic magic) { lineMagics.put(name, magic); }
    @Override public void registerCell(String name, String summary, String usage, CellMagic magic) { }

    @Override public <T> void register(Class<T> type, Renderer<? super T> renderer) { renderers.put(type, renderer); }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public MimeBundle render(Object value) {
        if (value instanceof MimeBundle bundle) return bundle; // as the kernel's registry: bundles pass through
        MimeBundle out = new MimeBundle();
        Class<?> best = null;
        for (Class<?> type : renderers.keySet()) {
            if (type.isInstance(value) && (best == null || best.isAssignableFrom(type))) best = type;
        }
        if (best != null) ((Renderer) renderers.get(best)).render(value, out);
        if (!out.data().containsKey(MimeBundle.TEXT_PLAIN)) out.put(MimeBundle.TEXT_PLAIN, String.valueOf(value));
        return out;
    }

    @Override public void registerTarget(String targetName, CommTarget target) { targets.put(targetName, target); }
    @Override public Comm open(String targetName, Map<String, Object> data) { throw new UnsupportedOperationException(); }

    @Override public void display(MimeBundle bundle, String displayId) { displays.add(bundle); }
    @Override public void update(MimeBundle bundle, String displayId) { updates.add(bundle); }
    @Override public void clearOutput(boolean wait) { }

    public static MagicContext magicContext(List<String> evals) {
        return new MagicContext() {
            @Override public Object eval(String javaCode) { evals.add(javaCode); return null; }
            @Override public void addToClasspath(List<Path> paths) { }
            @Override public Path workingDirectory() { return Path.of("."); }
            @Override public boolean isExpression() { return false; }
        };
    }

    /** A comm the test drives as the front end would; it records what the kernel side sends. */
    public static class FakeComm implements Comm {
        public final List<Map<String, Object>> sent = Collections.synchronizedList(new ArrayList<>());
        public volatile boolean open = true;
        volatile Consumer<Map<String, Object>> onMessage;
        volatile Consumer<Map<String, Object>> onClose;
        private final String target;

        public FakeComm() {
            this(DevicesComm.TARGET);
        }

        public FakeComm(String target) {
            this.target = target;
        }

        @Override public String id() { return "comm-1"; }
        @Override public String targetName() { return target; }
        @Override public void send(Map<String, Object> data) { sent.add(data); }
        @Override public void close(Map<String, Object> data) { open = false; }
        @Override public void onMessage(Consumer<Map<String, Object>> handler) { onMessage = handler; }
        @Override public void onClose(Consumer<Map<String, Object>> handler) { onClose = handler; }
        @Override public boolean isOpen() { return open; }

        public void fromFrontEnd(Map<String, Object> data) { onMessage.accept(data); }

        public void closeFromFrontEnd() {
            open = false;
            onClose.accept(Map.of());
        }
    }
}
