package io.djlkernel.kernel.deps;

import io.djlkernel.api.magic.MagicContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Records what a magic adds to the class path. */
final class FakeMagicContext implements MagicContext {
    final List<Path> added = new ArrayList<>();
    final Path workingDirectory;
    boolean expression;

    FakeMagicContext(Path workingDirectory) {
        this.workingDirectory = workingDirectory;
    }

    @Override
    public Object eval(String javaCode) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void addToClasspath(List<Path> paths) {
        added.addAll(paths);
    }

    @Override
    public Path workingDirectory() {
        return workingDirectory;
    }

    @Override
    public boolean isExpression() {
        return expression;
    }
}
