package io.djlkernel.kernel.deps;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * A Maven repository in a temp folder (Maven layout), used through a {@code file:} URL:
 * <pre>
 * com.example:lib-a:1.0  -> lib-c:1.0
 * com.example:lib-b:1.0  -> lib-d:1.0 -> lib-c:2.0         (nearest wins: lib-c 1.0 with a and b together)
 * com.example:lib-e:1.0  -> com.example:provided-lib:2.0 -> lib-c:2.0  (provided-lib is "the kernel's")
 * com.example:native:1.0 (jar, and classifier linux-x86_64)
 * com.example:bom:1.0    (pom: manages lib-c 2.0 and lib-a 1.0)
 * com.example:broken:1.0 (a POM that is not XML)
 * </pre>
 */
final class RepoFixture {
    final Path root;

    RepoFixture(Path root) throws IOException {
        this.root = root;
        artifact("lib-a", "1.0", dep("lib-c", "1.0"));
        artifact("lib-b", "1.0", dep("lib-d", "1.0"));
        artifact("lib-c", "1.0", "");
        artifact("lib-c", "2.0", "");
        artifact("lib-d", "1.0", dep("lib-c", "2.0"));
        artifact("lib-e", "1.0", dep("provided-lib", "2.0"));
        artifact("provided-lib", "2.0", dep("lib-c", "2.0"));
        artifact("native", "1.0", "");
        jar("native", "1.0", "linux-x86_64");
        Path bom = dir("bom", "1.0").resolve("bom-1.0.pom");
        Files.writeString(bom, """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId><artifactId>bom</artifactId><version>1.0</version>
                  <packaging>pom</packaging>
                  <dependencyManagement><dependencies>
                    <dependency><groupId>com.example</groupId><artifactId>lib-c</artifactId><version>2.0</version></dependency>
                    <dependency><groupId>com.example</groupId><artifactId>lib-a</artifactId><version>1.0</version></dependency>
                  </dependencies></dependencyManagement>
                </project>
                """);
        Path broken = dir("broken", "1.0");
        Files.writeString(broken.resolve("broken-1.0.pom"), "this is < not xml");
        jar("broken", "1.0", "");
    }

    String url() {
        return root.toUri().toString();
    }

    private static String dep(String artifactId, String version) {
        return "<dependency><groupId>com.example</groupId><artifactId>" + artifactId + "</artifactId><version>" + version
                + "</version></dependency>";
    }

    private Path dir(String artifactId, String version) throws IOException {
        Path dir = root.resolve("com/example/" + artifactId + "/" + version);
        Files.createDirectories(dir);
        return dir;
    }

    private void artifact(String artifactId, String version, String dependencies) throws IOException {
        Path dir = dir(artifactId, version);
        Files.writeString(dir.resolve(artifactId + "-" + version + ".pom"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>%s</artifactId>
                  <version>%s</version>
                  <dependencies>%s</dependencies>
                </project>
                """.formatted(artifactId, version, dependencies));
        jar(artifactId, version, "");
    }

    private void jar(String artifactId, String version, String classifier) throws IOException {
        Path dir = dir(artifactId, version);
        String name = artifactId + "-" + version + (classifier.isEmpty() ? "" : "-" + classifier) + ".jar";
        try (OutputStream file = Files.newOutputStream(dir.resolve(name)); JarOutputStream jar = new JarOutputStream(file)) {
            jar.putNextEntry(new JarEntry("com/example/" + artifactId + ".txt"));
            jar.write((artifactId + " " + version + " " + classifier).getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
            // some bytes, so a download has progress to show
            jar.putNextEntry(new JarEntry("com/example/" + artifactId + ".bin"));
            jar.write(new byte[64 * 1024]);
            jar.closeEntry();
        }
    }
}
