package io.djlkernel.kernel.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One short run of a {@code java} with some arguments, as install makes to learn what that JVM takes. */
record JavaRun(int exitCode, String output) {
    /** Exit code of a run that did not end in time. */
    static final int TIMED_OUT = -1;

    boolean ok() {
        return exitCode == 0;
    }

    /** Runs {@code java args...} (stdout and stderr together) and waits up to {@code timeoutSeconds}. */
    static JavaRun of(Path java, List<String> args, int timeoutSeconds) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new JavaRun(TIMED_OUT, output);
        }
        return new JavaRun(p.exitValue(), output);
    }
}
