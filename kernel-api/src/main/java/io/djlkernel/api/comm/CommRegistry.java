package io.djlkernel.api.comm;

import java.util.Map;

/** Jupyter comms: targets the front end may open, and comms the kernel opens itself. */
public interface CommRegistry {
    /** Handles {@code comm_open} from the front end for {@code targetName}. */
    void registerTarget(String targetName, CommTarget target);

    /** Opens a comm from the kernel side (sends {@code comm_open}). */
    Comm open(String targetName, Map<String, Object> data);
}
