package io.github.spencerpark.jupyter.kernel.display;

import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;

import java.util.Set;

/** A value that renders itself; this kernel asks it whenever it is displayed or ends a cell. */
@FunctionalInterface
public interface DisplayDataRenderable {
    Set<MIMEType> ANY = Set.of(MIMEType.ANY);

    default Set<MIMEType> getSupportedRenderTypes() {
        return ANY;
    }

    default Set<MIMEType> getPreferredRenderTypes() {
        return getSupportedRenderTypes();
    }

    void render(RenderContext context);
}
