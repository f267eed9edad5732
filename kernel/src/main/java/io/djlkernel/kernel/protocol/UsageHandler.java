package io.djlkernel.kernel.protocol;

import com.google.gson.JsonObject;
import io.djlkernel.kernel.transport.Channel;
import io.djlkernel.kernel.transport.Json;
import io.djlkernel.kernel.transport.Message;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * usage_request (JupyterLab's resource usage): ipykernel's fields, plus what extensions add (e.g. "gpus").
 * Answered on the control channel, never waiting for a running cell.
 */
public final class UsageHandler implements RequestHandler {
    private final Outbox outbox;
    private final InterpreterHandle interpreter;

    public UsageHandler(Outbox outbox, InterpreterHandle interpreter) {
        this.outbox = outbox;
        this.interpreter = interpreter;
    }

    @Override
    public void handle(Channel channel, Message request) {
        JsonObject reply = Outbox.ok();
        reply.addProperty("hostname", hostname());
        reply.addProperty("pid", ProcessHandle.current().pid());
        int cpus = Runtime.getRuntime().availableProcessors();
        reply.addProperty("cpu_count", cpus);
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            // ipykernel reports percentages; the JVM gives loads in [0, 1] (negative when unknown)
            reply.addProperty("kernel_cpu", Math.max(0, os.getProcessCpuLoad()) * 100 * cpus);
            reply.addProperty("host_cpu_percent", Math.max(0, os.getCpuLoad()) * 100);
            JsonObject memory = new JsonObject();
            long total = os.getTotalMemorySize();
            long free = os.getFreeMemorySize();
            memory.addProperty("total", total);
            memory.addProperty("available", free);
            memory.addProperty("used", total - free);
            memory.addProperty("percent", total > 0 ? 100.0 * (total - free) / total : 0);
            reply.add("host_virtual_memory", memory);
        }
        reply.addProperty("kernel_memory", residentBytes());
        JsonObject heap = new JsonObject();
        Runtime rt = Runtime.getRuntime();
        heap.addProperty("used", rt.totalMemory() - rt.freeMemory());
        heap.addProperty("committed", rt.totalMemory());
        heap.addProperty("max", rt.maxMemory());
        reply.add("jvm_heap", heap);
        interpreter.ifReady().ifPresent(i -> {
            for (Map.Entry<String, Object> field : i.usageFields().entrySet()) {
                reply.add(field.getKey(), Json.toJson(field.getValue()));
            }
        });
        outbox.reply(channel, request, reply);
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** Resident set size from /proc on Linux; the JVM's committed memory elsewhere. */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return Runtime.getRuntime().totalMemory();
    }
}
