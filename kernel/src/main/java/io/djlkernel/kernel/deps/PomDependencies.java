package io.djlkernel.kernel.deps;

import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.graph.Exclusion;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.repository.RepositoryPolicy;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXParseException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dependencies of a POM, a POM fragment or loose {@code <dependency>} elements, as {@code %loadFromPOM} and
 * {@code %%loadFromPOM} take them. Read with the JDK's XML parser (no Maven model builder): {@code <dependencies>},
 * {@code <dependencyManagement>} (versions, and {@code import}-scoped BOMs), {@code <repositories>},
 * {@code <properties>} with {@code ${...}} (also {@code project.*}, system properties and {@code env.*}).
 * Not read: {@code <parent>} inheritance and profiles. Test-scoped dependencies are left out; a
 * {@code system}-scoped one contributes its {@code <systemPath>}.
 */
public final class PomDependencies {
    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");
    private static final Pattern XML_DECL = Pattern.compile("^\\s*<\\?xml[^>]*\\?>");
    private static final Pattern DOCTYPE = Pattern.compile("<!DOCTYPE[^>]*>");

    /**
     * @param dependencies    to resolve, in order
     * @param managed         dependencyManagement entries (not imports)
     * @param boms            import-scoped dependencyManagement entries (their managed dependencies apply)
     * @param repositories    the {@code <repositories>} of the POM
     * @param systemPaths     files of system-scoped dependencies
     * @param skipped         one line each for what was left out (test scope)
     */
    public record Result(List<Dependency> dependencies, List<Dependency> managed, List<Dependency> boms,
                         List<RemoteRepository> repositories, List<Path> systemPaths, List<String> skipped) {
    }

    private PomDependencies() {
    }

    /** Parses {@code xml}; {@code source} names it in messages (a file name, or "the cell"). */
    public static Result parse(String xml, String source) throws IllegalArgumentException {
        String body = XML_DECL.matcher(xml).replaceFirst("");
        body = DOCTYPE.matcher(body).replaceAll("");
        if (body.isBlank()) throw new IllegalArgumentException(source + " holds no XML");
        Document doc;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(false);
            factory.setExpandEntityReferences(false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            doc = builder.parse(new InputSource(new StringReader("<djl-kernel-pom>" + body + "</djl-kernel-pom>")));
        } catch (SAXParseException e) {
            throw new IllegalArgumentException("malformed POM in " + source + " (line " + e.getLineNumber() + "): " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalArgumentException("malformed POM in " + source + ": " + e.getMessage(), e);
        }
        Element wrapper = doc.getDocumentElement();
        List<Element> tops = children(wrapper, null);
        if (tops.isEmpty()) throw new IllegalArgumentException(source + " holds no elements");
        // the element that plays the <project>: a real <project>, or the wrapper around a fragment
        Element project = tops.size() == 1 && name(tops.get(0)).equals("project") ? tops.get(0) : wrapper;

        Map<String, String> props = new HashMap<>();
        for (Element p : children(project, "properties")) {
            for (Element e : children(p, null)) props.put(name(e), text(e));
        }
        putProject(props, project);

        List<Dependency> deps = new ArrayList<>();
        List<Dependency> managed = new ArrayList<>();
        List<Dependency> boms = new ArrayList<>();
        List<Path> systemPaths = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Element dm : children(project, "dependencyManagement")) {
            for (Element ds : children(dm, "dependencies")) {
                for (Element d : children(ds, "dependency")) {
                    Dependency dep = dependency(d, props, Map.of(), source, true);
                    if ("import".equals(dep.getScope())) boms.add(dep);
                    else managed.add(dep);
                }
            }
        }
        Map<String, String> managedVersions = new HashMap<>();
        for (Dependency m : managed) {
            managedVersions.putIfAbsent(m.getArtifact().getGroupId() + ":" + m.getArtifact().getArtifactId(), m.getArtifact().getVersion());
        }
        List<Element> dependencyElements = new ArrayList<>(children(project, "dependency"));
        for (Element ds : children(project, "dependencies")) dependencyElements.addAll(children(ds, "dependency"));
        for (Element d : dependencyElements) {
            String scope = text(child(d, "scope"));
            if ("test".equals(scope)) {
                skipped.add("skipped " + text(child(d, "groupId")) + ":" + text(child(d, "artifactId")) + " (scope test)");
                continue;
            }
            if ("system".equals(scope)) {
                String path = interpolate(text(child(d, "systemPath")), props, source);
                if (path.isEmpty()) throw new IllegalArgumentException("a system-scoped dependency in " + source + " has no <systemPath>");
                systemPaths.add(Path.of(path));
                continue;
            }
            deps.add(dependency(d, props, managedVersions, source, !boms.isEmpty()));
        }

        List<Element> repoElements = new ArrayList<>(children(project, "repository"));
        for (Element rs : children(project, "repositories")) repoElements.addAll(children(rs, "repository"));
        List<RemoteRepository> repos = new ArrayList<>();
        for (Element r : repoElements) {
            String id = interpolate(text(child(r, "id")), props, source);
            String url = interpolate(text(child(r, "url")), props, source);
            if (url.isEmpty()) throw new IllegalArgumentException("a <repository> in " + source + " has no <url>");
            if (id.isEmpty()) id = url.replaceAll("[^A-Za-z0-9_.-]+", "_");
            RemoteRepository.Builder b = new RemoteRepository.Builder(id, "default", url);
            b.setReleasePolicy(policy(child(r, "releases")));
            b.setSnapshotPolicy(policy(child(r, "snapshots")));
            repos.add(b.build());
        }
        if (deps.isEmpty() && systemPaths.isEmpty() && repos.isEmpty() && skipped.isEmpty()) {
            throw new IllegalArgumentException(source + " declares no <dependency> and no <repository>");
        }
        return new Result(deps, managed, boms, repos, systemPaths, skipped);
    }

