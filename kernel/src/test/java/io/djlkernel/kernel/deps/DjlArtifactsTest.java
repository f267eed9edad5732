package io.djlkernel.kernel.deps;

import org.eclipse.aether.repository.RemoteRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * %maven of DJL's own artifacts, against a kernel that ships DJL 0.36.0 on libtorch 2.7.1. Offline: either no
 * reachable repository at all (offline settings.xml, an unreachable URL), or a file: repository made here that
 * holds DJL-like artifacts at two DJL versions.
 */
class DjlArtifactsTest {
    static final ProvidedArtifacts KERNEL = new ProvidedArtifacts(Map.of(
            "ai.djl:api", "0.36.0",
            "ai.djl.pytorch:pytorch-engine", "0.36.0",
            "ai.djl.pytorch:pytorch-jni", "2.7.1-0.36.0",
            "ai.djl.pytorch:pytorch-native-cpu", "2.7.1",
            "net.java.dev.jna:jna", "5.17.0"));

    @TempDir
    Path temp;

    MavenResolver resolver(Path settings, String repositoryUrl) {
        return MavenResolver.builder().userSettings(settings).globalSettings(null).localRepository(temp.resolve("local"))
                .repositories(List.of(new RemoteRepository.Builder("fixture", "default", repositoryUrl).build()))
                .provided(KERNEL).build();
    }

    /** No network: offline settings and a repository URL nothing listens on. */
    MavenResolver offline() throws IOException {
        Path settings = temp.resolve("settings.xml");
        Files.writeString(settings, "<settings><offline>true</offline></settings>");
        return resolver(settings, "http://127.0.0.1:9/maven2");
    }

    static List<Coordinate> coords(String... s) {
        return Stream.of(s).map(Coordinate::parse).toList();
    }

