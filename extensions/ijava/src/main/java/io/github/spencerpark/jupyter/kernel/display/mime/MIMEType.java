package io.github.spencerpark.jupyter.kernel.display.mime;

import java.util.Locale;
import java.util.Objects;

/**
 * A MIME type split into its parts, {@code group/tree.subtype+suffix} (e.g. {@code application/vnd.plotly.v1+json}
 * is group "application", tree "vnd", subtype "plotly.v1", suffix "json"). The same public surface as IJava's
 * class of this name, so that notebooks written for IJava compile here; {@code *} is a wildcard.
 */
public class MIMEType {
    public static final String WILDCARD = "*";

    public static final MIMEType ANY = new MIMEType(WILDCARD, null, WILDCARD, null);
    public static final MIMEType APPLICATION_XML = parse("application/xml");
    public static final MIMEType APPLICATION_JSON = parse("application/json");
    public static final MIMEType APPLICATION_JAVASCRIPT = parse("application/javascript");
    public static final MIMEType APPLICATION_PDF = parse("application/pdf");
    public static final MIMEType APPLICATION_ZIP = parse("application/zip");
    public static final MIMEType TEXT_HTML = parse("text/html");
    public static final MIMEType TEXT_MARKDOWN = parse("text/markdown");
    public static final MIMEType TEXT_LATEX = parse("text/latex");
    public static final MIMEType TEXT_PLAIN = parse("text/plain");
    public static final MIMEType TEXT_CSS = parse("text/css");
    public static final MIMEType TEXT_CSV = parse("text/csv");
    public static final MIMEType IMAGE_PNG = parse("image/png");
    public static final MIMEType IMAGE_JPEG = parse("image/jpeg");
    public static final MIMEType IMAGE_GIF = parse("image/gif");
    public static final MIMEType IMAGE_SVG = parse("image/svg+xml");

    private final String group;
    private final String tree;
    private final String subtype;
    private final String suffix;

    /**
     * Parses {@code group/subtype}, with an optional tree ({@code vnd.}, {@code x-}-less forms keep the whole
     * subtype) and {@code +suffix}; parameters after {@code ;} are ignored. Case-insensitive, as MIME types are.
     *
     * @throws MIMETypeParseException for text that is not a MIME type
     */
    public static MIMEType parse(String raw) throws MIMETypeParseException {
        if (raw == null) throw new MIMETypeParseException("a MIME type is needed, got null");
        String text = raw;
        int params = text.indexOf(';');
        if (params >= 0) text = text.substring(0, params);
        text = text.strip().toLowerCase(Locale.ROOT);
        if (text.equals(WILDCARD)) return new MIMEType(WILDCARD, null, WILDCARD, null);
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1 || text.indexOf('/', slash + 1) >= 0
                || text.chars().anyMatch(Character::isWhitespace)) {
            throw new MIMETypeParseException("not a MIME type (expected group/subtype, e.g. text/html): '" + raw + "'");
        }
        String group = text.substring(0, slash);
        String rest = text.substring(slash + 1);
        String suffix = null;
        int plus = rest.lastIndexOf('+');
        if (plus > 0 && plus < rest.length() - 1) {
            suffix = rest.substring(plus + 1);
            rest = rest.substring(0, plus);
        }
        String tree = null;
        int dot = rest.indexOf('.');
        if (dot > 0 && dot < rest.length() - 1) {
            tree = rest.substring(0, dot);
            rest = rest.substring(dot + 1);
        }
        return new MIMEType(group, tree, rest, suffix);
    }

    public MIMEType(String group, String tree, String subtype, String suffix) {
        this.group = Objects.requireNonNull(group, "group");
        this.tree = tree;
        this.subtype = subtype;
        this.suffix = suffix;
    }

    public String getGroup() {
        return group;
    }

    public String getTree() {
        return tree;
    }

    public String getSubtype() {
        return subtype;
    }

    public String getSuffix() {
        return suffix;
    }

    public boolean hasTree() {
        return tree != null;
    }

    public boolean hasSubtype() {
        return subtype != null;
    }

    public boolean hasSuffix() {
        return suffix != null;
    }

    public MIMEType withoutSuffix() {
        return new MIMEType(group, tree, subtype, null);
    }

    public boolean subtypeIsWildcard() {
        return WILDCARD.equals(subtype);
    }

    public boolean isWildcard() {
        return WILDCARD.equals(group);
    }

    public boolean groupEquals(String group) {
        return this.group.equals(group);
    }

    public boolean treeEquals(String tree) {
        return Objects.equals(this.tree, tree);
    }

    public boolean subtypeEquals(String subtype) {
        return Objects.equals(this.subtype, subtype);
    }

    public boolean suffixEquals(String suffix) {
        return Objects.equals(this.suffix, suffix);
    }

    public boolean hasSameGroupAs(MIMEType other) {
        return other != null && groupEquals(other.group);
    }

    public boolean hasSameTreeAs(MIMEType other) {
        return other != null && treeEquals(other.tree);
    }

    public boolean hasSameSubtypeAs(MIMEType other) {
        return other != null && subtypeEquals(other.subtype);
    }

    public boolean hasSameSuffixAs(MIMEType other) {
        return other != null && suffixEquals(other.suffix);
    }

    /** Whether this type and {@code other} can stand for each other: equal, or one of them a wildcard there. */
    public boolean matches(MIMEType other) {
        if (other == null) return false;
        if (isWildcard() || other.isWildcard()) return true;
        if (!group.equals(other.group)) return false;
        if (subtypeIsWildcard() || other.subtypeIsWildcard()) return true;
        return treeEquals(other.tree) && subtypeEquals(other.subtype) && suffixEquals(other.suffix);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof MIMEType)) return false;
        MIMEType that = (MIMEType) o;
        return group.equals(that.group) && Objects.equals(tree, that.tree) && Objects.equals(subtype, that.subtype)
                && Objects.equals(suffix, that.suffix);
    }

    @Override
    public int hashCode() {
        return Objects.hash(group, tree, subtype, suffix);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(group);
        if (subtype != null) {
            out.append('/');
            if (tree != null) out.append(tree).append('.');
            out.append(subtype);
            if (suffix != null) out.append('+').append(suffix);
        }
        return out.toString();
    }
}
