package io.djlkernel.kernel.deps;

import org.apache.maven.settings.Mirror;
import org.apache.maven.settings.Profile;
import org.apache.maven.settings.Repository;
import org.apache.maven.settings.RepositoryPolicy;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.DefaultSettingsBuilderFactory;
import org.apache.maven.settings.building.DefaultSettingsBuildingRequest;
import org.apache.maven.settings.building.SettingsBuildingException;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecrypter;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;
import org.eclipse.aether.repository.Authentication;
import org.eclipse.aether.repository.AuthenticationSelector;
import org.eclipse.aether.repository.MirrorSelector;
import org.eclipse.aether.repository.Proxy;
import org.eclipse.aether.repository.ProxySelector;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.util.repository.AuthenticationBuilder;
import org.eclipse.aether.util.repository.DefaultAuthenticationSelector;
import org.eclipse.aether.util.repository.DefaultMirrorSelector;
import org.eclipse.aether.util.repository.DefaultProxySelector;
import org.sonatype.plexus.components.cipher.DefaultPlexusCipher;
import org.sonatype.plexus.components.sec.dispatcher.DefaultSecDispatcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Maven's settings as {@code mvn} reads them: the global {@code conf/settings.xml} of the Maven installation
 * ({@code MAVEN_HOME}, {@code M2_HOME} or {@code maven.home}) merged with the user's {@code ~/.m2/settings.xml}.
 * Gives the local repository, offline mode, mirrors, proxies, server credentials (decrypted with
 * {@code ~/.m2/settings-security.xml} when encrypted) and the repositories of active profiles.
 */
public final class MavenSettings {
    private final Settings settings;
    private final Path userFile;

    private MavenSettings(Settings settings, Path userFile) {
        this.settings = settings;
        this.userFile = userFile;
    }

    /** Reads the settings; a file that does not exist counts as empty. */
    public static MavenSettings load(Path userSettings, Path globalSettings) throws ResolutionException {
        DefaultSettingsBuildingRequest request = new DefaultSettingsBuildingRequest();
        if (userSettings != null) request.setUserSettingsFile(userSettings.toFile());
        if (globalSettings != null) request.setGlobalSettingsFile(globalSettings.toFile());
        Properties system = new Properties();
        system.putAll(System.getProperties());
        System.getenv().forEach((k, v) -> system.setProperty("env." + k, v));
        request.setSystemProperties(system);
        Settings settings;
        try {
            settings = new DefaultSettingsBuilderFactory().newInstance().build(request).getEffectiveSettings();
        } catch (SettingsBuildingException e) {
            String problems = e.getProblems().stream()
                    .filter(p -> p.getSeverity() != SettingsProblem.Severity.WARNING)
                    .map(p -> p.getMessage() + (p.getSource().isEmpty() ? "" : " (" + p.getSource()
                            + (p.getLineNumber() > 0 ? ", line " + p.getLineNumber() : "") + ")"))
                    .collect(Collectors.joining("; "));
            throw new ResolutionException("Could not read Maven settings: " + problems, e);
        }
        decrypt(settings);
        return new MavenSettings(settings, userSettings);
    }

    /** {@code ~/.m2/settings.xml} and the Maven installation's global settings, when present. */
    public static MavenSettings loadDefault() throws ResolutionException {
        return load(defaultUserSettings(), defaultGlobalSettings());
    }

    public static Path defaultUserSettings() {
        return Path.of(System.getProperty("user.home"), ".m2", "settings.xml");
    }

    public static Path defaultGlobalSettings() {
        for (String home : new String[] {System.getProperty("maven.home"), System.getenv("MAVEN_HOME"), System.getenv("M2_HOME")}) {
            if (home == null || home.isBlank()) continue;
            Path file = Path.of(home, "conf", "settings.xml");
            if (Files.isRegularFile(file)) return file;
        }
        return null;
    }

    private static void decrypt(Settings settings) {
        boolean encrypted = settings.getServers().stream().anyMatch(s -> isEncrypted(s.getPassword()) || isEncrypted(s.getPassphrase()))
                || settings.getProxies().stream().anyMatch(p -> isEncrypted(p.getPassword()));
        if (!encrypted) return;
        String security = System.getProperty("settings.security",
                Path.of(System.getProperty("user.home"), ".m2", "settings-security.xml").toString());
        try {
            DefaultSettingsDecrypter decrypter = new DefaultSettingsDecrypter(
                    new DefaultSecDispatcher(new DefaultPlexusCipher(), Map.of(), security));
            SettingsDecryptionResult result = decrypter.decrypt(new DefaultSettingsDecryptionRequest(settings));
            settings.setServers(result.getServers());
            settings.setProxies(result.getProxies());
        } catch (RuntimeException e) {
            // leave the values as written: the repository will answer 401, which names the server
        }
    }

