package io.djlkernel.api.display;

/** Where {@link Display} sends what a cell shows; the kernel installs the real one. */
public interface DisplayPublisher {
    /** Publishes a display_data message; a non-null displayId makes it updatable. */
    void display(MimeBundle bundle, String displayId);

    /** Publishes update_display_data for an earlier display. */
    void update(MimeBundle bundle, String displayId);

    /** Publishes clear_output. */
    void clearOutput(boolean wait);
}
