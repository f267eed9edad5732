package io.djlkernel.djl.devices;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code nvidia-smi --query-gpu=... --format=csv,noheader,nounits}: runs it and parses its output. Parsing is
 * separate from running so that it is tested on recorded outputs (1 GPU, 8 GPUs, N/A fields, driver errors).
 */
public final class NvidiaSmi {
    public static final List<String> FIELDS = List.of("index", "name", "uuid", "pci.bus_id", "memory.used",
            "memory.total", "utilization.gpu", "utilization.memory", "temperature.gpu", "power.draw", "power.limit",
            "driver_version", "compute_cap");
    /** Drivers before 510 do not know compute_cap: the query is retried without it. */
    public static final List<String> FIELDS_OLD_DRIVER = FIELDS.subList(0, FIELDS.size() - 1);
    private static final Pattern CUDA_VERSION = Pattern.compile("CUDA Version:\\s*([0-9.]+)");
    static volatile String command = "nvidia-smi";

    private NvidiaSmi() {
    }

    /** What went wrong running or reading nvidia-smi; the message is nvidia-smi's own when it printed one. */
    public static final class SmiException extends Exception {
        private static final long serialVersionUID = 1L;

        public SmiException(String message) {
            super(message);
        }
    }

    /** Parses the CSV nvidia-smi prints for {@code fields}; throws with nvidia-smi's text when it printed an error. */
    public static List<GpuReading> parse(String output, List<String> fields) throws SmiException {
        List<GpuReading> readings = new ArrayList<>();
        String text = output == null ? "" : output.strip();
        if (text.isEmpty()) return readings;
        for (String line : text.split("\\R")) {
            if (line.isBlank()) continue;
            List<String> cells = splitCsv(line);
            if (cells.size() != fields.size() || !isInteger(cells.get(0))) {
                throw new SmiException(errorText(text));
            }
            readings.add(reading(cells, fields));
        }
        return readings;
    }

    private static GpuReading reading(List<String> cells, List<String> fields) {
        String[] v = new String[FIELDS.size()];
        for (int i = 0; i < fields.size(); i++) {
            int at = FIELDS.indexOf(fields.get(i));
            if (at >= 0) v[at] = value(cells.get(i));
        }
        return new GpuReading(Integer.parseInt(v[0]), v[1], v[2], v[3], toLong(v[4]), toLong(v[5]), toInt(v[6]),
                toInt(v[7]), toInt(v[8]), toDouble(v[9]), toDouble(v[10]), v[12], v[11], "nvidia-smi");
    }

    /** Null for nvidia-smi's ways of saying "unknown". */
    static String value(String cell) {
        String s = cell.strip();
        if (s.isEmpty()) return null;
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("n/a") || lower.equals("[n/a]") || lower.startsWith("[not supported")
                || lower.startsWith("[unknown error") || lower.equals("[insufficient permissions]")
                || lower.startsWith("[gpu requires reset")) {
            return null;
        }
        return s;
    }

    static List<String> splitCsv(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                cells.add(cell.toString().strip());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString().strip());
        return cells;
    }

    private static String errorText(String text) {
        String first = text.lines().filter(l -> !l.isBlank()).findFirst().orElse(text).strip();
        return first.length() > 300 ? first.substring(0, 300) + "…" : first;
    }

    private static boolean isInteger(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    private static Long toLong(String s) {
        if (s == null) return null;
        try {
            return Math.round(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Integer toInt(String s) {
        Long l = toLong(s);
        return l == null ? null : (int) (long) l;
    }

    private static Double toDouble(String s) {
        if (s == null) return null;
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The "CUDA Version: 12.8" of nvidia-smi's banner (the driver's CUDA), or null. */
    public static String parseCudaVersion(String banner) {
        if (banner == null) return null;
        Matcher m = CUDA_VERSION.matcher(banner);
        return m.find() ? m.group(1) : null;
    }

    /** Runs nvidia-smi's query; IOException when it is not installed, SmiException when it reports an error. */
    public static List<GpuReading> query() throws IOException, SmiException {
        Result r = run(List.of(command, "--query-gpu=" + String.join(",", FIELDS), "--format=csv,noheader,nounits"));
        if (r.exit != 0 && r.output.contains("compute_cap")) {
            r = run(List.of(command, "--query-gpu=" + String.join(",", FIELDS_OLD_DRIVER),
                    "--format=csv,noheader,nounits"));
            if (r.exit != 0) throw new SmiException(errorText(r.output));
            return parse(r.output, FIELDS_OLD_DRIVER);
        }
        if (r.exit != 0) throw new SmiException(errorText(r.output));
        return parse(r.output, FIELDS);
    }

    /** nvidia-smi's banner (for the driver's CUDA version), or null. */
    public static String banner() {
        try {
            Result r = run(List.of(command));
            return r.exit == 0 ? r.output : null;
        } catch (IOException e) {
            return null;
        }
    }

    record Result(int exit, String output) {
    }

    static Result run(List<String> argv) throws IOException {
        java.nio.file.Path out = java.nio.file.Files.createTempFile("nvidia-smi", ".txt");
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(argv.get(0) + " did not answer within 5 s");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + argv.get(0));
            }
            byte[] bytes;
            try (InputStream in = java.nio.file.Files.newInputStream(out)) {
                bytes = in.readNBytes(1 << 20);
            }
            return new Result(p.exitValue(), new String(bytes, StandardCharsets.UTF_8));
        } finally {
            java.nio.file.Files.deleteIfExists(out);
        }
    }
}
