package io.djlkernel.djl.serving;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Options of {@code %serve} and of {@code djl-kernel serve}, parsed from the same words:
 * {@code [--port 8080] [--host 127.0.0.1] [--batch-size N] [--max-batch-delay MS] [--workers N] [--token T]
 * [--max-request-size 64m] [--timeout 60s] [--queue-size N] [--warmup 30s]} and, for standalone use, {@code --model PATH
 * --name NAME [--translator image-classification] [--size N] [--synset FILE] [--input-shape -1,512]}.
 * {@code inputShape} (null when not given) declares a bare TorchScript file's one FP32 input, -1 for a variable
 * dimension: the file does not record it, and without it the endpoint can neither check requests nor warm itself up.
 */
public record ServeOptions(String name, String model, String host, int port, int batchSize, long maxBatchDelayMs,
                           int workers, String token, long maxRequestBytes, Duration timeout, int queueSize,
                           String translator, int imageSize, String synset, List<String> positional,
                           Duration warmup, long[] inputShape) {

    /**
     * The longest a new endpoint sends itself requests before {@code /v2/health/ready} says ready (it stops earlier
     * once its throughput stops climbing, see {@link Warmup}): without it the first seconds of real traffic ran
     * at a fraction of the steady speed.
     */
    static final Duration DEFAULT_WARMUP = Duration.ofSeconds(30);

    public static final String USAGE = "%serve NAME [--port 8080] [--host 127.0.0.1] [--batch-size N] [--max-batch-delay MS]"
            + " [--workers N] [--token T] [--max-request-size 64m] [--timeout 60s] [--queue-size N] [--warmup 30s]\n"
            + "%serve list | %serve stop NAME | %serve stop --all\n"
            + "standalone: serve --model PATH [--name NAME] [--translator ndlist|image-classification] [--size N] [--synset FILE]\n"
            + "            [--input-shape -1,512] ...";

    public static ServeOptions defaults() {
        return new ServeOptions(null, null, "127.0.0.1", 8080, 1, 5, 1, null, 64L << 20, Duration.ofSeconds(60), 256,
                null, -1, null, List.of(), DEFAULT_WARMUP, null);
    }

    public static ServeOptions parse(List<String> words) {
        ServeOptions o = defaults();
        String name = null, model = null, host = o.host, token = null, translator = null, synset = null;
        int port = o.port, batch = o.batchSize, workers = o.workers, queue = o.queueSize, size = -1;
        long delay = o.maxBatchDelayMs, maxBytes = o.maxRequestBytes;
        Duration timeout = o.timeout, warmup = o.warmup;
        long[] inputShape = null;
        List<String> pos = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            String key = w;
            String value = null;
            int eq = w.indexOf('=');
            if (w.startsWith("--") && eq > 0) {
                key = w.substring(0, eq);
                value = w.substring(eq + 1);
            }
            if (!key.startsWith("--")) {
                pos.add(w);
                continue;
            }
            if (value == null) {
                if (i + 1 >= words.size()) throw new IllegalArgumentException(key + " needs a value");
                value = words.get(++i);
            }
            switch (key) {
                case "--name": name = value; break;
                case "--model": model = value; break;
                case "--host": host = value; break;
                case "--port": port = intIn(key, value, 0, 65535); break;
                case "--batch-size": batch = intIn(key, value, 1, 4096); break;
                case "--max-batch-delay": delay = intIn(key, value.replaceFirst("ms$", ""), 0, 60_000); break;
                case "--workers": workers = intIn(key, value, 1, 256); break;
                case "--queue-size": queue = intIn(key, value, 1, 1_000_000); break;
                case "--token": token = value; break;
                case "--max-request-size": maxBytes = bytes(value); break;
                case "--timeout": timeout = duration(value); break;
                case "--translator": translator = value; break;
                case "--size": size = intIn(key, value, 1, 8192); break;
                case "--synset": synset = value; break;
                case "--warmup": warmup = duration("--warmup", value, Duration.ofMinutes(10)); break;
                case "--input-shape": inputShape = shape(value); break;
                default: throw new IllegalArgumentException("unknown option " + key + "\nusage: " + USAGE);
            }
        }
        return new ServeOptions(name, model, host, port, batch, delay, workers, token, maxBytes, timeout, queue,
                translator, size, synset, List.copyOf(pos), warmup, inputShape);
    }

    public ServeOptions withName(String n) {
        return new ServeOptions(n, model, host, port, batchSize, maxBatchDelayMs, workers, token, maxRequestBytes,
                timeout, queueSize, translator, imageSize, synset, positional, warmup, inputShape);
    }

    public ServeOptions withBatching(int batch, long delayMs) {
        return new ServeOptions(name, model, host, port, batch, delayMs, workers, token, maxRequestBytes,
                timeout, queueSize, translator, imageSize, synset, positional, warmup, inputShape);
    }

    /** {@code -1,512}: whole numbers, -1 for a variable dimension. */
    static long[] shape(String v) {
        String[] parts = v.trim().split("\\s*,\\s*");
        long[] shape = new long[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                shape[i] = Long.parseLong(parts[i]);
                if (shape[i] == 0 || shape[i] < -1) throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--input-shape must be sizes separated by commas, -1 for any size (e.g. -1,512), got '" + v + "'");
        }
        return shape;
    }

    private static int intIn(String key, String v, int min, int max) {
        try {
            int x = Integer.parseInt(v.trim());
            if (x < min || x > max) throw new IllegalArgumentException(key + " must be in " + min + ".." + max + ", got " + v);
            return x;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'");
        }
    }

    /** {@code 64m}, {@code 512k}, {@code 1g}, {@code 1000} (bytes). */
    static long bytes(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT).replaceFirst("i?b$", "");
        long mul = 1;
        if (s.endsWith("k")) mul = 1L << 10;
        else if (s.endsWith("m")) mul = 1L << 20;
        else if (s.endsWith("g")) mul = 1L << 30;
        if (mul > 1) s = s.substring(0, s.length() - 1);
        try {
            long n = Long.parseLong(s) * mul;
            if (n <= 0 || n > Integer.MAX_VALUE) throw new IllegalArgumentException("--max-request-size must be 1..2g, got " + v);
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--max-request-size must look like 64m, 512k or 1000, got '" + v + "'");
        }
    }

    private static Duration duration(String key, String v, Duration max) {
        Duration d;
        try {
            d = duration(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " must look like 3s, 500ms or 0 (none), got '" + v + "'");
        }
        if (d.isNegative() || d.compareTo(max) > 0) throw new IllegalArgumentException(key + " must be 0.." + max.toSeconds() + "s, got " + v);
        return d;
    }

    /** {@code 60s}, {@code 500ms}, {@code 2m}, {@code 30} (seconds). */
    static Duration duration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            if (s.endsWith("s")) return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            if (s.endsWith("m")) return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            return Duration.ofSeconds(Long.parseLong(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--timeout must look like 60s, 500ms or 2m, got '" + v + "'");
        }
    }
}