    private static boolean isEncrypted(String value) {
        return value != null && value.trim().startsWith("{") && value.trim().endsWith("}");
    }

    /** {@code <localRepository>}, or null when the settings do not name one. */
    public Path localRepository() {
        String local = settings.getLocalRepository();
        return local == null || local.isBlank() ? null : Path.of(local.trim());
    }

    public boolean offline() {
        return settings.isOffline();
    }

    public Path userFile() {
        return userFile;
    }

    public MirrorSelector mirrorSelector() {
        DefaultMirrorSelector selector = new DefaultMirrorSelector();
        for (Mirror m : settings.getMirrors()) {
            selector.add(m.getId(), m.getUrl(), m.getLayout(), false, m.isBlocked(), m.getMirrorOf(), m.getMirrorOfLayouts());
        }
        return selector;
    }

    public ProxySelector proxySelector() {
        DefaultProxySelector selector = new DefaultProxySelector();
        for (org.apache.maven.settings.Proxy p : settings.getProxies()) {
            if (!p.isActive()) continue;
            Authentication auth = p.getUsername() == null ? null
                    : new AuthenticationBuilder().addUsername(p.getUsername()).addPassword(p.getPassword()).build();
            // Maven's <protocol> is the proxy's own protocol; one proxy entry serves http and https repositories
            selector.add(new Proxy(p.getProtocol(), p.getHost(), p.getPort(), auth), p.getNonProxyHosts());
            if ("http".equalsIgnoreCase(p.getProtocol()) && settings.getProxies().stream().noneMatch(
                    o -> o.isActive() && "https".equalsIgnoreCase(o.getProtocol()))) {
                selector.add(new Proxy("https", p.getHost(), p.getPort(), auth), p.getNonProxyHosts());
            }
        }
        return selector;
    }

    public AuthenticationSelector authenticationSelector() {
        DefaultAuthenticationSelector selector = new DefaultAuthenticationSelector();
        for (Server s : settings.getServers()) {
            AuthenticationBuilder auth = new AuthenticationBuilder();
            if (s.getUsername() != null) auth.addUsername(s.getUsername());
            if (s.getPassword() != null) auth.addPassword(s.getPassword());
            if (s.getPrivateKey() != null) auth.addPrivateKey(s.getPrivateKey(), s.getPassphrase());
            selector.add(s.getId(), auth.build());
        }
        return selector;
    }

    /** Repositories of the profiles that {@code <activeProfiles>} names or that are active by default. */
    public List<RemoteRepository> profileRepositories() {
        List<RemoteRepository> repos = new ArrayList<>();
        List<String> active = settings.getActiveProfiles();
        for (Profile profile : settings.getProfiles()) {
            boolean on = active.contains(profile.getId())
                    || (profile.getActivation() != null && profile.getActivation().isActiveByDefault());
            if (!on) continue;
            for (Repository r : profile.getRepositories()) {
                RemoteRepository.Builder b = new RemoteRepository.Builder(r.getId(),
                        r.getLayout() == null ? "default" : r.getLayout(), r.getUrl());
                b.setReleasePolicy(policy(r.getReleases()));
                b.setSnapshotPolicy(policy(r.getSnapshots()));
                repos.add(b.build());
            }
        }
        return repos;
    }

    private static org.eclipse.aether.repository.RepositoryPolicy policy(RepositoryPolicy p) {
        if (p == null) return new org.eclipse.aether.repository.RepositoryPolicy();
        return new org.eclipse.aether.repository.RepositoryPolicy(p.isEnabled(),
                p.getUpdatePolicy() == null ? org.eclipse.aether.repository.RepositoryPolicy.UPDATE_POLICY_DAILY : p.getUpdatePolicy(),
                p.getChecksumPolicy() == null ? org.eclipse.aether.repository.RepositoryPolicy.CHECKSUM_POLICY_WARN : p.getChecksumPolicy());
    }
}
