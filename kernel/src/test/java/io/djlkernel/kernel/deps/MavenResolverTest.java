package io.djlkernel.kernel.deps;

import org.eclipse.aether.repository.RemoteRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Offline: a file: repository made by the test, a temp local repository, no settings.xml. */
class MavenResolverTest {
    @TempDir
    Path temp;
    RepoFixture repo;
    Path local;
    MavenResolver resolver;

    @BeforeEach
    void setUp() throws Exception {
        repo = new RepoFixture(Files.createDirectories(temp.resolve("remote")));
        local = temp.resolve("local");
        resolver = resolverWith(null);
    }

    @AfterEach
    void tearDown() {
        resolver.close();
    }

    MavenResolver resolverWith(Path settings) {
        return resolver(repo, local, settings);
    }

    /** A resolver on the fixture repository, as a kernel that ships com.example:provided-lib 3.0 would have. */
    static MavenResolver resolver(RepoFixture repo, Path local, Path settings) {
        return MavenResolver.builder()
                .userSettings(settings).globalSettings(null).localRepository(local)
                .repositories(List.of(new RemoteRepository.Builder("fixture", "default", repo.url()).build()))
                .provided(new ProvidedArtifacts(Map.of("com.example:provided-lib", "3.0")))
                .build();
    }

    static List<String> names(List<Path> files) {
        return files.stream().map(p -> p.getFileName().toString()).toList();
    }

    static List<Coordinate> coords(String... s) {
        return java.util.Arrays.stream(s).map(Coordinate::parse).toList();
    }

    @Test
    void resolvesAnArtifactWithItsDependencyIntoTheLocalRepository() throws Exception {
        MavenResolver.Resolution r = resolver.resolve(coords("com.example:lib-a:1.0"), null);
        assertEquals(List.of("lib-a-1.0.jar", "lib-c-1.0.jar"), names(r.files()));
        assertTrue(r.notices().isEmpty(), r.notices().toString());
        for (Path f : r.files()) assertTrue(f.startsWith(local), f + " is not in the local repository");
    }

    @Test
    void allCoordinatesOfOneCallShareOneConflictResolution() throws Exception {
        // lib-a -> lib-c 1.0 (depth 2) wins over lib-b -> lib-d -> lib-c 2.0 (depth 3): one lib-c only
        MavenResolver.Resolution r = resolver.resolve(coords("com.example:lib-b:1.0", "com.example:lib-a:1.0"), null);
        List<String> files = names(r.files());
        assertTrue(files.contains("lib-c-1.0.jar"), files.toString());
        assertFalse(files.contains("lib-c-2.0.jar"), files.toString());
        assertTrue(files.containsAll(List.of("lib-a-1.0.jar", "lib-b-1.0.jar", "lib-d-1.0.jar")), files.toString());
        assertEquals(4, files.size(), files.toString());
    }

    @Test
    void classifierJar() throws Exception {
        MavenResolver.Resolution r = resolver.resolve(coords("com.example:native:1.0:linux-x86_64"), null);
        assertEquals(List.of("native-1.0-linux-x86_64.jar"), names(r.files()));
        MavenResolver.Resolution ijava = resolver.resolve(coords("com.example:native:jar:linux-x86_64:1.0"), null);
        assertEquals(List.of(), ijava.files(), "the same artifact again adds nothing");
    }

    @Test
    void missingCoordinateNamesTheArtifactAndTheRepositoriesAsked() {
        ResolutionException e = assertThrows(ResolutionException.class,
                () -> resolver.resolve(coords("com.example:nope:9.9"), null));
        System.out.println(e.getMessage());
        assertTrue(e.getMessage().contains("Could not find com.example:nope:9.9"), e.getMessage());
        assertTrue(e.getMessage().contains("fixture (" + repo.url()), e.getMessage());
    }

    @Test
    void staysUsableAfterAFailure() throws Exception {
        assertThrows(ResolutionException.class, () -> resolver.resolve(coords("com.example:nope:9.9", "com.example:lib-a:1.0"), null));
        assertEquals(List.of("lib-a-1.0.jar", "lib-c-1.0.jar"), names(resolver.resolve(coords("com.example:lib-a:1.0"), null).files()));
    }

    @Test
    void aMissIsNotCached() throws Exception {
        assertThrows(ResolutionException.class, () -> resolver.resolve(coords("com.example:late:1.0"), null));
        Path dir = Files.createDirectories(repo.root.resolve("com/example/late/1.0"));
        Files.copy(repo.root.resolve("com/example/lib-c/1.0/lib-c-1.0.jar"), dir.resolve("late-1.0.jar"));
        assertEquals(List.of("late-1.0.jar"), names(resolver.resolve(coords("com.example:late:1.0"), null).files()));
    }

