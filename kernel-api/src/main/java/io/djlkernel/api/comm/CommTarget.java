package io.djlkernel.api.comm;

import java.util.Map;

@FunctionalInterface
public interface CommTarget {
    /** The front end opened {@code comm}; register handlers on it here. */
    void opened(Comm comm, Map<String, Object> data);

    /**
     * Whether this target's comm messages (open, msg, close) may be handled while a cell runs, on the kernel's comm
     * thread and in the order they came, instead of waiting in the shell queue behind the cell. For monitors and
     * controls a user reaches for during a long cell (a device panel, an endpoint's stop button). Such a target
     * must be thread-safe and must not run the user's code or touch what a running cell may be using.
     */
    default boolean answersWhileBusy() {
        return false;
    }
}