    long filesIn(Path folder) throws IOException {
        if (!Files.exists(folder)) return 0;
        try (Stream<Path> all = Files.walk(folder)) {
            return all.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void theKernelsDjlArtifactsAreAnsweredWithItsVersionsOfflineOneLineEach() throws Exception {
        try (MavenResolver resolver = offline()) {
            for (String[] asked : new String[][] {
                    {"ai.djl:api:0.28.0", "using the kernel's ai.djl:api 0.36.0 (asked 0.28.0)"},
                    {"ai.djl:api:0.23.0", "using the kernel's ai.djl:api 0.36.0 (asked 0.23.0)"},
                    {"ai.djl:api:0.36.0", "using the kernel's ai.djl:api 0.36.0"},
                    {"ai.djl.pytorch:pytorch-engine:0.28.0", "using the kernel's ai.djl.pytorch:pytorch-engine 0.36.0 (asked 0.28.0)"},
                    {"ai.djl.pytorch:pytorch-jni:2.5.1-0.31.0", "using the kernel's ai.djl.pytorch:pytorch-jni 2.7.1-0.36.0 (asked 2.5.1-0.31.0)"},
                    {"net.java.dev.jna:jna:5.13.0", "using the kernel's net.java.dev.jna:jna 5.17.0 (asked 5.13.0)"},
                    // a pin cannot replace what the kernel loads on its own class path
                    {"ai.djl:api:[0.23.0]", "using the kernel's ai.djl:api 0.36.0 (asked 0.23.0)"}}) {
                MavenResolver.Resolution r = resolver.resolve(coords(asked[0]), null);
                assertEquals(List.of(asked[1]), r.notices(), asked[0]);
                assertTrue(r.files().isEmpty(), asked[0] + " added " + r.files());
            }
            assertEquals(0, filesIn(temp.resolve("local")), "nothing may be downloaded");
        }
    }

    @Test
    void pytorchNativesAndMxnetAreNotAddedWithOneLineThatSaysWhy() throws Exception {
        try (MavenResolver resolver = offline()) {
            for (String asked : List.of("ai.djl.pytorch:pytorch-native-auto:2.7.1", "ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64",
                    "ai.djl.pytorch:pytorch-native-cu121:2.3.1:linux-x86_64", "ai.djl.pytorch:pytorch-native-cpu-precxx11:2.7.1")) {
                MavenResolver.Resolution r = resolver.resolve(coords(asked), null);
                String key = asked.substring(0, asked.indexOf(':', asked.indexOf(':') + 1));
                assertEquals(List.of(key + " not added: this kernel runs DJL 0.36.0 on PyTorch and brings its own libtorch 2.7.1"),
                        r.notices(), asked);
                assertTrue(r.files().isEmpty(), asked);
            }
            // d2l-java's lines, in one call: one line each, nothing added
            MavenResolver.Resolution d2l = resolver.resolve(coords("ai.djl:api:0.23.0", "ai.djl.mxnet:mxnet-engine:0.23.0",
                    "ai.djl.mxnet:mxnet-native-auto:1.8.0"), null);
            assertEquals(List.of("using the kernel's ai.djl:api 0.36.0 (asked 0.23.0)",
                    "ai.djl.mxnet:mxnet-engine not added: this kernel runs DJL 0.36.0 on PyTorch 2.7.1, not MXNet; DJL code"
                            + " written for MXNet runs on it, a few calls behave differently (see " + DjlArtifacts.MXNET_DOC + ")",
                    "ai.djl.mxnet:mxnet-native-auto not added: this kernel runs DJL 0.36.0 on PyTorch 2.7.1, not MXNet; DJL code"
                            + " written for MXNet runs on it, a few calls behave differently (see " + DjlArtifacts.MXNET_DOC + ")"),
                    d2l.notices());
            assertTrue(d2l.files().isEmpty());
            assertEquals(0, filesIn(temp.resolve("local")), "nothing may be downloaded");
        }
    }

    @Test
    void djlLibrariesTheKernelDoesNotShipResolveAtTheKernelsDjlVersion() throws Exception {
        DjlRepo repo = new DjlRepo(temp.resolve("remote"));
        try (MavenResolver resolver = resolver(null, repo.url())) {
            MavenResolver.Resolution r = resolver.resolve(coords("ai.djl:basicdataset:0.23.0"), null);
            // basicdataset's own ai.djl:api dependency is the kernel's copy: only basicdataset and commons-csv come
            assertEquals(List.of("basicdataset-0.36.0.jar", "commons-csv-1.14.1.jar"), MavenResolverTest.names(r.files()));
            assertEquals(List.of("using ai.djl:basicdataset 0.36.0 (asked 0.23.0) to match the kernel's DJL 0.36.0;"
                    + " to force 0.23.0: %maven ai.djl:basicdataset:[0.23.0]"), r.notices());
        }
    }

    @Test
    void aPinnedVersionIsResolvedAsAskedWithTheKernelsApi() throws Exception {
        DjlRepo repo = new DjlRepo(temp.resolve("remote"));
        try (MavenResolver resolver = resolver(null, repo.url())) {
            MavenResolver.Resolution r = resolver.resolve(coords("ai.djl:basicdataset:[0.23.0]"), null);
            assertEquals(List.of("basicdataset-0.23.0.jar", "commons-csv-1.14.1.jar"), MavenResolverTest.names(r.files()));
            assertEquals(List.of("ai.djl:basicdataset 0.23.0 as pinned, on the kernel's DJL 0.36.0: calls into DJL that"
                    + " changed since may fail with NoSuchMethodError", "using the kernel's ai.djl:api 0.36.0 (asked 0.23.0)"),
                    r.notices());
        }
    }

    @Test
    void dependenciesOnOlderDjlLibrariesAreAlignedAndMxnetDependenciesLeftOut() throws Exception {
        DjlRepo repo = new DjlRepo(temp.resolve("remote"));
        try (MavenResolver resolver = resolver(null, repo.url())) {
            MavenResolver.Resolution r = resolver.resolve(coords("com.example:d2l-utils:1.0"), null);
            assertEquals(List.of("d2l-utils-1.0.jar", "model-zoo-0.36.0.jar"), MavenResolverTest.names(r.files()));
            assertEquals(List.of(
                    "ai.djl.mxnet:mxnet-engine not added: this kernel runs DJL 0.36.0 on PyTorch 2.7.1, not MXNet; DJL code"
                            + " written for MXNet runs on it, a few calls behave differently (see " + DjlArtifacts.MXNET_DOC + ")",
                    "using ai.djl:model-zoo 0.36.0 (a dependency asked 0.23.0) to match the kernel's DJL 0.36.0"), r.notices());
        }
    }

    @Test
    void aPomsDependencyManagementWinsOverTheAlignment() throws Exception {
        DjlRepo repo = new DjlRepo(temp.resolve("remote"));
        PomDependencies.Result pom = PomDependencies.parse("""
                <project>
                  <dependencyManagement><dependencies>
                    <dependency><groupId>ai.djl</groupId><artifactId>model-zoo</artifactId><version>0.23.0</version></dependency>
                  </dependencies></dependencyManagement>
                  <dependencies>
                    <dependency><groupId>com.example</groupId><artifactId>d2l-utils</artifactId><version>1.0</version></dependency>
                    <dependency><groupId>ai.djl</groupId><artifactId>basicdataset</artifactId><version>[0.23.0]</version></dependency>
                  </dependencies>
                </project>
                """, "the cell");
        try (MavenResolver resolver = resolver(null, repo.url())) {
            MavenResolver.Resolution r = resolver.resolve(new MavenResolver.Request(pom.dependencies(), pom.managed(), pom.boms(),
                    pom.repositories()), null);
            assertEquals(List.of("d2l-utils-1.0.jar", "basicdataset-0.23.0.jar", "model-zoo-0.23.0.jar", "commons-csv-1.14.1.jar"),
                    MavenResolverTest.names(r.files()));
        }
    }

    @Test
    void theKernelsAnswersNeedNoReadableSettings() throws Exception {
        Path broken = temp.resolve("broken-settings.xml");
        Files.writeString(broken, "<settings><offline>maybe");
        try (MavenResolver resolver = resolver(broken, "http://127.0.0.1:9/maven2")) {
            assertEquals(List.of("using the kernel's ai.djl:api 0.36.0 (asked 0.23.0)"),
                    resolver.resolve(coords("ai.djl:api:0.23.0"), null).notices());
        }
    }

    @Test
    void withoutDjlInTheKernelNothingIsRefusedOrMoved() {
        DjlArtifacts none = new DjlArtifacts(new ProvidedArtifacts(Map.of()));
        assertNull(none.refusal(Coordinate.parse("ai.djl.mxnet:mxnet-engine:0.23.0").toArtifact()));
        assertNull(none.alignedVersion(Coordinate.parse("ai.djl:basicdataset:0.23.0").toArtifact()));
        DjlArtifacts kernel = new DjlArtifacts(KERNEL);
        assertEquals("0.36.0", kernel.alignedVersion(Coordinate.parse("ai.djl.huggingface:tokenizers:0.30.0").toArtifact()));
        assertNull(kernel.alignedVersion(Coordinate.parse("ai.djl:basicdataset:0.36.0").toArtifact()));
        assertNull(kernel.alignedVersion(Coordinate.parse("ai.djl.sentencepiece:sentencepiece-native:0.30.0").toArtifact()));
        assertNull(kernel.alignedVersion(Coordinate.parse("com.example:djl-ish:0.23.0").toArtifact()));
        assertEquals("0.23.0", DjlArtifacts.pinnedVersion("[0.23.0]"));
        assertNull(DjlArtifacts.pinnedVersion("[0.23.0,0.30.0)"));
        assertNull(DjlArtifacts.pinnedVersion("0.23.0"));
    }

    /**
     * A file: repository with DJL-like artifacts:
     * ai.djl:basicdataset 0.23.0 / 0.36.0 -> ai.djl:api (same version), org.apache.commons:commons-csv 1.14.1;
     * ai.djl:model-zoo 0.23.0 / 0.36.0 -> ai.djl:api; com.example:d2l-utils 1.0 -> ai.djl:model-zoo 0.23.0,
     * ai.djl.mxnet:mxnet-engine 0.23.0. The ai.djl:api and mxnet-engine jars exist too, so only the kernel's rules
     * keep them out.
     */
    static final class DjlRepo {
        final Path root;

        DjlRepo(Path root) throws IOException {
            this.root = root;
            for (String v : List.of("0.23.0", "0.36.0")) {
                artifact("ai.djl", "api", v);
                artifact("ai.djl", "basicdataset", v, dep("ai.djl", "api", v), dep("org.apache.commons", "commons-csv", "1.14.1"));
                artifact("ai.djl", "model-zoo", v, dep("ai.djl", "api", v));
            }
            artifact("org.apache.commons", "commons-csv", "1.14.1");
            artifact("ai.djl.mxnet", "mxnet-engine", "0.23.0", dep("ai.djl", "api", "0.23.0"));
            artifact("com.example", "d2l-utils", "1.0", dep("ai.djl", "model-zoo", "0.23.0"), dep("ai.djl.mxnet", "mxnet-engine", "0.23.0"));
        }

        String url() {
            return root.toUri().toString();
        }

        static String dep(String g, String a, String v) {
            return "<dependency><groupId>" + g + "</groupId><artifactId>" + a + "</artifactId><version>" + v + "</version></dependency>";
        }

        void artifact(String g, String a, String v, String... deps) throws IOException {
            Path dir = root.resolve(g.replace('.', '/')).resolve(a).resolve(v);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(a + "-" + v + ".pom"), """
                    <project xmlns="http://maven.apache.org/POM/4.0.0">
                      <modelVersion>4.0.0</modelVersion>
                      <groupId>%s</groupId><artifactId>%s</artifactId><version>%s</version>
                      <dependencies>%s</dependencies>
                    </project>
                    """.formatted(g, a, v, String.join("", deps)));
            try (OutputStream file = Files.newOutputStream(dir.resolve(a + "-" + v + ".jar")); JarOutputStream jar = new JarOutputStream(file)) {
                jar.putNextEntry(new JarEntry(a + ".txt"));
                jar.write((g + ":" + a + ":" + v).getBytes(StandardCharsets.UTF_8));
                jar.closeEntry();
            }
        }
    }
}
