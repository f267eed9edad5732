package org.dflib.jjava.jupyter.kernel.display.mime;

/** JJava's name for IJava's {@link io.github.spencerpark.jupyter.kernel.display.mime.MIMEType}, usable wherever that one is. */
public class MIMEType extends io.github.spencerpark.jupyter.kernel.display.mime.MIMEType {
    public static final MIMEType ANY = new MIMEType(WILDCARD, null, WILDCARD, null);
    public static final MIMEType APPLICATION_JSON = parse("application/json");
    public static final MIMEType APPLICATION_JAVASCRIPT = parse("application/javascript");
    public static final MIMEType TEXT_HTML = parse("text/html");
    public static final MIMEType TEXT_MARKDOWN = parse("text/markdown");
    public static final MIMEType TEXT_LATEX = parse("text/latex");
    public static final MIMEType TEXT_PLAIN = parse("text/plain");
    public static final MIMEType IMAGE_PNG = parse("image/png");
    public static final MIMEType IMAGE_JPEG = parse("image/jpeg");
    public static final MIMEType IMAGE_GIF = parse("image/gif");
    public static final MIMEType IMAGE_SVG = parse("image/svg+xml");

    public MIMEType(String group, String tree, String subtype, String suffix) {
        super(group, tree, subtype, suffix);
    }

    public static MIMEType parse(String raw) {
        io.github.spencerpark.jupyter.kernel.display.mime.MIMEType t =
                io.github.spencerpark.jupyter.kernel.display.mime.MIMEType.parse(raw);
        return new MIMEType(t.getGroup(), t.getTree(), t.getSubtype(), t.getSuffix());
    }
}
