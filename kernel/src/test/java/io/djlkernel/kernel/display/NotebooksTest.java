package io.djlkernel.kernel.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The notebooks in notebooks/ are nbformat 4, name the java kernelspec and are stored without outputs. */
class NotebooksTest {
    private static final Path NOTEBOOKS = Path.of("..", "notebooks");

    private static List<Path> notebooks() throws IOException {
        try (Stream<Path> files = Files.list(NOTEBOOKS)) {
            return files.filter(p -> p.toString().endsWith(".ipynb")).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void gettingStartedIsThere() throws IOException {
        assertTrue(notebooks().contains(NOTEBOOKS.resolve("getting-started.ipynb")), notebooks().toString());
    }

    @Test
    void storedWithoutOutputsForTheJavaKernel() throws IOException {
        for (Path path : notebooks()) {
            JsonObject nb = JsonParser.parseString(Files.readString(path)).getAsJsonObject();
            assertEquals(4, nb.get("nbformat").getAsInt(), path + " nbformat");
            JsonObject metadata = nb.getAsJsonObject("metadata");
            JsonObject kernelspec = metadata.getAsJsonObject("kernelspec");
            assertEquals("java", kernelspec.get("name").getAsString(), path + " kernelspec name");
            assertEquals("Java (DJL)", kernelspec.get("display_name").getAsString(), path + " display name");
            assertEquals("java", metadata.getAsJsonObject("language_info").get("name").getAsString(), path.toString());
            int code = 0;
            for (JsonElement c : nb.getAsJsonArray("cells")) {
                JsonObject cell = c.getAsJsonObject();
                if (!cell.get("cell_type").getAsString().equals("code")) continue;
                code++;
                assertEquals(0, cell.getAsJsonArray("outputs").size(), path + ": a cell has stored outputs");
                assertTrue(cell.get("execution_count").isJsonNull(), path + ": a cell has an execution count");
            }
            assertFalse(code == 0, path + " has no code cells");
        }
    }
}
