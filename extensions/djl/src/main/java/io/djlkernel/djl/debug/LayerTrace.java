package io.djlkernel.djl.debug;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.cuda.CudaUtils;
import io.djlkernel.djl.tensors.MemoryMagic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One forward pass in inference mode, observed layer by layer through {@link BlockTaps}: a row per call, in call
 * order (a parent before its children, indented by depth), with the output's {@link LayerStats}, the call's wall
 * time (children included) and device memory in use after it. A pass that throws still gives its rows up to the
 * failing call, which is flagged with the error. Every array the pass creates is closed when the trace ends.
 */
public final class LayerTrace implements LayerReport {
    static final List<String> HEADER = List.of("layer", "type", "output", "dtype", "device", "min", "max", "mean",
            "std", "NaN", "Inf", "zeros", "ms", "memory");

    /** One call of one block. {@code error} is set on the call that threw; {@code memoryBytes} is -1 when unknown. */
    public record Row(String path, int depth, String type, LayerStats output, double millis, long memoryBytes,
                      String error) {
        public boolean nonFinite() {
            return output.nonFinite();
        }
    }

    /** The output of a call that a stop inside it cut short (a distinct instance: compared by identity). */
    static final LayerStats STOPPED_INSIDE = new LayerStats("", "", "", 0, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, new long[0]);

    /** Where a pass stopped because an output held NaN or Inf: the block, and what went into it. */
    record Stop(BlockTaps.Node node, LayerStats input) {
    }

    private final String title;
    private final List<Row> rows;
    private final List<String> notes;
    private final String error;
    final Stop stop;

    private LayerTrace(String title, List<Row> rows, List<String> notes, String error, Stop stop) {
        this.title = title;
        this.rows = List.copyOf(rows);
        this.notes = List.copyOf(notes);
        this.error = error;
        this.stop = stop;
    }

    /** The rows in call order. */
    public List<Row> rows() {
        return rows;
    }

    /** The row of a path ("" is the whole block), or null. */
    public Row row(String path) {
        for (Row r : rows) if (r.path().equals(path)) return r;
        return null;
    }

    /** Children that could not be observed (or were not called), each with the reason. */
    public List<String> notes() {
        return notes;
    }

    /** The forward pass's error, or null when it ran to the end. */
    public String error() {
        return error;
    }

    /** Runs one pass of {@code block} on {@code input}; with {@code stopAtNonFinite}, ends at the first non-finite output. */
    static LayerTrace run(Block block, NDList input, boolean stopAtNonFinite) {
        if (block == null) throw new IllegalArgumentException("trace: the block is null");
        if (input == null || input.isEmpty()) throw new IllegalArgumentException("trace: no input arrays");
        // a TorchScript module (a SymbolBlock) is ready when loaded, though DJL does not call it initialized
        if (!(block instanceof ai.djl.nn.SymbolBlock) && !block.isInitialized()) {
            throw new IllegalStateException("trace: the block is not initialized. Initialize it first, e.g. "
                    + "net.initialize(manager, DataType.FLOAT32, new Shape(...)), or trace a trained model's block.");
        }
        Recorder recorder = new Recorder(stopAtNonFinite);
        String error = null;
        List<String> notes = new ArrayList<>();
        NDManager manager = input.head().getManager();
        try (NDScope scope = new NDScope(); BlockTaps taps = BlockTaps.install(block, recorder)) {
            scope.suppressNotUsedWarning();
            try {
                taps.rootProxy().forward(new ParameterStore(manager, false), input, false);
            } catch (StopSignal stop) {
                // the observer ended the pass on purpose
            } catch (RuntimeException | StackOverflowError e) {
                error = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            if (recorder.stop == null) notes.addAll(taps.unobserved());
        }
        if (block.getChildren().isEmpty() && error == null) {
            String opaque = OpaqueModels.describe(block);
            if (opaque != null) notes.add(opaque);
        }
        String title = block.getClass().getSimpleName() + " on " + input.head().getDevice() + ", input "
                + LayerStats.of(input).shapes() + ": " + recorder.rows.size() + " call" + (recorder.rows.size() == 1 ? "" : "s")
                + (error != null ? " — the forward pass failed: " + error : "");
        return new LayerTrace(title, recorder.finished(), notes, error, recorder.stop);
    }

    /** Thrown through the block to end a pass early; never reaches the user. */
    static final class StopSignal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StopSignal() {
            super(null, null, false, false);
        }
    }

    /** Collects rows as the taps report calls. Rows are reserved on enter so that they stay in call order. */
    private static final class Recorder implements BlockTaps.Observer {
        private final boolean stopAtNonFinite;
        private final List<Object[]> rows = new ArrayList<>(); // {node, Row or null}
        private final Map<BlockTaps.Node, List<Integer>> open = new LinkedHashMap<>();
        Stop stop;

        Recorder(boolean stopAtNonFinite) {
            this.stopAtNonFinite = stopAtNonFinite;
        }

        @Override
        public void enter(BlockTaps.Node node, NDList inputs) {
            open.computeIfAbsent(node, n -> new ArrayList<>()).add(rows.size());
            rows.add(new Object[]{node, null});
        }

