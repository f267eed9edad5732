package io.djlkernel.kernel.testing;

import io.djlkernel.kernel.transport.ConnectionInfo;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A kernel in its own JVM, started with a fresh connection file (free ports, random key) and its logs in a
 * temporary folder, as Jupyter would start it. Closing kills it if it is still running.
 */
public final class KernelProcess implements AutoCloseable {
    private final Process process;
    private final ConnectionInfo connection;
    private final Path folder;

    private KernelProcess(Process process, ConnectionInfo connection, Path folder) {
        this.process = process;
        this.connection = connection;
        this.folder = folder;
    }

    /** Starts {@code command} followed by the connection file's path. */
    public static KernelProcess start(List<String> command) throws IOException {
        Path folder = Files.createTempDirectory("djl-kernel-it");
        int[] ports = freePorts(5);
        ConnectionInfo connection = new ConnectionInfo("tcp", "127.0.0.1", ports[0], ports[1], ports[2], ports[3],
                ports[4], "hmac-sha256", UUID.randomUUID().toString());
        Path connectionFile = folder.resolve("kernel.json");
        Files.writeString(connectionFile, connection.toJson().toString(), StandardCharsets.UTF_8);
        List<String> full = new ArrayList<>(command);
        full.add(connectionFile.toString());
        ProcessBuilder builder = new ProcessBuilder(full)
                .redirectOutput(folder.resolve("stdout.txt").toFile())
                .redirectError(folder.resolve("stderr.txt").toFile());
        builder.environment().put("DJL_KERNEL_LOG_DIR", folder.toString());
        builder.environment().put("DJL_KERNEL_LOG_LEVEL", "FINE");
        return new KernelProcess(builder.start(), connection, folder);
    }

    /** {@code java -cp <test class path> FakeKernelMain}: the real transport and protocol, a scripted interpreter. */
    public static List<String> fakeKernelCommand() {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return List.of(javaBinary(), "-cp", classpath, FakeKernelMain.class.getName());
    }

    /** The packaged kernel with JShell: {@code java -cp djl-kernel.jar io.djlkernel.kernel.KernelLauncher}. */
    public static List<String> jarCommand(Path jar) {
        return List.of(javaBinary(), "-cp", jar.toString(), "io.djlkernel.kernel.KernelLauncher");
    }

    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public ConnectionInfo connection() {
        return connection;
    }

    public Process process() {
        return process;
    }

    /** What the kernel wrote to its own stdout and stderr (a kernel should write nothing there). */
    public String processOutput() throws IOException {
        return Files.readString(folder.resolve("stdout.txt")) + Files.readString(folder.resolve("stderr.txt"));
    }

    /** The kernel's log file(s), concatenated. */
    public String log() throws IOException {
        StringBuilder text = new StringBuilder();
        try (var files = Files.list(folder)) {
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith("kernel-")).toList()) {
                text.append(Files.readString(p));
            }
        }
        return text.toString();
    }

    public boolean waitForExit(long timeout, TimeUnit unit) throws InterruptedException {
        return process.waitFor(timeout, unit);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (Boolean.getBoolean("djl.kernel.keepLogs")) return;
        try (var files = Files.walk(folder)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int[] freePorts(int count) throws IOException {
        int[] ports = new int[count];
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                held.add(socket);
                ports[i] = socket.getLocalPort();
            }
        } finally {
            for (ServerSocket s : held) s.close();
        }
        return ports;
    }
}
