package io.djlkernel.kernel.deps;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against the real Maven Central (needs the network), with an empty local repository so it truly downloads. */
class MavenCentralTest {
    @TempDir
    Path local;

    @Test
    void downloadsASmallArtifactWithItsDependencyFromCentral() throws Exception {
        List<String> progress = new ArrayList<>();
        try (MavenResolver resolver = MavenResolver.builder().userSettings(null).globalSettings(null).localRepository(local)
                .provided(ProvidedArtifacts.none()).build()) {
            MavenResolver.Resolution r = resolver.resolve(List.of(Coordinate.parse("org.apache.commons:commons-text:1.12.0")),
                    new ProgressBar(new ProgressBar.Output() {
                        @Override
                        public String show(String text) {
                            progress.add(text);
                            return "p";
                        }

                        @Override
                        public void update(String handle, String text) {
                            progress.add(text);
                        }
                    }));
            assertEquals(List.of("commons-text-1.12.0.jar", "commons-lang3-3.14.0.jar"),
                    r.files().stream().map(p -> p.getFileName().toString()).toList());
            assertTrue(r.files().stream().allMatch(p -> p.startsWith(local)));
            assertTrue(progress.get(progress.size() - 1).startsWith("Downloaded "), progress.toString());

            ResolutionException e = assertThrows(ResolutionException.class,
                    () -> resolver.resolve(List.of(Coordinate.parse("io.djlkernel.nope:does-not-exist:0.0.1")), null));
            assertEquals("Could not find io.djlkernel.nope:does-not-exist:0.0.1 in central (https://repo.maven.apache.org/maven2)",
                    e.getMessage());
        }
    }
}
