package io.djlkernel.djl.debug;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SymbolBlock;
import ai.djl.util.Pair;
import io.djlkernel.djl.tensors.NDArrayFormat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What can be seen inside a block with no DJL children, said plainly. A TorchScript module ({@code %model load},
 * DJL's PtSymbolBlock) runs as one native call: DJL 0.36 exposes neither its submodules as Blocks nor a way to
 * observe their outputs, so a trace has one row for it. Its parameters do carry the submodules' names
 * ({@code fc1.weight}), which is what can be reported.
 */
final class OpaqueModels {
    private OpaqueModels() {
    }

    /** A note for an opaque block, or null for an ordinary leaf layer (Linear, Conv2d, ...). */
    static String describe(Block block) {
        if (!(block instanceof SymbolBlock)) return null;
        Map<String, StringBuilder> modules = submodules(block);
        StringBuilder sb = new StringBuilder(block.getClass().getSimpleName()).append(" (a TorchScript / symbolic model) "
                + "is opaque to DJL: it runs as one native call, so only its input and output can be observed, not its "
                + "submodules' outputs.");
        if (modules.isEmpty()) {
            sb.append(" It exposes no named parameters either.");
        } else {
            sb.append(" Its parameters name ").append(modules.size()).append(" submodule")
                    .append(modules.size() == 1 ? "" : "s").append(": ");
            int i = 0;
            for (Map.Entry<String, StringBuilder> e : modules.entrySet()) {
                if (i++ == 40) {
                    sb.append(", …");
                    break;
                }
                if (i > 1) sb.append("; ");
                sb.append(e.getKey()).append(" [").append(e.getValue()).append(']');
            }
            sb.append(". gradients(block) and firstNonFinite(block, x) cover these parameters.");
        }
        return sb.toString();
    }

    /** Parameter names grouped by their module prefix ("layer1.0.conv1" for "layer1.0.conv1.weight"). */
    static Map<String, StringBuilder> submodules(Block block) {
        Map<String, StringBuilder> modules = new LinkedHashMap<>();
        List<Pair<String, Parameter>> params;
        try {
            params = block.getDirectParameters().stream().toList();
        } catch (RuntimeException e) {
            return modules;
        }
        for (Pair<String, Parameter> p : params) {
            String name = p.getKey();
            int dot = name.lastIndexOf('.');
            String module = dot < 0 ? "(top level)" : name.substring(0, dot);
            Parameter param = p.getValue();
            Shape shape = param.isInitialized() ? param.getArray().getShape() : param.getShape();
            StringBuilder sb = modules.computeIfAbsent(module, k -> new StringBuilder());
            if (sb.length() > 0) sb.append(", ");
            sb.append(name.substring(dot + 1)).append(' ').append(shape == null ? "?" : NDArrayFormat.shapeString(shape));
        }
        return modules;
    }
}
