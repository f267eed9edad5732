package io.djlkernel.api.magic;

import java.nio.file.Path;
import java.util.List;

/** What a magic can do in the session that runs it. */
public interface MagicContext {
    /** Runs Java in the session, as a cell would; returns the value of its last expression (or null). */
    Object eval(String javaCode) throws Exception;

    /** Makes jars or class folders visible to cells, and loads the extensions they hold. */
    void addToClasspath(List<Path> paths);

    /** The folder relative paths resolve against: the notebook's folder when the front end says, else the kernel's. */
    Path workingDirectory();

    /** Whether a magic used as an expression: then its value is used, and printing should be minimal. */
    boolean isExpression();
}
