package io.djlkernel.kernel.deps;

import io.djlkernel.api.magic.CellMagic;
import io.djlkernel.api.magic.LineMagic;
import io.djlkernel.api.magic.MagicException;
import io.djlkernel.api.magic.MagicRegistry;
import org.eclipse.aether.repository.RemoteRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The magics through a registry and a fake MagicContext that records what is added to the class path. */
class DependencyMagicsTest {
    @TempDir
    Path temp;
    RepoFixture repo;
    MavenResolver resolver;
    FakeMagicContext ctx;
    final Map<String, LineMagic> line = new HashMap<>();
    final Map<String, CellMagic> cell = new HashMap<>();
    final Map<String, String> usage = new HashMap<>();
    ByteArrayOutputStream out;
    PrintStream savedOut;

    @BeforeEach
    void setUp() throws Exception {
        repo = new RepoFixture(Files.createDirectories(temp.resolve("remote")));
        resolver = MavenResolver.builder().userSettings(null).globalSettings(null).localRepository(temp.resolve("local"))
                .repositories(List.of()).provided(new ProvidedArtifacts(Map.of("com.example:provided-lib", "3.0"))).build();
        DependencyMagics.registerAll(new MagicRegistry() {
            @Override
            public void registerLine(String name, String summary, String text, LineMagic magic) {
                line.put(name, magic);
                usage.put("%" + name, text);
            }

            @Override
            public void registerCell(String name, String summary, String text, CellMagic magic) {
                cell.put(name, magic);
                usage.put("%%" + name, text);
            }
        }, resolver, c -> DownloadListener.NONE);
        ctx = new FakeMagicContext(Files.createDirectories(temp.resolve("notebook")));
        savedOut = System.out;
        out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void tearDown() {
        System.setOut(savedOut);
        resolver.close();
    }

    Object run(String magic, String args) throws Exception {
        return line.get(magic).run(args, ctx);
    }

    String printed() {
        return out.toString(StandardCharsets.UTF_8);
    }

    List<String> addedNames() {
        return ctx.added.stream().map(p -> p.getFileName().toString()).toList();
    }

    @Test
    void allMagicsAreRegisteredWithUsage() {
        assertEquals(java.util.Set.of("maven", "mavenRepo", "loadFromPOM", "jars", "classpath"), line.keySet());
        assertEquals(java.util.Set.of("loadFromPOM"), cell.keySet());
        usage.forEach((name, text) -> assertTrue(text.startsWith(name.startsWith("%%") ? "%" : name), name + ": " + text));
    }

    @Test
    void mavenAfterMavenRepo() throws Exception {
        assertNull(run("mavenRepo", "fixture " + repo.url()));
        assertNull(run("maven", "com.example:lib-a:1.0 com.example:native:1.0:linux-x86_64"));
        assertEquals(List.of("lib-a-1.0.jar", "native-1.0-linux-x86_64.jar", "lib-c-1.0.jar"), addedNames());
        assertEquals("", printed(), "a quiet success");
    }

    @Test
    void mavenRepoAcceptsAFolder() throws Exception {
        run("mavenRepo", "fixture ../remote");
        run("maven", "com.example:lib-c:2.0");
        assertEquals(List.of("lib-c-2.0.jar"), addedNames());
    }

    @Test
    void mavenAsAnExpressionReturnsThePaths() throws Exception {
        run("mavenRepo", "fixture " + repo.url());
        ctx.expression = true;
        Object value = run("maven", "com.example:lib-a:1.0");
        assertEquals(ctx.added, value);
    }

    @Test
    void mavenPrintsTheProvidedNotice() throws Exception {
        run("mavenRepo", "fixture " + repo.url());
        run("maven", "com.example:provided-lib:2.0");
        assertEquals("using the kernel's com.example:provided-lib 3.0 (asked 2.0)", printed().strip());
        assertTrue(ctx.added.isEmpty());
    }

    @Test
    void mavenBadInput() {
        MagicException none = assertThrows(MagicException.class, () -> run("maven", "  "));
        assertTrue(none.getMessage().contains("at least one coordinate"), none.getMessage());
        MagicException syntax = assertThrows(MagicException.class, () -> run("maven", "com.example:lib-a"));
        assertTrue(syntax.getMessage().contains("not a Maven coordinate: 'com.example:lib-a'"), syntax.getMessage());
        MagicException missing = assertThrows(MagicException.class, () -> run("maven", "com.example:nope:1.0"));
        assertTrue(missing.getMessage().startsWith("Could not find com.example:nope:1.0"), missing.getMessage());
        assertTrue(ctx.added.isEmpty());
    }

    @Test
    void mavenRepoBadInput() {
        assertThrows(MagicException.class, () -> run("mavenRepo", "only-an-id"));
        MagicException scheme = assertThrows(MagicException.class, () -> run("mavenRepo", "x ftp://example.com/repo"));
        assertTrue(scheme.getMessage().contains("unsupported repository URL scheme 'ftp'"), scheme.getMessage());
        MagicException folder = assertThrows(MagicException.class, () -> run("mavenRepo", "x no/such/folder"));
        assertTrue(folder.getMessage().contains("not a repository URL or folder"), folder.getMessage());
        assertThrows(MagicException.class, () -> run("mavenRepo", "bad/id https://example.com"));
    }

    @Test
    void loadFromPomFileWithRepositories() throws Exception {
        Files.writeString(ctx.workingDirectory.resolve("pom.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>nb</groupId><artifactId>nb</artifactId><version>1</version>
                  <properties><lib.version>1.0</lib.version></properties>
                  <repositories><repository><id>fixture</id><url>%s</url></repository></repositories>
                  <dependencies>
                    <dependency><groupId>com.example</groupId><artifactId>lib-a</artifactId><version>${lib.version}</version>
                      <exclusions><exclusion><groupId>com.example</groupId><artifactId>lib-c</artifactId></exclusion></exclusions>
                    </dependency>
                    <dependency><groupId>org.junit</groupId><artifactId>junit</artifactId><version>5</version><scope>test</scope></dependency>
                  </dependencies>
                </project>
                """.formatted(repo.url()));
        assertNull(run("loadFromPOM", "pom.xml"));
        assertEquals(List.of("lib-a-1.0.jar"), addedNames());
        assertTrue(printed().contains("skipped org.junit:junit (scope test)"), printed());
        // the POM's repository stays for later calls
        run("maven", "com.example:lib-c:2.0");
        assertEquals(List.of("lib-a-1.0.jar", "lib-c-2.0.jar"), addedNames());
    }

    @Test
    void loadFromPomCellWithLooseDependencies() throws Exception {
        run("mavenRepo", "fixture " + repo.url());
        ctx.expression = true;
        Object value = cell.get("loadFromPOM").run("", """
                <dependency>
                  <groupId>com.example</groupId>
                  <artifactId>lib-b</artifactId>
                  <version>1.0</version>
                </dependency>
                <dependency>
                  <groupId>com.example</groupId><artifactId>native</artifactId><version>1.0</version>
                  <classifier>linux-x86_64</classifier>
                </dependency>
                """, ctx);
        assertEquals(List.of("lib-b-1.0.jar", "native-1.0-linux-x86_64.jar", "lib-d-1.0.jar", "lib-c-2.0.jar"), addedNames());
        assertEquals(ctx.added, value);
    }

    @Test
    void loadFromPomBadInput() throws Exception {
        MagicException unknown = assertThrows(MagicException.class, () -> run("loadFromPOM", "missing.xml"));
        assertTrue(unknown.getMessage().startsWith("no such file: "), unknown.getMessage());
        assertTrue(unknown.getMessage().endsWith("missing.xml"), unknown.getMessage());

        MagicException malformed = assertThrows(MagicException.class,
                () -> cell.get("loadFromPOM").run("", "<dependency><groupId>x</groupId>", ctx));
        assertTrue(malformed.getMessage().startsWith("malformed POM in the cell"), malformed.getMessage());

        MagicException noVersion = assertThrows(MagicException.class,
                () -> cell.get("loadFromPOM").run("", "<dependency><groupId>x</groupId><artifactId>y</artifactId></dependency>", ctx));
        assertTrue(noVersion.getMessage().contains("x:y in the cell has no <version>"), noVersion.getMessage());

        MagicException undefined = assertThrows(MagicException.class, () -> cell.get("loadFromPOM").run("",
                "<dependency><groupId>x</groupId><artifactId>y</artifactId><version>${nope}</version></dependency>", ctx));
        assertTrue(undefined.getMessage().contains("${nope}"), undefined.getMessage());

        MagicException empty = assertThrows(MagicException.class, () -> cell.get("loadFromPOM").run("", "<project/>", ctx));
        assertTrue(empty.getMessage().contains("declares no <dependency>"), empty.getMessage());

        assertThrows(MagicException.class, () -> run("loadFromPOM", ""));
        assertThrows(MagicException.class, () -> cell.get("loadFromPOM").run("extra", "<dependency/>", ctx));
        assertTrue(ctx.added.isEmpty());
    }

    @Test
    void jarsGlobAndExpressionValue() throws Exception {
        Path lib = Files.createDirectories(ctx.workingDirectory.resolve("lib"));
        Path nested = Files.createDirectories(lib.resolve("more"));
        Files.writeString(lib.resolve("b.jar"), "");
        Files.writeString(lib.resolve("a.jar"), "");
        Files.writeString(lib.resolve("notes.txt"), "");
        Files.writeString(nested.resolve("c.jar"), "");
        ctx.expression = true;
        Object value = run("jars", "lib/*.jar");
        assertEquals(List.of(lib.resolve("a.jar"), lib.resolve("b.jar")), value);
        assertEquals(value, ctx.added);

        ctx.added.clear();
        ctx.expression = false;
        assertNull(run("jars", "lib/**/*.jar"));
        assertEquals(List.of("c.jar"), addedNames());

        ctx.added.clear();
        run("jars", "lib");
        assertEquals(List.of("a.jar", "b.jar"), addedNames(), "a folder stands for its jars");
    }

    @Test
    void jarsBadInput() throws Exception {
        assertThrows(MagicException.class, () -> run("jars", ""));
        MagicException empty = assertThrows(MagicException.class, () -> run("jars", "lib/*.jar"));
        assertTrue(empty.getMessage().startsWith("no jar matches lib/*.jar"), empty.getMessage());
        Files.writeString(ctx.workingDirectory.resolve("x.txt"), "");
        MagicException notJar = assertThrows(MagicException.class, () -> run("jars", "x.txt"));
        assertTrue(notJar.getMessage().startsWith("no jar matches x.txt"), notJar.getMessage());
        assertThrows(MagicException.class, () -> run("jars", "'unclosed"));
        assertTrue(ctx.added.isEmpty());
    }

    @Test
    void classpathAddsFoldersAndJars() throws Exception {
        Path classes = Files.createDirectories(ctx.workingDirectory.resolve("target/classes"));
        Path jar = Files.writeString(ctx.workingDirectory.resolve("x.jar"), "");
        ctx.expression = true;
        assertEquals(List.of(classes, jar), run("classpath", "target/classes:x.jar"));
        MagicException none = assertThrows(MagicException.class, () -> run("classpath", "target/classes nothing/*"));
        assertTrue(none.getMessage().startsWith("no jar or folder matches nothing/*"), none.getMessage());
    }
}
