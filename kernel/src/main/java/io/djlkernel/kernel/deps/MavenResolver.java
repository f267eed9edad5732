package io.djlkernel.kernel.deps;

import org.eclipse.aether.AbstractRepositoryListener;
import org.eclipse.aether.ConfigurationProperties;
import org.eclipse.aether.RepositoryEvent;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.collection.DependencyCollectionContext;
import org.eclipse.aether.collection.DependencyCollectionException;
import org.eclipse.aether.collection.DependencyManagement;
import org.eclipse.aether.collection.DependencyManager;
import org.eclipse.aether.collection.DependencySelector;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.graph.DependencyNode;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.repository.RepositoryPolicy;
import org.eclipse.aether.resolution.ArtifactDescriptorException;
import org.eclipse.aether.resolution.ArtifactDescriptorRequest;
import org.eclipse.aether.resolution.ArtifactDescriptorResult;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.resolution.DependencyResult;
import org.eclipse.aether.resolution.VersionRangeResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;
import org.eclipse.aether.transfer.AbstractTransferListener;
import org.eclipse.aether.transfer.ArtifactNotFoundException;
import org.eclipse.aether.transfer.ArtifactTransferException;
import org.eclipse.aether.transfer.RepositoryOfflineException;
import org.eclipse.aether.transfer.TransferEvent;
import org.eclipse.aether.transfer.TransferResource;
import org.eclipse.aether.util.filter.DependencyFilterUtils;
import org.eclipse.aether.util.graph.selector.AndDependencySelector;
import org.eclipse.aether.util.repository.SimpleResolutionErrorPolicy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Resolves Maven dependencies with Apache Maven Resolver 2 (Maven 3's POM reading and conflict resolution:
 * nearest wins), honouring Maven's settings (local repository, offline, mirrors, proxies, credentials, profile
 * repositories). One instance lives as long as a kernel session: it remembers the repositories added with
 * {@link #addRepository} and what earlier calls put on the class path, so a later call does not add a second
 * version of the same library.
 */
public final class MavenResolver implements AutoCloseable {
    public static final RemoteRepository CENTRAL = new RemoteRepository.Builder("central", "default",
            "https://repo.maven.apache.org/maven2")
            .setSnapshotPolicy(new RepositoryPolicy(false, RepositoryPolicy.UPDATE_POLICY_DAILY, RepositoryPolicy.CHECKSUM_POLICY_WARN))
            .build();

    private final Path userSettings;
    private final Path globalSettings;
    private final Path localRepositoryOverride;
    private final List<RemoteRepository> baseRepositories;
    private final ProvidedArtifacts provided;
    private final DjlArtifacts djl;
    private final List<RemoteRepository> added = new ArrayList<>();
    /** groupId:artifactId:extension:classifier -> version, for everything earlier calls returned. */
    private final Map<String, String> onClassPath = new LinkedHashMap<>();
    private RepositorySystem system;

    private MavenResolver(Builder b) {
        this.userSettings = b.userSettings;
        this.globalSettings = b.globalSettings;
        this.localRepositoryOverride = b.localRepository;
        this.baseRepositories = List.copyOf(b.repositories);
        this.provided = b.provided;
        this.djl = new DjlArtifacts(b.provided);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings from ~/.m2/settings.xml (and the Maven installation's), Maven Central, the kernel's own libraries. */
    public static MavenResolver createDefault() {
        return builder().build();
    }

    /** What the caller wants resolved: dependencies, managed versions (a POM's dependencyManagement), extra repositories. */
    public record Request(List<Dependency> dependencies, List<Dependency> managed, List<Dependency> boms,
                          List<RemoteRepository> repositories) {
        public Request {
            dependencies = List.copyOf(dependencies);
            managed = List.copyOf(managed);
            boms = List.copyOf(boms);
            repositories = List.copyOf(repositories);
        }

        public static Request of(List<Coordinate> coordinates) {
            return new Request(coordinates.stream().map(c -> new Dependency(c.toArtifact(), "runtime")).toList(),
                    List.of(), List.of(), List.of());
        }
    }

    /**
     * @param files    jars (and zips) to put on the class path, in resolution order; none for what was provided
     * @param notices  one line each: what the kernel or an earlier call already provides
     * @param artifacts every resolved artifact (jars, and poms of pom-typed requests)
     */
    public record Resolution(List<Path> files, List<String> notices, List<Artifact> artifacts) {
    }

    public static final class Builder {
        private Path userSettings = MavenSettings.defaultUserSettings();
        private Path globalSettings = MavenSettings.defaultGlobalSettings();
        private Path localRepository;
        private List<RemoteRepository> repositories = List.of(CENTRAL);
        private ProvidedArtifacts provided;

        /** The user's settings.xml (null: none). */
        public Builder userSettings(Path file) {
            this.userSettings = file;
            return this;
        }

        /** The global settings.xml (null: none). */
        public Builder globalSettings(Path file) {
            this.globalSettings = file;
            return this;
        }

        /** Overrides settings.xml's {@code <localRepository>} (null: use the settings, else ~/.m2/repository). */
        public Builder localRepository(Path folder) {
            this.localRepository = folder;
            return this;
        }

        /** The repositories asked before profile ones and {@code %mavenRepo} ones; default: Maven Central. */
        public Builder repositories(List<RemoteRepository> repos) {
            this.repositories = List.copyOf(repos);
            return this;
        }

        /** What the kernel ships; default: scanned from the kernel jar and the class path. */
        public Builder provided(ProvidedArtifacts provided) {
            this.provided = provided;
            return this;
        }

        public MavenResolver build() {
            if (provided == null) provided = ProvidedArtifacts.ofKernel();
            return new MavenResolver(this);
        }
    }

    /** Adds a repository that later resolutions ask (after Central and profile repositories); replaces one with the same id. */
    public synchronized void addRepository(String id, String url) {
        added.removeIf(r -> r.getId().equals(id));
        added.add(new RemoteRepository.Builder(id, "default", url).build());
    }

    /** The repositories a resolution asks, as configured (before mirrors apply). */
    public synchronized List<RemoteRepository> repositories() throws ResolutionException {
        return declaredRepositories(MavenSettings.load(userSettings, globalSettings), List.of());
    }

    public ProvidedArtifacts provided() {
        return provided;
    }

    public synchronized Resolution resolve(List<Coordinate> coordinates, DownloadListener listener) throws ResolutionException {
        return resolve(Request.of(coordinates), listener);
    }

    /** Resolves all of the request's dependencies together (one graph, one conflict resolution). */
    public synchronized Resolution resolve(Request request, DownloadListener listener) throws ResolutionException {
        DownloadListener progress = listener == null ? DownloadListener.NONE : listener;
        try {
            return doResolve(request, progress);
        } finally {
            progress.finished();
        }
    }

    private Resolution doResolve(Request request, DownloadListener listener) throws ResolutionException {
        // without BOMs the kernel's answers need no settings, repository system or network: d2l's DJL lines
        // are answered at once, also offline
        Triage early = request.boms().isEmpty() ? triage(withManagedVersions(request.dependencies(), request.managed())) : null;
        if (early != null && early.wanted().isEmpty()) return new Resolution(List.of(), early.notices(), List.of());
        MavenSettings settings = MavenSettings.load(userSettings, globalSettings);
        Path localRepo = localRepository(settings);
        List<RemoteRepository> declared = declaredRepositories(settings, request.repositories());
        boolean offline = settings.offline();
        Optional<String> cacheKey = early == null ? Optional.empty() : ResolutionCache.key(early.wanted(),
                request.managed(), declared, localRepo, offline, provided.asMap(), onClassPath);
        if (cacheKey.isPresent()) {
            Optional<Resolution> kept = ResolutionCache.get(ResolutionCache.folder(localRepo), cacheKey.get());
            if (kept.isPresent()) {
                for (Artifact a : kept.get().artifacts()) onClassPath.put(fullKey(a), a.getVersion());
                return kept.get();
            }
        }
        RepositorySystem repoSystem = system();
        SessionBuilderSupplier sessions = new SessionBuilderSupplier(repoSystem);
        Map<String, String> skipped = new ConcurrentHashMap<>();
        Map<String, String> pomProblems = new ConcurrentHashMap<>();
        Map<String, String> refused = new ConcurrentHashMap<>();
        Map<String, String> alignedDependencies = new ConcurrentHashMap<>();
        Set<String> pinned = new HashSet<>();
        DependencySelector selector = AndDependencySelector.newInstance(sessions.getDependencySelector(),
                new AlreadyThereSelector(skipped, refused));
        try (RepositorySystemSession.CloseableSession session = sessions.get()
                .withLocalRepositoryBaseDirectories(localRepo)
                .setOffline(offline)
                .setMirrorSelector(settings.mirrorSelector())
                .setProxySelector(settings.proxySelector())
                .setAuthenticationSelector(settings.authenticationSelector())
                .setDependencySelector(selector)
                .setDependencyManager(new DjlVersionManager(sessions.getDependencyManager(), pinned, alignedDependencies))
                .setSystemProperties(System.getProperties())
                .setConfigProperty(ConfigurationProperties.USER_AGENT, "djl-kernel (Apache Maven Resolver)")
                .setTransferListener(new Transfers(listener))
                .setRepositoryListener(new PomProblems(pomProblems))
                // a notebook retries right after fixing a repository or a typo: never answer from a cached miss
                .setResolutionErrorPolicy(new SimpleResolutionErrorPolicy(false, false))
                .build()) {
            List<RemoteRepository> repos = repoSystem.newResolutionRepositories(session, declared);
            List<Dependency> managed = new ArrayList<>(request.managed());
            for (Dependency bom : request.boms()) managed.addAll(managedBy(repoSystem, session, bom, repos));
            Triage triage = early != null ? early : triage(withManagedVersions(request.dependencies(), managed));
            pinned.addAll(triage.pinned());
            List<String> notices = triage.notices();
            List<Dependency> wanted = triage.wanted();
            if (wanted.isEmpty()) return new Resolution(List.of(), notices, List.of());
            CollectRequest collect = new CollectRequest(wanted, managed, repos);
            DependencyRequest dependencyRequest = new DependencyRequest(collect,
                    DependencyFilterUtils.classpathFilter("compile", "runtime"));
            DependencyResult result;
            try {
                result = repoSystem.resolveDependencies(session, dependencyRequest);
            } catch (DependencyResolutionException e) {
                throw new ResolutionException(describe(e, repos, offline, localRepo), e);
            } catch (RuntimeException e) {
                throw new ResolutionException("Could not resolve " + names(wanted) + ": " + e.getMessage(), e);
            }
            List<Path> files = new ArrayList<>();
            List<Artifact> artifacts = new ArrayList<>();
            for (ArtifactResult r : result.getArtifactResults()) {
                Artifact a = r.getArtifact();
                if (a == null || a.getPath() == null) continue;
                artifacts.add(a);
                String name = a.getPath().getFileName().toString();
                if (name.endsWith(".jar") || name.endsWith(".zip") || Files.isDirectory(a.getPath())) files.add(a.getPath());
            }
            skipped.forEach((k, asked) -> {
                String kernelVersion = provided.version(k);
                if (kernelVersion != null && !kernelVersion.equals(asked)) {
                    notices.add("using the kernel's " + k + " " + kernelVersion + " (asked " + asked + ")");
                } else if (kernelVersion == null) {
                    String earlier = onClassPath.get(k);
                    if (earlier != null && !earlier.equals(asked)) {
                        notices.add("using " + shortKey(k) + " " + earlier + " added earlier (asked " + asked + ")");
                    }
                }
            });
            refused.values().stream().sorted().forEach(notices::add);
            alignedDependencies.forEach((k, asked) -> notices.add(DjlArtifacts.alignedDependencyNotice(k, asked, djl.djlVersion())));
            pomProblems.forEach((artifact, problem) -> notices.add(problem));
            Resolution resolution = new Resolution(files, notices, artifacts);
            cacheKey.ifPresent(key -> ResolutionCache.put(ResolutionCache.folder(localRepo), key, resolution));
            for (Artifact a : artifacts) onClassPath.put(fullKey(a), a.getVersion());
            return resolution;
        }
    }

    /** What the kernel answers itself (its own libraries, DJL's rules, earlier calls) and what is left to resolve. */
    private record Triage(List<String> notices, List<Dependency> wanted, Set<String> pinned) {
    }

    private Triage triage(List<Dependency> direct) {
        Set<String> pinned = new HashSet<>();
        List<String> notices = new ArrayList<>();
        List<String> sameVersion = new ArrayList<>();
        List<Dependency> wanted = new ArrayList<>();
        for (Dependency d : direct) {
            Artifact a = d.getArtifact();
            String refusal = djl.refusal(a);
            if (refusal != null) {
                notices.add(refusal);
                continue;
            }
            String pin = a.getGroupId().startsWith("ai.djl") ? DjlArtifacts.pinnedVersion(a.getVersion()) : null;
            if (pin != null) {
                a = a.setVersion(pin);
                pinned.add(key(a));
                String notice = djl.pinnedNotice(a);
                if (notice != null && kernelVersion(a) == null) notices.add(notice);
            } else {
                String aligned = djl.alignedVersion(a);
                if (aligned != null && kernelVersion(a) == null) {
                    notices.add(DjlArtifacts.alignedNotice(key(a), a.getVersion(), aligned));
                    a = a.setVersion(aligned);
                }
            }
            d = d.setArtifact(a);
            String kernelVersion = kernelVersion(a);
            String earlier = onClassPath.get(fullKey(a));
            if (kernelVersion != null) {
                if (kernelVersion.equals(a.getVersion())) sameVersion.add(key(a) + " " + kernelVersion);
                else notices.add("using the kernel's " + key(a) + " " + kernelVersion + " (asked " + a.getVersion() + ")");
            } else if (earlier != null) {
                if (!earlier.equals(a.getVersion())) {
                    notices.add("using " + key(a) + " " + earlier + " added earlier (asked " + a.getVersion() + ")");
                }
            } else {
                wanted.add(d);
            }
        }
        if (!sameVersion.isEmpty()) notices.add(0, "using the kernel's " + String.join(", ", sameVersion));
        return new Triage(notices, wanted, pinned);
    }

    private static List<Dependency> managedBy(RepositorySystem repoSystem, RepositorySystemSession session, Dependency bom,
                                              List<RemoteRepository> repos) throws ResolutionException {
        Artifact pom = new DefaultArtifact(bom.getArtifact().getGroupId(), bom.getArtifact().getArtifactId(), "", "pom",
                bom.getArtifact().getVersion());
        try {
            ArtifactDescriptorResult result = repoSystem.readArtifactDescriptor(session, new ArtifactDescriptorRequest(pom, repos, null));
            if (!result.getExceptions().isEmpty() && result.getManagedDependencies().isEmpty()) {
                throw new ResolutionException("Could not read the BOM " + artifactName(pom) + " from "
                        + repos.stream().map(MavenResolver::repoName).collect(Collectors.joining(", ")) + ": "
                        + rootCause(result.getExceptions().get(0)).getMessage());
            }
            return result.getManagedDependencies();
        } catch (ArtifactDescriptorException e) {
            throw new ResolutionException("Could not read the BOM " + artifactName(pom) + ": " + rootCause(e).getMessage(), e);
        }
    }

    /** Fills in the versions of direct dependencies that name none, from the managed ones. */
    private static List<Dependency> withManagedVersions(List<Dependency> deps, List<Dependency> managed) throws ResolutionException {
        List<Dependency> out = new ArrayList<>();
        for (Dependency d : deps) {
            Artifact a = d.getArtifact();
            if (a.getVersion().isEmpty()) {
                String version = managed.stream()
                        .filter(m -> key(m.getArtifact()).equals(key(a)) && m.getArtifact().getClassifier().equals(a.getClassifier()))
                        .map(m -> m.getArtifact().getVersion()).findFirst()
                        .orElseThrow(() -> new ResolutionException(key(a) + " has no version, and no dependencyManagement or BOM gives one"));
                d = d.setArtifact(a.setVersion(version));
            }
            out.add(d);
        }
        return out;
    }

    private String kernelVersion(Artifact a) {
        if (!a.getClassifier().isEmpty() || !"jar".equals(a.getExtension())) return null;
        return provided.version(key(a));
    }

    private Path localRepository(MavenSettings settings) {
        if (localRepositoryOverride != null) return localRepositoryOverride;
        String property = System.getProperty("maven.repo.local");
        if (property != null && !property.isBlank()) return Path.of(property);
        Path fromSettings = settings.localRepository();
        if (fromSettings != null) return fromSettings;
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    private List<RemoteRepository> declaredRepositories(MavenSettings settings, List<RemoteRepository> extra) {
        Map<String, RemoteRepository> byId = new LinkedHashMap<>();
        for (RemoteRepository r : baseRepositories) byId.putIfAbsent(r.getId(), r);
        for (RemoteRepository r : settings.profileRepositories()) byId.putIfAbsent(r.getId(), r);
        for (RemoteRepository r : added) byId.put(r.getId(), r);
        for (RemoteRepository r : extra) byId.putIfAbsent(r.getId(), r);
        return new ArrayList<>(byId.values());
    }

    /** Whether this resolver has started Maven Resolver's repository system (a kept answer does not need it). */
    synchronized boolean repositorySystemStarted() {
        return system != null;
    }

    private synchronized RepositorySystem system() {
        if (system == null) {
            quietSlf4j();
            system = new RepositorySystemSupplier().get();
        }
        return system;
    }

    /** Without an SLF4J provider on the class path, SLF4J 2 prints a warning into the first cell that resolves. */
    private static void quietSlf4j() {
        if (System.getProperty("slf4j.internal.verbosity") != null) return;
        try {
            ClassLoader loader = MavenResolver.class.getClassLoader();
            if (!loader.getResources("META-INF/services/org.slf4j.spi.SLF4JServiceProvider").hasMoreElements()) {
                System.setProperty("slf4j.internal.verbosity", "ERROR");
            }
        } catch (java.io.IOException ignored) {
            // leave SLF4J as it is
        }
    }

    @Override
    public synchronized void close() {
        if (system != null) system.shutdown();
        system = null;
    }

    // ---- failures, in the notebook's words

    static String describe(DependencyResolutionException e, List<RemoteRepository> repos, boolean offline, Path localRepo) {
        Set<Throwable> all = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        collect(e, all);
        DependencyResult result = e.getResult();
        if (result != null) {
            result.getCollectExceptions().forEach(x -> collect(x, all));
            for (ArtifactResult r : result.getArtifactResults()) r.getExceptions().forEach(x -> collect(x, all));
        }
        Set<String> missing = new LinkedHashSet<>();
        Map<String, String> unreachable = new LinkedHashMap<>();
        Set<String> offlineMissing = new LinkedHashSet<>();
        List<String> other = new ArrayList<>();
        for (Throwable t : all) {
            if (t instanceof RepositoryOfflineException) continue;
            if (t instanceof ArtifactTransferException ate && ate.getArtifact() != null) {
                String what = artifactName(ate.getArtifact());
                if (offline || hasCause(t, RepositoryOfflineException.class)) {
                    offlineMissing.add(what);
                } else if (t instanceof ArtifactNotFoundException) {
                    String parent = result == null ? null : neededBy(result.getRoot(), ate.getArtifact());
                    missing.add(parent == null ? what : what + " (needed by " + parent + ")");
                } else {
                    Throwable root = rootCause(t);
                    String repo = ate.getRepository() == null ? "a repository" : repoName(ate.getRepository());
                    unreachable.putIfAbsent(repo, root.getClass().getSimpleName() + ": " + root.getMessage());
                }
            } else if (t instanceof VersionRangeResolutionException v) {
                other.add("no version of " + v.getResult().getRequest().getArtifact().getGroupId() + ":"
                        + v.getResult().getRequest().getArtifact().getArtifactId() + " matches "
                        + v.getResult().getRequest().getArtifact().getVersion());
            } else if (t instanceof ArtifactDescriptorException d && !hasCause(d, ArtifactTransferException.class)
                    && !hasCause(d, ArtifactResolutionException.class)) {
                other.add("the POM of " + artifactName(d.getResult().getRequest().getArtifact()) + " is invalid: "
                        + rootCause(d).getMessage());
            }
        }
        String asked = repos.stream().map(MavenResolver::repoName).collect(Collectors.joining(", "));
        List<String> lines = new ArrayList<>();
        if (!offlineMissing.isEmpty()) {
            lines.add("Maven is offline (<offline>true</offline> in settings.xml) and the local repository " + localRepo
                    + " does not hold " + String.join(", ", offlineMissing));
        }
        if (!missing.isEmpty()) {
            lines.add("Could not find " + String.join(", ", missing) + " in " + (asked.isEmpty() ? "any repository (none configured)" : asked));
        }
        unreachable.forEach((repo, why) -> lines.add("Could not reach " + repo + ": " + why));
        lines.addAll(new LinkedHashSet<>(other));
        if (lines.isEmpty()) {
            Throwable root = rootCause(e);
            lines.add("Could not resolve dependencies: " + root.getMessage() + " (repositories: " + asked + ")");
        }
        return String.join("\n", lines);
    }

    /** The artifact that depends on {@code missing} in the graph, or null when it was asked directly. */
    private static String neededBy(DependencyNode root, Artifact missing) {
        if (root == null) return null;
        java.util.ArrayDeque<DependencyNode> todo = new java.util.ArrayDeque<>();
        todo.add(root);
        Set<DependencyNode> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        while (!todo.isEmpty()) {
            DependencyNode node = todo.poll();
            if (!seen.add(node)) continue;
            for (DependencyNode child : node.getChildren()) {
                Artifact a = child.getArtifact();
                if (a != null && fullKey(a).equals(fullKey(missing)) && a.getVersion().equals(missing.getVersion())) {
                    return node.getArtifact() == null ? null : artifactName(node.getArtifact());
                }
                todo.add(child);
            }
        }
        return null;
    }

    private static void collect(Throwable t, Set<Throwable> into) {
        while (t != null && into.add(t)) {
            if (t instanceof DependencyCollectionException dce && dce.getResult() != null) {
                dce.getResult().getExceptions().forEach(x -> collect(x, into));
            }
            if (t instanceof ArtifactResolutionException are && are.getResults() != null) {
                for (ArtifactResult r : are.getResults()) r.getExceptions().forEach(x -> collect(x, into));
            }
            for (Throwable s : t.getSuppressed()) collect(s, into);
            t = t.getCause();
        }
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) if (type.isInstance(c)) return true;
        return false;
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root;
    }

    static String repoName(RemoteRepository r) {
        String name = r.getId() + " (" + r.getUrl() + ")";
        if (!r.getMirroredRepositories().isEmpty()) {
            name += " as mirror of " + r.getMirroredRepositories().stream().map(RemoteRepository::getId).collect(Collectors.joining(", "));
        }
        return name;
    }

    private static String artifactName(Artifact a) {
        StringBuilder b = new StringBuilder(a.getGroupId()).append(':').append(a.getArtifactId()).append(':').append(a.getVersion());
        if (!a.getClassifier().isEmpty()) b.append(':').append(a.getClassifier());
        if (!"jar".equals(a.getExtension())) b.append(" (").append(a.getExtension()).append(')');
        return b.toString();
    }

    private static String names(Collection<Dependency> deps) {
        return deps.stream().map(d -> artifactName(d.getArtifact())).collect(Collectors.joining(", "));
    }

    private static String key(Artifact a) {
        return a.getGroupId() + ":" + a.getArtifactId();
    }

    private static String fullKey(Artifact a) {
        return a.getGroupId() + ":" + a.getArtifactId() + ":" + a.getExtension() + ":" + a.getClassifier();
    }

    private static String shortKey(String fullKey) {
        String[] p = fullKey.split(":", -1);
        return p.length < 2 ? fullKey : p[0] + ":" + p[1] + (p.length > 3 && !p[3].isEmpty() ? ":" + p[3] : "");
    }

    /**
     * Leaves out of the graph what the kernel ships and what an earlier call put on the class path, with the
     * subtree under it (it came with it), and records what was asked for the notices.
     */
    private final class AlreadyThereSelector implements DependencySelector {
        private final Map<String, String> skipped;
        private final Map<String, String> refused;

        AlreadyThereSelector(Map<String, String> skipped, Map<String, String> refused) {
            this.skipped = skipped;
            this.refused = refused;
        }

        @Override
        public boolean selectDependency(Dependency dependency) {
            Artifact a = dependency.getArtifact();
            String refusal = djl.refusal(a);
            if (refusal != null) {
                refused.putIfAbsent(key(a), refusal);
                return false;
            }
            if (kernelVersion(a) != null) {
                skipped.putIfAbsent(key(a), a.getVersion());
                return false;
            }
            if (onClassPath.containsKey(fullKey(a))) {
                skipped.putIfAbsent(fullKey(a), a.getVersion());
                return false;
            }
            return true;
        }

        @Override
        public DependencySelector deriveChildSelector(DependencyCollectionContext context) {
            return this;
        }
    }

    /**
     * Moves DJL libraries that dependencies ask at another DJL version to the kernel's, so that everything added is
     * compiled against the DJL API that is loaded; the user's {@code <dependencyManagement>} and pinned
     * ({@code [v]}) versions win. Applies at every depth (Maven's own manager starts below the direct ones, which
     * {@link #doResolve} aligned already).
     */
    private final class DjlVersionManager implements DependencyManager {
        private final DependencyManager delegate;
        private final Set<String> pinned;
        private final Map<String, String> aligned;

        DjlVersionManager(DependencyManager delegate, Set<String> pinned, Map<String, String> aligned) {
            this.delegate = delegate;
            this.pinned = pinned;
            this.aligned = aligned;
        }

        @Override
        public DependencyManagement manageDependency(Dependency dependency) {
            DependencyManagement management = delegate == null ? null : delegate.manageDependency(dependency);
            if (management != null && management.getVersion() != null) return management;
            Artifact a = dependency.getArtifact();
            if (pinned.contains(key(a))) return management;
            String version = djl.alignedVersion(a);
            if (version == null) return management;
            aligned.putIfAbsent(key(a), a.getVersion());
            return (management == null ? new DependencyManagement() : management).setVersion(version);
        }

        @Override
        public DependencyManager deriveChildManager(DependencyCollectionContext context) {
            DependencyManager child = delegate == null ? null : delegate.deriveChildManager(context);
            return child == delegate ? this : new DjlVersionManager(child, pinned, aligned);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DjlVersionManager other && Objects.equals(delegate, other.delegate) && pinned.equals(other.pinned);
        }

        @Override
        public int hashCode() {
            return Objects.hash(delegate, pinned);
        }
    }

    /** Maven goes on without the dependencies of an artifact whose POM is missing or invalid: say so. */
    private static final class PomProblems extends AbstractRepositoryListener {
        private final Map<String, String> problems;

        PomProblems(Map<String, String> problems) {
            this.problems = problems;
        }

        @Override
        public void artifactDescriptorInvalid(RepositoryEvent event) {
            Throwable cause = event.getException() == null ? null : rootCause(event.getException());
            problems.putIfAbsent(artifactName(event.getArtifact()), "warning: the POM of " + artifactName(event.getArtifact())
                    + " is invalid, its dependencies are not added" + (cause == null ? "" : " (" + firstLine(cause.getMessage()) + ")"));
        }

        @Override
        public void artifactDescriptorMissing(RepositoryEvent event) {
            problems.putIfAbsent(artifactName(event.getArtifact()), "warning: " + artifactName(event.getArtifact())
                    + " has no POM, its dependencies (if any) are not added");
        }

        private static String firstLine(String s) {
            if (s == null) return "";
            int nl = s.indexOf('\n');
            return nl < 0 ? s : s.substring(0, nl);
        }
    }

    /** Resolver transfer events to {@link DownloadListener}: downloads only, checksums and signatures left out. */
    private static final class Transfers extends AbstractTransferListener {
        private final DownloadListener listener;

        Transfers(DownloadListener listener) {
            this.listener = Objects.requireNonNull(listener);
        }

        private static boolean shown(TransferEvent event) {
            if (event.getRequestType() != TransferEvent.RequestType.GET) return false;
            String name = event.getResource().getResourceName();
            return !(name.endsWith(".sha1") || name.endsWith(".md5") || name.endsWith(".sha256")
                    || name.endsWith(".sha512") || name.endsWith(".asc"));
        }

        private static String id(TransferResource r) {
            String base = r.getRepositoryUrl();
            return base.endsWith("/") ? base + r.getResourceName() : base + "/" + r.getResourceName();
        }

        @Override
        public void transferStarted(TransferEvent event) {
            if (!shown(event)) return;
            TransferResource r = event.getResource();
            listener.started(id(r), r.getRepositoryId(), r.getContentLength());
        }

        @Override
        public void transferProgressed(TransferEvent event) {
            if (!shown(event)) return;
            listener.progressed(id(event.getResource()), event.getTransferredBytes(), event.getResource().getContentLength());
        }

        @Override
        public void transferSucceeded(TransferEvent event) {
            if (!shown(event)) return;
            listener.done(id(event.getResource()), event.getTransferredBytes(), null);
        }

        @Override
        public void transferFailed(TransferEvent event) {
            if (!shown(event)) return;
            listener.done(id(event.getResource()), event.getTransferredBytes(), event.getException());
        }

        @Override
        public void transferCorrupted(TransferEvent event) {
            // the resolver retries or fails the transfer; transferFailed reports the end
        }
    }
}
