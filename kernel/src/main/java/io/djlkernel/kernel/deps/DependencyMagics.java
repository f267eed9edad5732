package io.djlkernel.kernel.deps;

import io.djlkernel.api.magic.MagicArgs;
import io.djlkernel.api.magic.MagicContext;
import io.djlkernel.api.magic.MagicException;
import io.djlkernel.api.magic.MagicRegistry;
import org.eclipse.aether.repository.RemoteRepository;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The dependency magics: {@code %maven}, {@code %mavenRepo}, {@code %loadFromPOM} / {@code %%loadFromPOM},
 * {@code %jars}, {@code %classpath}. IJava-compatible. Used as an expression ({@code var jars = %jars lib/*.jar}),
 * {@code %maven}, {@code %loadFromPOM}, {@code %jars} and {@code %classpath} return the {@code List<Path>} they
 * added; used as a statement they return nothing. Notices ("using the kernel's ...") and the download
 * progress go to the cell's output.
 */
public final class DependencyMagics {
    static final String MAVEN_USAGE = """
            %maven COORDINATE...
              Resolves Maven artifacts with their dependencies (all coordinates together, one conflict resolution:
              nearest wins) and adds the jars to the class path. Forms of COORDINATE:
                group:artifact:version
                group:artifact:version:classifier           e.g. ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64
                group:artifact:extension:version            (IJava) e.g. org.example:bom:pom:1.0
                group:artifact:extension:classifier:version (IJava)
              Four parts are version:classifier when the third part starts with a digit (or is a range [1,2),
              LATEST or RELEASE), else extension:version. Versions may be ranges.
              Repositories: Maven Central, repositories of active profiles in ~/.m2/settings.xml, and %mavenRepo ones.
              ~/.m2/settings.xml applies: localRepository, offline, mirrors, proxies, servers.
              Libraries the kernel ships are not added again: the kernel's version is used, with a notice. That
              includes DJL (ai.djl:api, ai.djl.pytorch:pytorch-engine, pytorch-jni, the natives) and its libraries.
              DJL: ai.djl.pytorch:pytorch-native-* and ai.djl.mxnet:* (MXNet engine, natives) are not added, with
              one line each: the kernel runs DJL on its own libtorch. Other DJL libraries (ai.djl:basicdataset,
              model-zoo, ai.djl.huggingface:tokenizers, ...) resolve at the kernel's DJL version so they match the
              loaded API, also when a dependency asks another; pin a version with Maven's exact-version syntax:
                %maven ai.djl:basicdataset:[0.23.0]
              As an expression (var jars = %maven g:a:v) it returns the List<Path> of jars added.
              A request with fixed versions (no SNAPSHOT, range, LATEST or RELEASE) is answered from the last
              resolution of the same request (kept in the local repository's .djl-kernel-resolutions folder) while
              every jar it named is still there: a fresh kernel then skips Maven Resolver's second of start-up.""";
    static final String MAVEN_REPO_USAGE = """
            %mavenRepo ID URL
              Adds a Maven repository that later %maven and %loadFromPOM calls ask (after Maven Central).
              URL: http(s)://..., file:///..., or a folder (relative to the notebook's folder).
              An ID already added is replaced; a mirror or server of that ID in ~/.m2/settings.xml applies.""";
    static final String LOAD_FROM_POM_USAGE = """
            %loadFromPOM FILE
            %%loadFromPOM
            <dependency>...</dependency>
              Resolves the dependencies of a POM: a whole pom.xml, a fragment (<dependencies>, <repositories>,
              <properties>, <dependencyManagement>), or loose <dependency> elements. Honours <repositories> (also kept
              for later calls), <properties> with ${...}, <exclusions>, <dependencyManagement> and import-scoped BOMs.
              Test-scoped dependencies are skipped; <parent> and profiles are not read.
              FILE is relative to the notebook's folder. As an expression it returns the List<Path> of jars added.""";
    static final String JARS_USAGE = """
            %jars PATTERN...
              Adds jar files to the class path. PATTERN is a path or glob relative to the notebook's folder
              (lib/*.jar, lib/**/*.jar, ~/jars/x.jar); a folder stands for the jars in it. A pattern that matches
              no jar is an error. As an expression (var jars = %jars lib/*.jar) it returns the List<Path> added.""";
    static final String CLASSPATH_USAGE = """
            %classpath PATTERN...
              Adds jar files and class folders to the class path. PATTERN is a path or glob relative to the
              notebook's folder; several may be given, separated by spaces or ':'. A pattern that matches nothing
              is an error. As an expression it returns the List<Path> added.""";

    private final MavenResolver resolver;
    private final Function<MagicContext, DownloadListener> progress;

    /**
     * @param progress a download listener per call (the kernel's: a {@link ProgressBar} on the cell's display)
     */
    DependencyMagics(MavenResolver resolver, Function<MagicContext, DownloadListener> progress) {
        this.resolver = Objects.requireNonNull(resolver);
        this.progress = Objects.requireNonNull(progress);
    }

    /**
     * Registers the five magics with a resolver for the whole kernel session (Maven Central, ~/.m2/settings.xml,
     * the kernel's own libraries as provided). Call once per kernel; {@link #resolver()} is what to close at shutdown.
     */
    /** What %maven, %loadFromPOM, %jars and %classpath give when used as values. */
    private static final String PATHS = "java.util.List<java.nio.file.Path>";

    public static DependencyMagics registerAll(MagicRegistry registry) {
        return registerAll(registry, MavenResolver.createDefault());
    }

    /** Registers the five magics using {@code resolver} (tests pass one on a local fixture). */
    public static DependencyMagics registerAll(MagicRegistry registry, MavenResolver resolver) {
        DependencyMagics magics = new DependencyMagics(resolver, ctx -> ProgressBar.toDisplay(System.out));
        magics.register(registry);
        return magics;
    }

    static DependencyMagics registerAll(MagicRegistry registry, MavenResolver resolver,
                                        Function<MagicContext, DownloadListener> progress) {
        DependencyMagics magics = new DependencyMagics(resolver, progress);
        magics.register(registry);
        return magics;
    }

    public MavenResolver resolver() {
        return resolver;
    }

    private void register(MagicRegistry registry) {
        registry.registerLine("maven", "resolve Maven artifacts (with dependencies) and add them to the class path",
                MAVEN_USAGE, PATHS, (args, ctx) -> maven(args, ctx));
        registry.registerLine("mavenRepo", "add a Maven repository for later %maven calls", MAVEN_REPO_USAGE,
                (args, ctx) -> mavenRepo(args, ctx));
        registry.registerLine("loadFromPOM", "resolve the dependencies of a pom.xml file", LOAD_FROM_POM_USAGE, PATHS,
                (args, ctx) -> loadFromPomFile(args, ctx));
        registry.registerCell("loadFromPOM", "resolve the dependencies the cell declares (POM XML)", LOAD_FROM_POM_USAGE,
                (args, body, ctx) -> loadFromPomCell(args, body, ctx));
        registry.registerLine("jars", "add jar files (globs) to the class path", JARS_USAGE, PATHS, (args, ctx) -> jars(args, ctx));
        registry.registerLine("classpath", "add jars and class folders (globs) to the class path", CLASSPATH_USAGE, PATHS,
                (args, ctx) -> classpath(args, ctx));
    }

    Object maven(String args, MagicContext ctx) throws MagicException {
        List<String> words = words(args);
        if (words.isEmpty()) throw new MagicException("%maven needs at least one coordinate, e.g. %maven com.google.guava:guava:33.4.0-jre");
        List<Coordinate> coordinates = new ArrayList<>();
        for (String w : words) {
            try {
                coordinates.add(Coordinate.parse(w));
            } catch (IllegalArgumentException e) {
                throw new MagicException(e.getMessage());
            }
        }
        MavenResolver.Resolution resolution = resolver.resolve(coordinates, progress.apply(ctx));
        return finish(resolution, List.of(), ctx);
    }

    Object mavenRepo(String args, MagicContext ctx) throws MagicException {
        List<String> words = words(args);
        if (words.size() != 2) throw new MagicException("%mavenRepo needs an id and a url, e.g. %mavenRepo jitpack https://jitpack.io");
        String id = words.get(0);
        if (!id.matches("[A-Za-z0-9_.\\-]+")) throw new MagicException("not a repository id: '" + id + "' (letters, digits, . _ - only)");
        String url = words.get(1);
        if (!url.matches("[A-Za-z][A-Za-z0-9+.-]*://.*")) {
            Path folder = ctx.workingDirectory().resolve(url).normalize();
            if (!Files.isDirectory(folder)) {
                throw new MagicException("not a repository URL or folder: '" + url + "' (use http(s)://..., file:///... or an existing folder)");
            }
            url = folder.toUri().toString();
        } else {
            String scheme = url.substring(0, url.indexOf(':')).toLowerCase(java.util.Locale.ROOT);
            if (!List.of("http", "https", "file").contains(scheme)) {
                throw new MagicException("unsupported repository URL scheme '" + scheme + "' in " + url + " (use http, https or file)");
            }
        }
        resolver.addRepository(id, url);
        return null;
    }

    Object loadFromPomFile(String args, MagicContext ctx) throws MagicException {
        List<String> words = words(args);
        if (words.size() != 1) throw new MagicException("%loadFromPOM needs one file, e.g. %loadFromPOM pom.xml");
        Path file = ctx.workingDirectory().resolve(expandHome(words.get(0))).normalize();
        String xml;
        try {
            xml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new MagicException("no such file: " + file);
        } catch (IOException e) {
            throw new MagicException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return loadFromPom(xml, file.toString(), ctx);
    }

    Object loadFromPomCell(String args, String body, MagicContext ctx) throws MagicException {
        if (!words(args).isEmpty()) throw new MagicException("%%loadFromPOM takes no arguments: put the POM XML in the cell");
        return loadFromPom(body, "the cell", ctx);
    }

    private Object loadFromPom(String xml, String source, MagicContext ctx) throws MagicException {
        PomDependencies.Result pom;
        try {
            pom = PomDependencies.parse(xml, source);
        } catch (IllegalArgumentException e) {
            throw new MagicException(e.getMessage());
        }
        List<Path> systemJars = new ArrayList<>();
        for (Path p : pom.systemPaths()) {
            Path resolved = ctx.workingDirectory().resolve(p).normalize();
            if (!Files.exists(resolved)) throw new MagicException("the <systemPath> " + p + " does not exist");
            systemJars.add(resolved);
        }
        for (RemoteRepository r : pom.repositories()) resolver.addRepository(r.getId(), r.getUrl());
        PrintStream out = System.out;
        pom.skipped().forEach(out::println);
        MavenResolver.Resolution resolution = pom.dependencies().isEmpty()
                ? new MavenResolver.Resolution(List.of(), List.of(), List.of())
                : resolver.resolve(new MavenResolver.Request(pom.dependencies(), pom.managed(), pom.boms(), pom.repositories()),
                        progress.apply(ctx));
        return finish(resolution, systemJars, ctx);
    }

    Object jars(String args, MagicContext ctx) throws MagicException {
        List<String> words = words(args);
        if (words.isEmpty()) throw new MagicException("%jars needs a jar or a glob, e.g. %jars lib/*.jar");
        try {
            return added(ClasspathGlobs.jars(expandHome(words), ctx.workingDirectory()), ctx);
        } catch (IllegalArgumentException e) {
            throw new MagicException(e.getMessage());
        }
    }

    Object classpath(String args, MagicContext ctx) throws MagicException {
        List<String> words = words(args);
        if (words.isEmpty()) throw new MagicException("%classpath needs a jar, a folder or a glob, e.g. %classpath target/classes");
        try {
            return added(ClasspathGlobs.classpath(expandHome(words), ctx.workingDirectory()), ctx);
        } catch (IllegalArgumentException e) {
            throw new MagicException(e.getMessage());
        }
    }

    private Object finish(MavenResolver.Resolution resolution, List<Path> extra, MagicContext ctx) {
        PrintStream out = System.out;
        resolution.notices().forEach(out::println);
        List<Path> all = new ArrayList<>(extra);
        all.addAll(resolution.files());
        return added(all, ctx);
    }

    private static Object added(List<Path> paths, MagicContext ctx) {
        if (!paths.isEmpty()) ctx.addToClasspath(List.copyOf(paths));
        return ctx.isExpression() ? List.copyOf(paths) : null;
    }

    private static List<String> words(String args) throws MagicException {
        try {
            return MagicArgs.split(args == null ? "" : args);
        } catch (IllegalArgumentException e) {
            throw new MagicException(e.getMessage());
        }
    }

    private static List<String> expandHome(List<String> words) {
        return words.stream().map(DependencyMagics::expandHome).toList();
    }

    private static String expandHome(String word) {
        if (word.equals("~") || word.startsWith("~/")) return System.getProperty("user.home") + word.substring(1);
        return word;
    }
}
