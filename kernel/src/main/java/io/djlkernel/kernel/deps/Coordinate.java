package io.djlkernel.kernel.deps;

import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Maven coordinate as {@code %maven} accepts it. Forms, split on {@code :}:
 * <ul>
 *   <li>{@code group:artifact:version}</li>
 *   <li>{@code group:artifact:version:classifier} (this kernel's short form, e.g. {@code ...:2.7.1:linux-x86_64})</li>
 *   <li>{@code group:artifact:extension:version} (IJava / Maven Resolver form, e.g. {@code ...:pom:1.0})</li>
 *   <li>{@code group:artifact:extension:classifier:version} (IJava / Maven Resolver form)</li>
 * </ul>
 * Four parts are read as {@code version:classifier} when the third part looks like a version (starts with a digit, is
 * a range such as {@code [1.0,2.0)}, or is {@code LATEST}/{@code RELEASE}); otherwise as {@code extension:version}.
 */
public record Coordinate(String groupId, String artifactId, String extension, String classifier, String version) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]+");
    private static final Set<String> META_VERSIONS = Set.of("LATEST", "RELEASE");

    public Coordinate {
        if (extension == null || extension.isEmpty()) extension = "jar";
        if (classifier == null) classifier = "";
    }

    /** Parses one coordinate; the message of the exception says which forms are accepted. */
    public static Coordinate parse(String text) {
        String s = text.trim();
        String[] p = s.split(":", -1);
        Coordinate c;
        switch (p.length) {
            case 3 -> c = new Coordinate(p[0], p[1], "jar", "", p[2]);
            case 4 -> c = looksLikeVersion(p[2])
                    ? new Coordinate(p[0], p[1], "jar", p[3], p[2])
                    : new Coordinate(p[0], p[1], p[2], "", p[3]);
            case 5 -> c = new Coordinate(p[0], p[1], p[2], p[3], p[4]);
            default -> throw bad(text, "expected 3 to 5 parts separated by ':'");
        }
        check(text, "groupId", c.groupId, false);
        check(text, "artifactId", c.artifactId, false);
        check(text, "extension", c.extension, false);
        check(text, "classifier", c.classifier, true);
        if (c.version.isEmpty() || c.version.chars().anyMatch(Character::isWhitespace)) {
            throw bad(text, "the version is empty");
        }
        return c;
    }

    static boolean looksLikeVersion(String s) {
        if (s.isEmpty()) return false;
        char first = s.charAt(0);
        return Character.isDigit(first) || first == '[' || first == '(' || META_VERSIONS.contains(s.toUpperCase(Locale.ROOT))
                || s.endsWith("-SNAPSHOT");
    }

    private static void check(String text, String what, String value, boolean mayBeEmpty) {
        if (value.isEmpty() && mayBeEmpty) return;
        if (value.isEmpty()) throw bad(text, "the " + what + " is empty");
        if (!NAME.matcher(value).matches()) throw bad(text, "the " + what + " '" + value + "' has characters Maven does not allow");
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("not a Maven coordinate: '" + text + "' (" + why + "); use group:artifact:version, "
                + "group:artifact:version:classifier, group:artifact:extension:version or "
                + "group:artifact:extension:classifier:version");
    }

    /** {@code group:artifact} */
    public String key() {
        return groupId + ":" + artifactId;
    }

    public Artifact toArtifact() {
        return new DefaultArtifact(groupId, artifactId, classifier, extension, version);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(groupId).append(':').append(artifactId).append(':').append(version);
        if (!classifier.isEmpty()) b.append(':').append(classifier);
        if (!"jar".equals(extension)) b.append(" (").append(extension).append(')');
        return b.toString();
    }
}
