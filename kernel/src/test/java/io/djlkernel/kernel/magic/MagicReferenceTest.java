package io.djlkernel.kernel.magic;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MagicReferenceTest {
    @Test
    void docsMagicsMdIsWhatTheKernelSays() throws Exception {
        Path doc = Path.of("..", "docs", "magics.md");
        assertEquals(MagicReference.markdown(), Files.readString(doc),
                "docs/magics.md is stale: regenerate it with"
                        + " java -cp kernel/target/djl-kernel.jar io.djlkernel.kernel.magic.MagicReference > docs/magics.md");
    }
}
