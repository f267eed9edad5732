package io.djlkernel.kernel.magic;

import io.djlkernel.kernel.deps.DependencyMagics;

import java.util.List;

/**
 * Writes docs/magics.md from the magics' own help texts, so the reference cannot drift from the kernel
 * ({@code java -cp djl-kernel.jar io.djlkernel.kernel.magic.MagicReference > docs/magics.md}; a test compares).
 */
public final class MagicReference {
    private MagicReference() {
    }

    public static void main(String[] args) {
        System.out.print(markdown());
    }

    /** The reference for the magics every kernel has (extensions document their own). */
    public static String markdown() {
        MagicDispatcher magics = new MagicDispatcher(asExpression -> null);
        BuiltinMagics.registerAll(magics, List::of, new NotebookLoader(() -> null, p -> { }));
        DependencyMagics.registerAll(magics);
        StringBuilder out = new StringBuilder("# Magics reference\n\n")
                .append("Generated from the kernel's own help (`%name --help`) by `MagicReference`; do not edit by hand.\n")
                .append("A line magic (`%name args`) stands on a line of its own, anywhere a statement may stand, or")
                .append(" is a value wherever an expression may start: `var jars = %jars lib/*.jar;`,")
                .append(" `String s = \"x\" + %env HOME;`, `foo(%jars lib/*.jar)`. Used as a value, its arguments run to")
                .append(" the end of the line or to the first `;`, `,` or closing bracket outside quotes and brackets of")
                .append(" their own (so `cond ? (%env A) : b` needs the brackets); `%` after an operand stays Java's")
                .append(" modulo, and a `%` in a string, comment or text block is left alone. A cell magic (`%%name args`)")
                .append(" is the first line of a cell and takes the rest of the cell.\n\n")
                .append("| magic | what it does |\n|---|---|\n");
        for (String line : magics.listing().split("\n")) {
            String[] parts = line.split("\\s{2,}", 2);
            out.append("| `").append(parts[0]).append("` | ").append(parts.length > 1 ? parts[1] : "").append(" |\n");
        }
        for (String name : magics.names()) {
            out.append("\n## `").append(name).append("`\n\n```\n").append(magics.usageOf(name)).append("\n```\n");
        }
        return out.toString();
    }
}