    private static void putProject(Map<String, String> props, Element project) {
        for (String field : new String[] {"groupId", "artifactId", "version"}) {
            String value = text(child(project, field));
            Element parent = child(project, "parent");
            if (value.isEmpty() && parent != null && !field.equals("artifactId")) value = text(child(parent, field));
            if (!value.isEmpty()) {
                props.putIfAbsent("project." + field, value);
                props.putIfAbsent("pom." + field, value);
            }
        }
    }

    private static Dependency dependency(Element d, Map<String, String> props, Map<String, String> managedVersions,
                                         String source, boolean versionMayBeManagedElsewhere) {
        String g = interpolate(text(child(d, "groupId")), props, source);
        String a = interpolate(text(child(d, "artifactId")), props, source);
        String v = interpolate(text(child(d, "version")), props, source);
        String type = interpolate(text(child(d, "type")), props, source);
        String classifier = interpolate(text(child(d, "classifier")), props, source);
        String scope = interpolate(text(child(d, "scope")), props, source);
        if (g.isEmpty() || a.isEmpty()) {
            throw new IllegalArgumentException("a <dependency> in " + source + " lacks <groupId> or <artifactId>");
        }
        if (v.isEmpty()) v = managedVersions.getOrDefault(g + ":" + a, "");
        if (v.isEmpty() && !versionMayBeManagedElsewhere) {
            throw new IllegalArgumentException(g + ":" + a + " in " + source + " has no <version> (and no <dependencyManagement> gives one)");
        }
        String extension = type.isEmpty() ? "jar" : switch (type) {
            case "test-jar" -> "jar";
            case "bundle", "maven-plugin", "ejb" -> "jar";
            default -> type;
        };
        if ("test-jar".equals(type) && classifier.isEmpty()) classifier = "tests";
        List<Exclusion> exclusions = new ArrayList<>();
        for (Element es : children(d, "exclusions")) {
            for (Element e : children(es, "exclusion")) {
                String eg = interpolate(text(child(e, "groupId")), props, source);
                String ea = interpolate(text(child(e, "artifactId")), props, source);
                exclusions.add(new Exclusion(eg.isEmpty() ? "*" : eg, ea.isEmpty() ? "*" : ea, "*", "*"));
            }
        }
        boolean optional = "true".equals(text(child(d, "optional")));
        String depScope = scope.isEmpty() || scope.equals("provided") ? "compile" : scope;
        return new Dependency(new DefaultArtifact(g, a, classifier, extension, v), depScope, optional, exclusions);
    }

    static String interpolate(String value, Map<String, String> props, String source) {
        String result = value;
        for (int round = 0; round < 10 && result.contains("${"); round++) {
            Matcher m = PROPERTY.matcher(result);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String key = m.group(1);
                String v = props.get(key);
                if (v == null && key.startsWith("env.")) v = System.getenv(key.substring(4));
                if (v == null) v = System.getProperty(key);
                if (v == null) throw new IllegalArgumentException("${" + key + "} in " + source + " is not defined in <properties>");
                m.appendReplacement(out, Matcher.quoteReplacement(v));
            }
            m.appendTail(out);
            result = out.toString();
        }
        return result;
    }

    private static RepositoryPolicy policy(Element e) {
        if (e == null) return new RepositoryPolicy();
        String enabled = text(child(e, "enabled"));
        return new RepositoryPolicy(!"false".equals(enabled), RepositoryPolicy.UPDATE_POLICY_DAILY, RepositoryPolicy.CHECKSUM_POLICY_WARN);
    }

    private static String name(Element e) {
        String n = e.getNodeName();
        int colon = n.indexOf(':');
        return colon >= 0 ? n.substring(colon + 1) : n;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        if (parent == null) return out;
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && (name == null || name(e).equals(name))) out.add(e);
        }
        return out;
    }

    private static Element child(Element parent, String name) {
        List<Element> c = children(parent, name);
        return c.isEmpty() ? null : c.get(0);
    }

    private static String text(Element e) {
        return e == null ? "" : e.getTextContent().trim();
    }
}
