package io.djlkernel.djl.serving;

import io.djlkernel.djl.devices.GpuReading;
import io.djlkernel.djl.devices.GpuStatus;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One endpoint's request accounting: the count and recent latencies that {@code %serve list} shows, and Prometheus
 * metrics in a registry of its own (so several endpoints and restarts never clash).
 */
final class ServerMetrics {
    private final AtomicLong arrived = new AtomicLong();
    private final long[] recent = new long[2048];
    private int recentAt;
    private long recorded;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder().name("djlkernel_requests_total")
            .help("HTTP requests by route and status code").labelNames("model", "route", "code").register(registry);
    private final Histogram latency = Histogram.builder().name("djlkernel_request_duration_seconds")
            .help("Request latency, receipt to response").labelNames("model", "route").classicOnly()
            .classicUpperBounds(.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60)
            .register(registry);
    private final Histogram queueTime = Histogram.builder().name("djlkernel_queue_time_seconds")
            .help("Time a request waited for a worker").labelNames("model").classicOnly()
            .classicUpperBounds(.0001, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 5)
            .register(registry);
    private final Histogram batch = Histogram.builder().name("djlkernel_batch_size")
            .help("Requests per model call").labelNames("model").classicOnly()
            .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128).register(registry);
    private final Gauge inFlight = Gauge.builder().name("djlkernel_requests_in_flight")
            .help("Requests received and not yet answered").register(registry);

    ServerMetrics() {
        GaugeWithCallback.builder().name("djlkernel_device_memory_used_bytes")
                .help("Memory in use per device: process resident memory for cpu, the GPU's used memory for gpu(N)")
                .labelNames("device")
                .callback(cb -> {
                    cb.call(residentBytes(), "cpu");
                    for (GpuReading r : GpuStatus.readings()) {
                        if (r.memoryUsedMiB() != null) cb.call(r.memoryUsedMiB() * 1048576.0, "gpu(" + r.index() + ")");
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("djlkernel_jvm_heap_used_bytes").help("JVM heap in use")
                .callback(cb -> cb.call(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()))
                .register(registry);
    }

    private static double residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024.0;
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }

    /** A request has arrived: counted, and in flight until {@link #answered}. */
    void arrived() {
        arrived.incrementAndGet();
        inFlight.inc();
    }

    /** A request that {@link #arrived} has its answer, {@code nanos} after it arrived. */
    void answered(String model, String route, int code, long nanos) {
        inFlight.dec();
        synchronized (recent) {
            recent[recentAt] = nanos;
            recentAt = (recentAt + 1) % recent.length;
            recorded++;
        }
        requests.labelValues(model, route, Integer.toString(code)).inc();
        latency.labelValues(model, route).observe(nanos / 1e9);
    }

    /** A request refused before it could be handled (a body over the size limit). */
    void refused(String model, String route, int code) {
        arrived.incrementAndGet();
        requests.labelValues(model, route, Integer.toString(code)).inc();
        latency.labelValues(model, route).observe(0);
    }

    long requestCount() {
        return arrived.get();
    }

    /** Latency percentile (0..100) over the last 2048 answers, in milliseconds; NaN before the first. */
    double percentileMillis(double p) {
        long[] s;
        synchronized (recent) {
            s = Arrays.copyOf(recent, (int) Math.min(recorded, recent.length));
        }
        if (s.length == 0) return Double.NaN;
        Arrays.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))] / 1e6;
    }

    void queueTime(String model, double seconds) {
        queueTime.labelValues(model).observe(seconds);
    }

    void batchSize(String model, int n) {
        batch.labelValues(model).observe(n);
    }

    byte[] scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toByteArray();
    }

    static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }
}
