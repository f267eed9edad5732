package io.djlkernel.kernel.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * How HotSpot compiles the kernel's JVM, chosen at install ({@code install --jit MODE}).
 *
 * <p>A notebook cell runs thousands of javac methods a few times each, and the tensors' work is in libtorch: what
 * a user waits for is mostly the JVM's compilers warming up. On a 2-core machine, same jar, kernels in turns
 * (docs/architecture.md, "JIT"): with C1 alone the first cell answered 2× sooner than with C2 kept off javac
 * (Java 17: 315 vs 663 ms; Java 25: 106 vs 327 ms) and a tensor cell was 1.3–1.8× faster, while Java-heavy
 * cells (long loops, sorting, string building) ran 1.1–2.5× slower. So small machines get C1 alone, and larger
 * ones, where C2 has cores of its own, keep C2 for cells' code.
 */
enum JitMode {
    /** {@link #QUICK} on machines with fewer than {@value #QUICK_BELOW_CORES} cores, else {@link #SPLIT}. */
    AUTO,
    /** C1 only ({@code -XX:TieredStopAtLevel=1}): the fastest cells; long Java loops run slower. */
    QUICK,
    /** C2 for cells' code and the libraries they call, C1 for javac, JShell and the kernel ({@link JitDirectives}). */
    SPLIT,
    /** HotSpot's defaults: C2 for everything. */
    FULL;

    static final int QUICK_BELOW_CORES = 4;

    static JitMode parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown --jit mode '" + text + "': auto, quick, split or full");
        }
    }

    /** AUTO decided for this machine; others as they are. */
    JitMode resolved(int cores) {
        if (this != AUTO) return this;
        return cores < QUICK_BELOW_CORES ? QUICK : SPLIT;
    }

    /**
     * The JVM options for this mode (resolved), writing what they need into the kernelspec folder. SPLIT falls back
     * to FULL's none where {@code java} does not take compiler directives.
     */
    List<String> jvmOptions(Path kernelDir, Path java) throws IOException {
        return switch (this) {
            case QUICK -> List.of("-XX:TieredStopAtLevel=1");
            case SPLIT -> JitDirectives.writeInto(kernelDir, java).orElse(List.of());
            case FULL -> List.of();
            case AUTO -> throw new IllegalStateException("resolve AUTO first");
        };
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
