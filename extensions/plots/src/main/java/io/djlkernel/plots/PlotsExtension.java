package io.djlkernel.plots;

import io.djlkernel.api.Extension;
import io.djlkernel.api.KernelContext;
import io.djlkernel.api.display.MimeBundle;
import java.util.Set;

/**
 * Tablesaw/plotly figures shown without a CDN: a supplementary renderer for {@value PlotlyFigures#FIGURE_CLASS}
 * adds plotly JSON, an SVG and text/plain beside whatever renders a figure (nothing, a user's renderer, or
 * d2l-java's IJava-style HTML renderer, whose RequireJS HTML is blank in JupyterLab and offline). Registered by the
 * class's name: the class arrives later, with a cell's {@code %maven tech.tablesaw:tablesaw-jsplot:...}.
 */
public final class PlotsExtension implements Extension {
    @Override
    public String name() {
        return "plots";
    }

    @Override
    public void register(KernelContext kernel) {
        if (kernel.renderers() == null) return;
        // d2l-java's chapters ask for text/html only (render(LinePlot.create(...), "text/html")): the chart comes too
        kernel.renderers().registerSupplement(PlotlyFigures.FIGURE_CLASS, Set.of(MimeBundle.TEXT_HTML), PlotlyFigures::addTo);
    }
}
