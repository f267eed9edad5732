package io.djlkernel.kernel.session;

import io.djlkernel.api.Extension;
import io.djlkernel.api.KernelContext;

/** An extension that breaks while registering: the kernel must report it and go on. */
public final class FailingExtension implements Extension {
    @Override
    public void register(KernelContext kernel) {
        throw new IllegalStateException("this extension is broken on purpose");
    }
}
