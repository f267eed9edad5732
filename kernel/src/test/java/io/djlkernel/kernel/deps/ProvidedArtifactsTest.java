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

    @Test
    void recognisesDjlsGradleBuiltJarsByWhatTheyContain() throws Exception {
        // DJL's jars carry no pom.properties: the resource files DJL reads itself name the artifact and its version
        Path api = temp.resolve("api.jar");
        try (OutputStream file = Files.newOutputStream(api); JarOutputStream out = new JarOutputStream(file)) {
            entry(out, "ai/djl/engine/api.properties", "djl_version=0.36.0");
        }
        Path engine = temp.resolve("engine.jar");
        try (OutputStream file = Files.newOutputStream(engine); JarOutputStream out = new JarOutputStream(file)) {
            entry(out, "pytorch-engine.properties", "djl_version=0.36.0\npytorch_version=2.7.1");
        }
        Path natives = temp.resolve("natives");
        Files.createDirectories(natives.resolve("native/lib"));
        Files.writeString(natives.resolve("native/lib/pytorch.properties"),
                "version=2.7.1-20250812\nflavor=cpu\nclassifier=linux-x86_64\n");
        Files.createDirectories(natives.resolve("jnilib"));
        Files.writeString(natives.resolve("jnilib/pytorch.properties"), "jni_version=2.7.1-0.36.0");

        ProvidedArtifacts provided = ProvidedArtifacts.scan(List.of(api, engine, natives));
        assertEquals(Map.of("ai.djl:api", "0.36.0", "ai.djl.pytorch:pytorch-engine", "0.36.0",
                "ai.djl.pytorch:pytorch-native-cpu", "2.7.1", "ai.djl.pytorch:pytorch-jni", "2.7.1-0.36.0"), provided.asMap());
        assertEquals("0.36.0", provided.djlVersion());
        assertEquals("2.7.1", provided.libtorchVersion());
    }

    @Test
    void readsTheBuildsListOfShadedArtifacts() {
        String list = """

                The following files have been resolved:
                   ai.djl:api:jar:0.36.0:runtime -- module ai.djl.api [auto]
                   ai.djl.pytorch:pytorch-jni:jar:2.7.1-0.36.0:runtime -- module ai.djl.pytorch_jni [auto]
                   net.java.dev.jna:jna:jar:5.17.0:runtime
                   org.example:natives:jar:linux-x86_64:1.0:runtime
                """;
        assertEquals(Map.of("ai.djl:api", "0.36.0", "ai.djl.pytorch:pytorch-jni", "2.7.1-0.36.0", "net.java.dev.jna:jna", "5.17.0"),
                ProvidedArtifacts.parseShippedList(list));
    }

    @Test
    void theKernelProvidesDjlItsEngineJniNativesAndTheirLibraries() {
        // the build's list (target/classes) and DJL's jars on the test class path, natives included
        ProvidedArtifacts provided = ProvidedArtifacts.ofKernel();
        Map<String, String> all = provided.asMap();
        assertEquals("0.36.0", all.get("ai.djl:api"), all.toString());
        assertEquals("0.36.0", all.get("ai.djl.pytorch:pytorch-engine"), all.toString());
        assertEquals("2.7.1-0.36.0", all.get("ai.djl.pytorch:pytorch-jni"), all.toString());
        assertEquals("2.7.1", all.get("ai.djl.pytorch:pytorch-native-cpu"), all.toString());
        assertTrue(provided.contains("net.java.dev.jna:jna"), all.toString());
        assertTrue(provided.contains("org.apache.commons:commons-compress"), all.toString());
    }

    private static void entry(JarOutputStream out, String name, String text) throws Exception {
        out.putNextEntry(new JarEntry(name));
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }
}
