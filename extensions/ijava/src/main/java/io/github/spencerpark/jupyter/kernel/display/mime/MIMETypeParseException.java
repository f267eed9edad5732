package io.github.spencerpark.jupyter.kernel.display.mime;

/** Text that is not a MIME type was given where one is needed. */
public class MIMETypeParseException extends IllegalArgumentException {
    public MIMETypeParseException(String message) {
        super(message);
    }
}
