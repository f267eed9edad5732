package io.djlkernel.api.comm;

import java.util.Map;
import java.util.function.Consumer;

/** One open comm. Sending is thread-safe and works while a cell runs. */
public interface Comm {
    String id();

    String targetName();

    void send(Map<String, Object> data);

    void close(Map<String, Object> data);

    void onMessage(Consumer<Map<String, Object>> handler);

    void onClose(Consumer<Map<String, Object>> handler);

    boolean isOpen();
}
