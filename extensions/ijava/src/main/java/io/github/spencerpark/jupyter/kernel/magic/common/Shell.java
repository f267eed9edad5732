package io.github.spencerpark.jupyter.kernel.magic.common;

import io.github.spencerpark.jupyter.kernel.magic.registry.LineMagic;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * IJava's common shell magics: {@code getMagics().registerMagics(Shell.class)} gives {@code %sh cmd args...},
 * which runs the command (no shell in between) and returns its standard output as lines; its standard error is
 * shown in the cell. An interrupt stops the command.
 */
public class Shell {
    @LineMagic
    public static List<String> sh(List<String> args) throws Exception {
        if (args.isEmpty()) throw new IllegalArgumentException("%sh needs a command, e.g. %sh ls -l");
        Process process = new ProcessBuilder(args).redirectError(ProcessBuilder.Redirect.PIPE).start();
        Thread errors = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) System.err.println(line);
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        }, "%sh stderr");
        errors.setDaemon(true);
        errors.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) lines.add(line);
            process.waitFor();
            errors.join(1000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw e;
        }
        return lines;
    }
}
