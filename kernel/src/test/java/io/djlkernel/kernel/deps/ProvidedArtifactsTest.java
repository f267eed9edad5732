package io.djlkernel.kernel.deps;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProvidedArtifactsTest {
    @TempDir
    Path temp;

    @Test
    void readsPomPropertiesOfAShadedJarAndOfClassFolders() throws Exception {
        Path jar = temp.resolve("kernel.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            entry(out, "META-INF/maven/com.google.code.gson/gson/pom.properties",
                    "artifactId=gson\ngroupId=com.google.code.gson\nversion=2.13.2\n");
            entry(out, "META-INF/maven/org.zeromq/jeromq/pom.properties", "groupId=org.zeromq\nartifactId=jeromq\nversion=0.6.0\n");
            entry(out, "META-INF/maven/org.zeromq/jeromq/pom.xml", "<project/>");
            entry(out, "META-INF/maven/broken/pom.properties", "groupId=x\n");
        }
        Path folder = temp.resolve("classes");
        Path props = folder.resolve("META-INF/maven/io.djlkernel/kernel-api/pom.properties");
        Files.createDirectories(props.getParent());
        Files.writeString(props, "groupId=io.djlkernel\nartifactId=kernel-api\nversion=0.1.0-SNAPSHOT\n");

        ProvidedArtifacts provided = ProvidedArtifacts.scan(List.of(jar, folder, temp.resolve("missing.jar")));
        assertEquals(Map.of("com.google.code.gson:gson", "2.13.2", "org.zeromq:jeromq", "0.6.0",
                "io.djlkernel:kernel-api", "0.1.0-SNAPSHOT"), provided.asMap());
    }

    @Test
    void theKernelsClassPathProvidesItsLibraries() {
        // in a test, the class path holds the kernel's dependencies as jars, each with its pom.properties
        ProvidedArtifacts provided = ProvidedArtifacts.ofKernel();
        assertTrue(provided.contains("com.google.code.gson:gson"), provided.asMap().toString());
        assertTrue(provided.contains("org.apache.maven.resolver:maven-resolver-api"), provided.asMap().toString());
    }

    private static void entry(JarOutputStream out, String name, String text) throws Exception {
        out.putNextEntry(new JarEntry(name));
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }
}
