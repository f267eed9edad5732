package io.djlkernel.kernel.cli;

/** A failure the user can act on: its message is printed as is, without a stack trace. */
final class CliException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    CliException(String message) {
        this(message, Main.EXIT_FAILURE);
    }

    CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
