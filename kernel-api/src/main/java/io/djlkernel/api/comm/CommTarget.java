package io.djlkernel.api.comm;

import java.util.Map;

@FunctionalInterface
public interface CommTarget {
    /** The front end opened {@code comm}; register handlers on it here. */
    void opened(Comm comm, Map<String, Object> data);
}
