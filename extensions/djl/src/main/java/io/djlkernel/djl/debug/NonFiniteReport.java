package io.djlkernel.djl.debug;

import ai.djl.util.Pair;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where NaN or Inf first appears in a forward pass: the first call (in completion order, so the innermost layer
 * that produced it, not the parents that merely pass it on) whose output is not finite, with that layer's input
 * statistics and its own parameters' statistics. When every output is finite, it says so.
 */
public final class NonFiniteReport implements LayerReport {
    private final LayerTrace trace;
    private final List<Pair<String, LayerStats>> parameters;

    NonFiniteReport(LayerTrace trace) {
        this.trace = trace;
        this.parameters = trace.stop == null ? List.of() : LayerTrace.parameterStats(trace.stop.node().block);
    }

    /** Whether some layer's output held NaN or Inf. */
    public boolean found() {
        return trace.stop != null;
    }

    /** The path of the layer whose output first held NaN or Inf ("" for the whole block), or null. */
    public String layer() {
        return found() ? trace.stop.node().path : null;
    }

    /** That layer's class name, or null. */
    public String type() {
        return found() ? trace.stop.node().type() : null;
    }

    /** Statistics of what went into that layer, or null. */
    public LayerStats input() {
        return found() ? trace.stop.input() : null;
    }

    /** Statistics of that layer's own parameters, by name. */
    public List<Pair<String, LayerStats>> parameters() {
        return parameters;
    }

    /** The rows of the pass up to (and including) that layer. */
    public LayerTrace trace() {
        return trace;
    }

    /** One line for messages: "/02LambdaBlock (LambdaBlock): output has 6 NaN, input finite". */
    public String summary() {
        if (!found()) {
            return trace.error() != null ? "the forward pass failed before any NaN or Inf: " + trace.error()
                    : "every layer's output is finite";
        }
        LayerTrace.Row row = trace.row(layer());
        LayerStats out = row == null ? LayerStats.NONE : row.output();
        String where = (layer().isEmpty() ? "(root)" : layer()) + " (" + type() + ")";
        String input = input().nonFinite() ? "its input already holds " + counts(input()) + " (the problem is upstream: "
                + "the data fed to the network)" : "its input is finite";
        return where + ": output holds " + counts(out) + "; " + input;
    }

    private static String counts(LayerStats s) {
        List<String> parts = new ArrayList<>();
        if (s.nanCount() > 0) parts.add(s.nanCount() + " NaN");
        if (s.infCount() > 0) parts.add(s.infCount() + " Inf");
        return parts.isEmpty() ? "no NaN/Inf" : String.join(" and ", parts);
    }

    @Override
    public LayerTable table() {
        LayerTable full = trace.table();
        LayerTable t = new LayerTable("non_finite", found() ? "First non-finite output: " + summary()
                : "No NaN or Inf: " + summary(), LayerTrace.HEADER);
        for (LayerTable.Row r : full.rows()) t.row(r.cells(), r.flag(), r.depth(), r.json());
        if (found()) {
            String name = layer().isEmpty() ? "(root)" : layer();
            LayerStats in = input();
            t.row(LayerTrace.cells("input of " + name, "input", in, Double.NaN, -1), in.nonFinite() ? "nan" : null, 0,
                    withRole(LayerTrace.json(name, "input", in, Double.NaN, -1), "input"));
            for (Pair<String, LayerStats> p : parameters) {
                LayerStats s = p.getValue();
                t.row(LayerTrace.cells("parameter " + p.getKey(), "parameter", s, Double.NaN, -1),
                        s.nonFinite() ? "nan" : null, 0,
                        withRole(LayerTrace.json(name + ":" + p.getKey(), "parameter", s, Double.NaN, -1), "parameter"));
            }
            if (parameters.isEmpty()) t.note(name + " has no parameters of its own");
        }
        trace.notes().forEach(t::note);
        return t;
    }

    private static Map<String, Object> withRole(Map<String, Object> json, String role) {
        json.put("role", role);
        return json;
    }

    @Override
    public String toString() {
        return table().text();
    }
}
