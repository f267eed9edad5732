package io.djlkernel.kernel.cli;

import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Where kernel specs go, chosen as {@code python -m ipykernel install} chooses (jupyter_core's paths):
 * no flag = the system-wide Jupyter folder, {@code --user} = the user's Jupyter data folder,
 * {@code --sys-prefix} = the active virtualenv or conda environment, {@code --prefix DIR} = DIR/share/jupyter.
 * At most one of them (a picocli exclusive group).
 */
final class Location {
    @Option(names = "--user", description = "Install for the current user: $JUPYTER_DATA_DIR, else "
            + "$XDG_DATA_HOME/jupyter, else ~/.local/share/jupyter (~/Library/Jupyter on macOS).")
    boolean user;

    @Option(names = "--sys-prefix", description = "Install into the active Python environment: "
            + "$VIRTUAL_ENV or $CONDA_PREFIX, under share/jupyter.")
    boolean sysPrefix;

    @Option(names = "--prefix", paramLabel = "DIR", description = "Install under DIR/share/jupyter "
            + "(add DIR/share/jupyter to JUPYTER_PATH if it is not a standard place).")
    Path prefix;

    /** The {@code kernels} folder for this choice; a null location means no flag (system-wide). */
    static Path kernelsDir(Location location, Environment env) throws CliException {
        return jupyterDir(location, env).resolve("kernels").toAbsolutePath().normalize();
    }

    private static Path jupyterDir(Location location, Environment env) throws CliException {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        boolean windows = os.startsWith("windows");
        boolean mac = os.startsWith("mac");
        if (location != null && location.prefix != null) {
            return location.prefix.resolve("share").resolve("jupyter");
        }
        if (location != null && location.sysPrefix) {
            String prefix = env.get("VIRTUAL_ENV");
            if (prefix == null) prefix = env.get("CONDA_PREFIX");
            if (prefix == null) {
                throw new CliException("--sys-prefix needs an active Python environment, but neither VIRTUAL_ENV "
                        + "nor CONDA_PREFIX is set. Activate the environment first, or use --user or --prefix DIR.",
                        Main.EXIT_USAGE);
            }
            return Path.of(prefix, "share", "jupyter");
        }
        if (location != null && location.user) {
            String dataDir = env.get("JUPYTER_DATA_DIR");
            if (dataDir != null) return Path.of(dataDir);
            if (mac) return Path.of(env.userHome(), "Library", "Jupyter");
            if (windows && env.get("APPDATA") != null) return Path.of(env.get("APPDATA"), "jupyter");
            String xdg = env.get("XDG_DATA_HOME");
            return xdg != null ? Path.of(xdg, "jupyter") : Path.of(env.userHome(), ".local", "share", "jupyter");
        }
        if (windows && env.get("PROGRAMDATA") != null) return Path.of(env.get("PROGRAMDATA"), "jupyter");
        return Path.of("/usr/local/share/jupyter");
    }
}
