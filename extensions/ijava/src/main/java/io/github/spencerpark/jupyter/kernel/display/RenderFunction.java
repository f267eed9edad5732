package io.github.spencerpark.jupyter.kernel.display;

/** Renders one value into a {@link RenderContext}'s output; registered with {@link Renderer.RenderRegistration}. */
@FunctionalInterface
public interface RenderFunction<T> {
    void render(T data, RenderContext context);
}