    @Test
    void missingTransitiveDependencyIsNamed() throws Exception {
        Path pom = repo.root.resolve("com/example/lib-x/1.0/lib-x-1.0.pom");
        Files.createDirectories(pom.getParent());
        Files.writeString(pom, "<project><modelVersion>4.0.0</modelVersion><groupId>com.example</groupId><artifactId>lib-x</artifactId>"
                + "<version>1.0</version><dependencies><dependency><groupId>com.example</groupId><artifactId>gone</artifactId>"
                + "<version>1.0</version></dependency></dependencies></project>");
        Files.copy(repo.root.resolve("com/example/lib-c/1.0/lib-c-1.0.jar"), pom.resolveSibling("lib-x-1.0.jar"));
        ResolutionException e = assertThrows(ResolutionException.class, () -> resolver.resolve(coords("com.example:lib-x:1.0"), null));
        System.out.println(e.getMessage());
        assertTrue(e.getMessage().contains("com.example:gone:1.0 (needed by com.example:lib-x:1.0)"), e.getMessage());
    }

    @Test
    void invalidPomIsReportedAndTheJarStillAdded() throws Exception {
        // as Maven does: the jar is used, its dependencies are not known; the notebook is told
        MavenResolver.Resolution r = resolver.resolve(coords("com.example:broken:1.0"), null);
        assertEquals(List.of("broken-1.0.jar"), names(r.files()));
        assertEquals(1, r.notices().size(), r.notices().toString());
        assertTrue(r.notices().get(0).startsWith("warning: the POM of com.example:broken:1.0 is invalid"), r.notices().toString());
    }

    @Test
    void kernelProvidedArtifactIsNotAddedAgain() throws Exception {
        MavenResolver.Resolution direct = resolver.resolve(coords("com.example:provided-lib:2.0"), null);
        assertEquals(List.of(), direct.files());
        assertEquals(List.of("using the kernel's com.example:provided-lib 3.0 (asked 2.0)"), direct.notices());

        MavenResolver.Resolution same = resolver.resolve(coords("com.example:provided-lib:3.0"), null);
        assertEquals(List.of("using the kernel's com.example:provided-lib 3.0"), same.notices());
    }

    @Test
    void kernelProvidedTransitiveDependencyIsLeftOutWithItsSubtree() throws Exception {
        MavenResolver.Resolution r = resolver.resolve(coords("com.example:lib-e:1.0"), null);
        assertEquals(List.of("lib-e-1.0.jar"), names(r.files()));
        assertEquals(List.of("using the kernel's com.example:provided-lib 3.0 (asked 2.0)"), r.notices());
    }

    @Test
    void aLaterCallDoesNotAddASecondVersion() throws Exception {
        resolver.resolve(coords("com.example:lib-a:1.0"), null);
        MavenResolver.Resolution r = resolver.resolve(coords("com.example:lib-d:1.0"), null);
        assertEquals(List.of("lib-d-1.0.jar"), names(r.files()));
        assertEquals(List.of("using com.example:lib-c 1.0 added earlier (asked 2.0)"), r.notices());
    }

    @Test
    void progressIsReportedOnlyWhenSomethingDownloads() throws Exception {
        RecordingListener first = new RecordingListener();
        resolver.resolve(coords("com.example:lib-a:1.0"), first);
        assertTrue(first.events.stream().anyMatch(e -> e.startsWith("started ") && e.endsWith("lib-a-1.0.jar")), first.events.toString());
        assertTrue(first.events.stream().anyMatch(e -> e.startsWith("done ") && e.endsWith("lib-a-1.0.jar")), first.events.toString());
        assertEquals("finished", first.events.get(first.events.size() - 1));

        try (MavenResolver fresh = resolverWith(null)) { // same local repository: nothing to download
            RecordingListener second = new RecordingListener();
            fresh.resolve(coords("com.example:lib-a:1.0"), second);
            assertEquals(List.of("finished"), second.events);
        }
    }

    @Test
    void offlineSettingsGiveAClearError() throws Exception {
        Path settings = temp.resolve("settings.xml");
        Files.writeString(settings, "<settings><offline>true</offline></settings>");
        try (MavenResolver offline = resolverWith(settings)) {
            ResolutionException e = assertThrows(ResolutionException.class, () -> offline.resolve(coords("com.example:lib-a:1.0"), null));
            System.out.println(e.getMessage());
            assertTrue(e.getMessage().contains("offline"), e.getMessage());
            assertTrue(e.getMessage().contains("com.example:lib-a:1.0"), e.getMessage());
        }
    }

