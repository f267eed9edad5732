package io.djlkernel.kernel.eval;

import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import jdk.jshell.SourceCodeAnalysis;

/**
 * Holds back JShell's class-path index while the kernel starts. JShell builds it on a thread of its own as soon as
 * a session exists, walking every class of the JDK and of the class path (a few hundred milliseconds of CPU), to
 * complete package names. On a 2-core machine that thread took a core from the kernel's start-up, which the first
 * cell waits for. JShell pauses it itself while it compiles; this pause lasts until {@link #release()}, once the
 * session is ready. Not longer: cells ran slower while the index was not built (Java 17, a {@code 1+1} cell 11.5
 * against 8.5 ms with the pause held until the kernel was first idle). Where a JDK lacks the hook, nothing is held back.
 */
final class ClassIndexPause {
    private static final Logger LOG = Logger.getLogger(ClassIndexPause.class.getName());

    private final SourceCodeAnalysis analysis;
    private final Method resume;
    private final AtomicBoolean held = new AtomicBoolean(true);

    private ClassIndexPause(SourceCodeAnalysis analysis, Method resume) {
        this.analysis = analysis;
        this.resume = resume;
    }

    /** Pauses the index of this session's analysis; null where the JDK has no such hook. */
    static ClassIndexPause hold(SourceCodeAnalysis analysis) {
        try {
            // the JDK's implementation class: the jar's manifest opens jdk.jshell to the kernel
            Method suspend = analysis.getClass().getMethod("suspendIndexing");
            Method resume = analysis.getClass().getMethod("resumeIndexing");
            suspend.setAccessible(true);
            resume.setAccessible(true);
            suspend.invoke(analysis);
            return new ClassIndexPause(analysis, resume);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "JShell's class index cannot be paused here", e);
            return null;
        }
    }

    /** Lets the index be built; only the first call counts. */
    void release() {
        if (!held.compareAndSet(true, false)) return;
        try {
            resume.invoke(analysis);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.WARNING, "JShell's class index stays paused: package names will not complete", e);
        }
    }
}
