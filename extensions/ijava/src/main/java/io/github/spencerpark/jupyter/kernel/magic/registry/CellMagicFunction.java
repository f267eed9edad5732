package io.github.spencerpark.jupyter.kernel.magic.registry;

import java.util.List;

@FunctionalInterface
public interface CellMagicFunction<T> {
    T execute(List<String> args, String body) throws Exception;
}