    @Test
    void mirrorAndLocalRepositoryFromSettingsApply() throws Exception {
        Path settings = temp.resolve("settings.xml");
        Path settingsLocal = temp.resolve("from-settings");
        Files.writeString(settings, """
                <settings>
                  <localRepository>%s</localRepository>
                  <mirrors><mirror><id>fixture-mirror</id><url>%s</url><mirrorOf>*</mirrorOf></mirror></mirrors>
                </settings>
                """.formatted(settingsLocal, repo.url()));
        try (MavenResolver mirrored = MavenResolver.builder()
                .userSettings(settings).globalSettings(null)
                .repositories(List.of(new RemoteRepository.Builder("nowhere", "default", "https://nowhere.invalid/maven2").build()))
                .provided(ProvidedArtifacts.none())
                .build()) {
            MavenResolver.Resolution r = mirrored.resolve(coords("com.example:lib-a:1.0"), null);
            assertEquals(List.of("lib-a-1.0.jar", "lib-c-1.0.jar"), names(r.files()));
            assertTrue(r.files().get(0).startsWith(settingsLocal), r.files().toString());
            ResolutionException e = assertThrows(ResolutionException.class, () -> mirrored.resolve(coords("com.example:nope:1"), null));
            System.out.println(e.getMessage());
            assertTrue(e.getMessage().contains("fixture-mirror (" + repo.url()) && e.getMessage().contains("mirror of nowhere"), e.getMessage());
        }
    }

    @Test
    void profileRepositoryFromSettingsIsAsked() throws Exception {
        Path settings = temp.resolve("settings.xml");
        Files.writeString(settings, """
                <settings>
                  <profiles><profile><id>extra</id><repositories>
                    <repository><id>from-profile</id><url>%s</url></repository>
                  </repositories></profile></profiles>
                  <activeProfiles><activeProfile>extra</activeProfile></activeProfiles>
                </settings>
                """.formatted(repo.url()));
        try (MavenResolver r = MavenResolver.builder().userSettings(settings).globalSettings(null).localRepository(local)
                .repositories(List.of()).provided(ProvidedArtifacts.none()).build()) {
            assertEquals(List.of("from-profile"), r.repositories().stream().map(RemoteRepository::getId).toList());
            assertEquals(List.of("lib-a-1.0.jar", "lib-c-1.0.jar"), names(r.resolve(coords("com.example:lib-a:1.0"), null).files()));
        }
    }

    @Test
    void malformedSettingsAreReported() throws Exception {
        Path settings = temp.resolve("settings.xml");
        Files.writeString(settings, "<settings><mirrors>");
        try (MavenResolver r = resolverWith(settings)) {
            ResolutionException e = assertThrows(ResolutionException.class, () -> r.resolve(coords("com.example:lib-a:1.0"), null));
            System.out.println(e.getMessage());
            assertTrue(e.getMessage().startsWith("Could not read Maven settings"), e.getMessage());
        }
    }

    @Test
    void unreachableRepositoryIsNamed() throws Exception {
        try (MavenResolver r = MavenResolver.builder().userSettings(null).globalSettings(null).localRepository(local)
                .repositories(List.of(new RemoteRepository.Builder("closed", "default", "http://127.0.0.1:9/maven2").build()))
                .provided(ProvidedArtifacts.none()).build()) {
            ResolutionException e = assertThrows(ResolutionException.class, () -> r.resolve(coords("com.example:lib-a:1.0"), null));
            System.out.println(e.getMessage());
            assertEquals("Could not reach closed (http://127.0.0.1:9/maven2): ConnectException: Connection refused", e.getMessage());
        }
    }

    @Test
    void bomManagesVersions() throws Exception {
        PomDependencies.Result pom = PomDependencies.parse("""
                <dependencyManagement><dependencies>
                  <dependency><groupId>com.example</groupId><artifactId>bom</artifactId><version>1.0</version>
                    <type>pom</type><scope>import</scope></dependency>
                </dependencies></dependencyManagement>
                <dependency><groupId>com.example</groupId><artifactId>lib-a</artifactId></dependency>
                """, "the cell");
        MavenResolver.Resolution r = resolver.resolve(new MavenResolver.Request(pom.dependencies(), pom.managed(), pom.boms(),
                pom.repositories()), null);
        // lib-a from the BOM's version; lib-c managed to 2.0 by the BOM
        assertEquals(List.of("lib-a-1.0.jar", "lib-c-2.0.jar"), names(r.files()));
    }

    static final class RecordingListener implements DownloadListener {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void started(String resource, String repository, long totalBytes) {
            events.add("started " + resource);
        }

        @Override
        public void progressed(String resource, long bytesSoFar, long totalBytes) {
        }

        @Override
        public void done(String resource, long bytes, Exception failure) {
            events.add("done " + resource);
        }

        @Override
        public void finished() {
            events.add("finished");
        }
    }
}