        @Override
        public void exit(BlockTaps.Node node, NDList inputs, NDList outputs, long nanos) {
            LayerStats stats = LayerStats.of(outputs);
            set(node, new Row(node.path, node.depth, node.type(), stats, nanos / 1e6, memoryAfter(outputs), null));
            if (stopAtNonFinite && stats.nonFinite() && stop == null) {
                stop = new Stop(node, LayerStats.of(inputs));
                throw new StopSignal();
            }
        }

        @Override
        public void failed(BlockTaps.Node node, Throwable error, long nanos) {
            if (error instanceof StopSignal) {
                // a parent of the layer that stopped the pass: shown, without output
                set(node, new Row(node.path, node.depth, node.type(), STOPPED_INSIDE, nanos / 1e6, -1, null));
                return;
            }
            String message = error.getClass().getSimpleName() + ": " + error.getMessage();
            Object[] slot = slot(node);
            if (slot != null && slot[1] == null) {
                // the innermost failing call keeps the message; its parents just say that they did not finish
                boolean innermost = rows.stream().noneMatch(r -> r[1] instanceof Row row && row.error() != null
                        && row.path().startsWith(node.path + "/"));
                slot[1] = new Row(node.path, node.depth, node.type(), LayerStats.NONE, nanos / 1e6, -1,
                        innermost ? message : "did not finish");
            }
            close(node);
        }

        private void set(BlockTaps.Node node, Row row) {
            Object[] slot = slot(node);
            if (slot != null) slot[1] = row;
            close(node);
        }

        private Object[] slot(BlockTaps.Node node) {
            List<Integer> stack = open.get(node);
            return stack == null || stack.isEmpty() ? null : rows.get(stack.get(stack.size() - 1));
        }

        private void close(BlockTaps.Node node) {
            List<Integer> stack = open.get(node);
            if (stack != null && !stack.isEmpty()) stack.remove(stack.size() - 1);
        }

        /** The rows in call order (a call cut short by a stop has a row without output). */
        List<Row> finished() {
            List<Row> out = new ArrayList<>();
            for (Object[] r : rows) if (r[1] instanceof Row row) out.add(row);
            return out;
        }
    }

    /** Device memory in use after a call: the GPU's (cudaMemGetInfo), else the process's resident set. */
    static long memoryAfter(NDList outputs) {
        Device device = outputs == null || outputs.isEmpty() ? Device.cpu() : outputs.head().getDevice();
        try {
            return device.isGpu() ? CudaUtils.getGpuMemory(device).getCommitted() : MemoryMagic.residentBytes();
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
    }

    /** Statistics of a block's own parameters (not its children's). */
    static List<Pair<String, LayerStats>> parameterStats(Block block) {
        List<Pair<String, LayerStats>> out = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            Parameter param = p.getValue();
            if (!param.isInitialized()) continue;
            out.add(new Pair<>(p.getKey(), LayerStats.of(param.getArray())));
        }
        return out;
    }

    static List<String> cells(String name, String type, LayerStats s, double millis, long memory) {
        return List.of(name, type, s.shapes(), s.dtype(), s.device(), LayerStats.num(s.min()), LayerStats.num(s.max()),
                LayerStats.num(s.mean()), LayerStats.num(s.std()), Long.toString(s.nanCount()), Long.toString(s.infCount()),
                Double.isNaN(s.zeroFraction()) ? "—" : String.format("%.1f%%", 100 * s.zeroFraction()),
                Double.isNaN(millis) ? "" : String.format("%.2f", millis), memory < 0 ? "" : MemoryMagic.bytes(memory));
    }

    static Map<String, Object> json(String path, String type, LayerStats s, double millis, long memory) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path);
        m.put("type", type);
        m.putAll(s.json());
        if (!Double.isNaN(millis)) m.put("time_ms", millis);
        if (memory >= 0) m.put("memory_bytes", memory);
        return m;
    }

    @Override
    public LayerTable table() {
        LayerTable t = new LayerTable("trace", title, HEADER);
        for (Row r : rows) {
            String flag = r.error() != null ? "error" : r.nonFinite() ? "nan" : null;
            List<String> cells = new ArrayList<>(cells(displayName(r), r.type(), r.output(), r.millis(), r.memoryBytes()));
            if (r.error() != null) cells.set(2, r.error());
            else if (r.output() == STOPPED_INSIDE) cells.set(2, "(stopped inside)");
            Map<String, Object> json = json(r.path(), r.type(), r.output(), r.millis(), r.memoryBytes());
            if (r.error() != null) json.put("error", r.error());
            t.row(cells, flag, r.depth(), json);
        }
        t.note("time: wall time of each call, its children included; memory: "
                + (rows.stream().anyMatch(r -> r.output().device().startsWith("cuda") || r.output().device().startsWith("gpu"))
                ? "GPU memory in use after the call" : "the kernel's resident memory after the call (CPU)")
                + "; statistics over finite elements (std: population)");
        notes.forEach(t::note);
        return t;
    }

    private static String displayName(Row r) {
        if (r.path().isEmpty()) return "(root)";
        return r.path().substring(r.path().lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return table().text();
    }
}
