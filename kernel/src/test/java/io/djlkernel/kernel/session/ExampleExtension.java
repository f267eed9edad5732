package io.djlkernel.kernel.session;

import io.djlkernel.api.Extension;
import io.djlkernel.api.KernelContext;
import io.djlkernel.api.KernelListener;
import io.djlkernel.api.display.MimeBundle;

import java.util.concurrent.atomic.AtomicInteger;

/** The example extension the tests load through ServiceLoader: a magic, a renderer and a listener. */
public final class ExampleExtension implements Extension {
    public static final AtomicInteger CELLS_SEEN = new AtomicInteger();

    /** A type the extension knows how to show. */
    public record Temperature(double celsius) {
    }

    @Override
    public String name() {
        return "example";
    }

    @Override
    public void register(KernelContext kernel) {
        kernel.magics().registerLine("shout", "upper-cases its arguments", "%shout <text>",
                (args, ctx) -> args.toUpperCase());
        kernel.renderers().register(Temperature.class,
                (t, out) -> out.put(MimeBundle.TEXT_HTML, "<b>" + t.celsius() + " °C</b>"));
        kernel.addListener(new KernelListener() {
            @Override
            public void beforeCell(String code) {
                CELLS_SEEN.incrementAndGet();
            }
        });
    }
}
