package io.djlkernel.kernel.cli;

import java.util.Map;

/** The process environment and home folder, injectable so tests never touch the real ones. */
record Environment(Map<String, String> env, String userHome) {
    String get(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v;
    }
}
