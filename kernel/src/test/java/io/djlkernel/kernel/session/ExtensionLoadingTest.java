package io.djlkernel.kernel.session;

import io.djlkernel.kernel.eval.JShellInterpreter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Extensions from the class path at start and from jars a cell adds later; a broken one is reported. */
class ExtensionLoadingTest {
    private static NotebookInterpreter notebook;

    @BeforeAll
    static void start() {
        notebook = new NotebookInterpreter(new JShellInterpreter(), new io.djlkernel.kernel.display.DefaultRendererRegistry(), null);
    }

    @AfterAll
    static void stop() {
        notebook.close();
    }

    @Test
    void aBrokenExtensionIsReportedInTheFirstCellAndTheKernelWorks() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(3, notebook.eval("1 + 2").value());
            notebook.eval("4");
        } finally {
            System.setErr(original);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("FailingExtension failed to load") && text.contains("broken on purpose"), text);
        assertEquals(1, text.split("FailingExtension", -1).length - 1, "reported once: " + text);
    }

    @Test
    void anExtensionInAJarAddedByACellIsLoaded(@TempDir Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/greet"));
        Files.writeString(src.resolve("GreetExtension.java"), "package greet;\n"
                + "public class GreetExtension implements io.djlkernel.api.Extension {\n"
                + "  public void register(io.djlkernel.api.KernelContext k) {\n"
                + "    k.magics().registerLine(\"greet\", \"says hello\", \"%greet NAME\", (a, c) -> \"Hello, \" + a);\n"
                + "  }\n}\n");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "-d", classes.toString(),
                "-cp", System.getProperty("java.class.path"), src.resolve("GreetExtension.java").toString());
        assertEquals(0, status);
        Path jar = dir.resolve("greet.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new ZipEntry("greet/GreetExtension.class"));
            out.write(Files.readAllBytes(classes.resolve("greet/GreetExtension.class")));
            out.putNextEntry(new ZipEntry("META-INF/services/io.djlkernel.api.Extension"));
            out.write("greet.GreetExtension\n".getBytes(StandardCharsets.UTF_8));
        }
        notebook.eval("%jars " + jar);
        assertEquals("Hello, Duke", notebook.eval("%greet Duke").value());
    }
}
