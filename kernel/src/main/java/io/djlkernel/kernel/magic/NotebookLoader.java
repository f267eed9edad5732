package io.djlkernel.kernel.magic;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.djlkernel.api.magic.MagicContext;
import io.djlkernel.api.magic.MagicException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code %load}: runs a file of Java (.jsh, .jshell, .java) or the code cells of a notebook (.ipynb), as IJava
 * does, so d2l-style notebooks that {@code %load ../utils/plot-utils} run unchanged.
 */
public final class NotebookLoader {
    private static final List<String> EXTENSIONS = List.of("", ".jsh", ".jshell", ".java", ".ipynb");

    private final Supplier<Path> workingDirectory;
    private final Consumer<Path> setWorkingDirectory;

    public NotebookLoader(Supplier<Path> workingDirectory, Consumer<Path> setWorkingDirectory) {
        this.workingDirectory = workingDirectory;
        this.setWorkingDirectory = setWorkingDirectory;
    }

    Object load(String args, MagicContext ctx) throws Exception {
        List<String> words = BuiltinMagics.words(args);
        if (words.size() != 1) throw new MagicException("%load takes one file, e.g. %load ../utils/plot.ipynb");
        Path file = find(words.get(0));
        if (file.toString().endsWith(".ipynb")) {
            Path previous = workingDirectory.get();
            setWorkingDirectory.accept(file.getParent());
            try {
                Object last = null;
                for (String cell : codeCells(file)) {
                    if (!cell.isBlank()) last = ctx.eval(cell);
                }
                return last;
            } finally {
                setWorkingDirectory.accept(previous);
            }
        }
        return ctx.eval(Files.readString(file, StandardCharsets.UTF_8));
    }

    private Path find(String name) throws MagicException {
        Path base = workingDirectory.get();
        List<String> tried = new ArrayList<>();
        for (String extension : EXTENSIONS) {
            Path candidate = base.resolve(name + extension).normalize();
            if (Files.isRegularFile(candidate)) return candidate;
            tried.add(candidate.toString());
        }
        throw new MagicException("%load: no such file; tried " + String.join(", ", tried));
    }

    static List<String> codeCells(Path notebook) throws MagicException {
        JsonObject root;
        try {
            root = JsonParser.parseString(Files.readString(notebook, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw new MagicException("%load: " + notebook + " is not a readable notebook: " + e.getMessage());
        }
        JsonArray cells = root.has("cells") ? root.getAsJsonArray("cells") : new JsonArray();
        List<String> code = new ArrayList<>();
        for (JsonElement element : cells) {
            JsonObject cell = element.getAsJsonObject();
            if (!"code".equals(cell.has("cell_type") ? cell.get("cell_type").getAsString() : "")) continue;
            JsonElement source = cell.get("source");
            if (source == null) continue;
            if (source.isJsonArray()) {
                StringBuilder text = new StringBuilder();
                source.getAsJsonArray().forEach(line -> text.append(line.getAsString()));
                code.add(text.toString());
            } else {
                code.add(source.getAsString());
            }
        }
        return code;
    }
}
