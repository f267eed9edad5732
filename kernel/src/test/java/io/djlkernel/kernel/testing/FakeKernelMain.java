package io.djlkernel.kernel.testing;

import io.djlkernel.kernel.KernelLauncher;
import java.nio.file.Paths;

/** A kernel process with the scripted {@link FakeInterpreter}: protocol tests over real sockets, no JShell. */
public final class FakeKernelMain {
    private FakeKernelMain() {
    }

    public static void main(String[] args) {
        KernelLauncher.launch(Paths.get(args[0]), FakeInterpreter::new, new TextRenderers());
    }
}
