package io.djlkernel.kernel.deps;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.djlkernel.kernel.deps.MavenResolverTest.coords;
import static io.djlkernel.kernel.deps.MavenResolverTest.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fresh kernel (a new resolver on the same local repository) answers a %maven it resolved before. */
class ResolutionCacheTest {
    @TempDir
    Path temp;
    RepoFixture repo;
    Path local;

    @BeforeEach
    void setUp() throws Exception {
        repo = new RepoFixture(Files.createDirectories(temp.resolve("remote")));
        local = temp.resolve("local");
    }

    MavenResolver freshKernel() {
        return MavenResolverTest.resolver(repo, local, null);
    }

    @Test
    void aFreshKernelAnswersTheSameRequestWithoutStartingMavenResolver() throws Exception {
        MavenResolver.Resolution first;
        try (MavenResolver kernel = freshKernel()) {
            first = kernel.resolve(coords("com.example:lib-e:1.0"), null);
            assertTrue(kernel.repositorySystemStarted());
        }
        try (MavenResolver kernel = freshKernel()) {
            MavenResolver.Resolution again = kernel.resolve(coords("com.example:lib-e:1.0"), null);
            assertFalse(kernel.repositorySystemStarted(), "answered from the kept resolution");
            assertEquals(first.files(), again.files());
            assertEquals(first.notices(), again.notices()); // "using the kernel's com.example:provided-lib 3.0 ..."
            assertFalse(again.notices().isEmpty());
            // what the kept answer added counts as added: a later call is told, as after a real resolution
            MavenResolver.Resolution later = kernel.resolve(coords("com.example:lib-e:2.0"), null);
            assertTrue(later.notices().stream().anyMatch(n -> n.contains("added earlier")), later.notices().toString());
        }
    }

    @Test
    void aMissingJarOrAnUnreadableEntryMeansResolvingAgain() throws Exception {
        try (MavenResolver kernel = freshKernel()) {
            kernel.resolve(coords("com.example:lib-a:1.0"), null);
        }
        Path libC = local.resolve("com/example/lib-c/1.0/lib-c-1.0.jar");
        Files.delete(libC);
        try (MavenResolver kernel = freshKernel()) {
            MavenResolver.Resolution r = kernel.resolve(coords("com.example:lib-a:1.0"), null);
            assertTrue(kernel.repositorySystemStarted());
            assertEquals(List.of("lib-a-1.0.jar", "lib-c-1.0.jar"), names(r.files()));
            assertTrue(Files.exists(libC), "downloaded again");
        }
        try (Stream<Path> kept = Files.list(ResolutionCache.folder(local))) {
            for (Path entry : kept.toList()) Files.writeString(entry, "{ not json");
        }
        try (MavenResolver kernel = freshKernel()) {
            assertEquals(List.of("lib-a-1.0.jar", "lib-c-1.0.jar"), names(kernel.resolve(coords("com.example:lib-a:1.0"), null).files()));
            assertTrue(kernel.repositorySystemStarted());
        }
    }

    @Test
    void versionsThatMayMoveAreNeverKept() {
        for (String moving : List.of("1.0-SNAPSHOT", "[1.0,2.0)", "(,2.0]", "LATEST", "RELEASE", "")) {
            assertFalse(ResolutionCache.fixed(moving), moving);
        }
        assertTrue(ResolutionCache.fixed("2.16.1"));
    }
}
