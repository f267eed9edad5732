package io.djlkernel.kernel.cli;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * An AppCDS archive for the kernel: the classes a kernel loads from start to its first cell, parsed and laid
 * out once so that each later start maps them instead of loading them from the jar.
 *
 * <p>Made at install by a training run: the kernel is started with {@code -XX:ArchiveClassesAtExit} on a
 * private connection file, this process talks to it as a Jupyter client (kernel_info, one cell, completion,
 * shutdown), and the JVM writes the archive when it exits. Then the archive is checked with
 * {@code -Xshare:on}. Any failure means no archive, never a broken kernel.json. At run time the options from
 * {@link #runtimeOptions} use it when it matches the JVM and jar, and fall back silently when it does not
 * (the jar was rebuilt, another JVM): -Xshare:auto plus CDS logging turned off.
 */
final class AppCds {
    static final long TRAINING_TIMEOUT_MS = 120_000;

    /** Code the training cell runs: a few snippets, output, a result, a lambda and a collection. */
    static final String TRAINING_CELL = String.join("\n",
            "import java.util.*;",
            "int warm = 1 + 1;",
            "List<Integer> xs = new ArrayList<>(List.of(3, 1, 2));",
            "xs.sort(Comparator.naturalOrder());",
            "System.out.println(\"warm \" + warm + \" \" + xs);",
            "xs.stream().mapToInt(i -> i * warm).sum()");

    /**
     * The cells after it, run a few times over: everyday cells of every kind, so that an AOT cache records
     * javac's method profiles (the JIT then compiles javac's hot code early). A tensor cell fails harmlessly
     * where the natives are missing.
     */
    static final List<String> EVERYDAY_CELLS = List.of(
            "1+1",
            "var names = new ArrayList<String>(List.of(\"b\", \"a\"));\nnames.size()",
            "String greet(String who) { return \"hello \" + who; }\ngreet(names.get(0)).length()",
            "record Point(double x, double y) { double norm() { return Math.hypot(x, y); } }",
            "var total = java.util.stream.IntStream.range(0, 3).mapToObj(i -> new Point(i, i))"
                    + ".mapToDouble(Point::norm).sum();\ntotal",
            "for (int i = 0; i < 3; i++) { warm += i; }\nwarm",
            "var a = manager.ones(new Shape(4));\nvar c = a.add(1f);\nc.getShape()",
            "c");
    static final int EVERYDAY_ROUNDS = 3;

    /**
     * Which archive a JVM can use: JDK 25's AOT cache (classes loaded and linked ahead of time plus method profiles,
     * JEPs 483, 514 and 515) from feature release 25 on, else a dynamic AppCDS archive (classes only).
     */
    enum Kind {
        APP_CDS("djl-kernel.jsa"), AOT_CACHE("djl-kernel.aot");

        final String fileName;

        Kind(String fileName) {
            this.fileName = fileName;
        }

        static Kind forFeatureRelease(int feature) {
            return feature >= 25 ? AOT_CACHE : APP_CDS;
        }
    }

    /** The feature release of {@code java} (17 for "17.0.15"), or -1 when it cannot be told. */
    static int featureRelease(Path java) {
        try {
            String output = JavaRun.of(java, List.of("-version"), 30).output();
            Matcher m = Pattern.compile("version \"(1\\.)?(\\d+)").matcher(output);
            return m.find() ? Integer.parseInt(m.group(2)) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    record Result(boolean ok, String detail) {
    }

    private AppCds() {
    }

    static List<String> runtimeOptions(Path archive) {
        return runtimeOptions(archive, Kind.APP_CDS);
    }

    static List<String> runtimeOptions(Path archive, Kind kind) {
        if (kind == Kind.AOT_CACHE) return List.of("-XX:AOTCache=" + archive, "-Xlog:aot=off", "-Xlog:cds=off");
        return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    }

    static Result create(Path java, List<String> jvmOpts, Path jar, Path archive) {
        return create(java, jvmOpts, jar, archive, Kind.APP_CDS);
    }

    static Result create(Path java, List<String> jvmOpts, Path jar, Path archive, Kind kind) {
        Path work = null;
        Process kernel = null;
        try {
            work = Files.createTempDirectory("djl-kernel-cds");
            Path tmpArchive = work.resolve(kind.fileName);
            Path log = work.resolve("kernel.log");
            Connection conn = Connection.create();
            Path connFile = work.resolve("connection.json");
            Files.writeString(connFile, conn.toJson());

            List<String> cmd = new ArrayList<>();
            cmd.add(java.toString());
            cmd.addAll(jvmOpts);
            cmd.add((kind == Kind.AOT_CACHE ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + tmpArchive);
            cmd.addAll(List.of("-jar", jar.toString(), "run", connFile.toString()));
            long start = System.nanoTime();
            kernel = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            String trained = train(conn, kernel);
            if (!kernel.waitFor(kind == Kind.AOT_CACHE ? 180 : 30, TimeUnit.SECONDS)) { // the AOT cache is assembled at exit
                return new Result(false, "the training kernel did not exit after shutdown_request");
            }
            if (!Files.isRegularFile(tmpArchive) || Files.size(tmpArchive) == 0) {
                return new Result(false, "the training kernel wrote no archive (exit code " + kernel.exitValue()
                        + "; " + lastLine(log) + ")");
            }
            String check = verify(java, jvmOpts, jar, tmpArchive, kind);
            if (check != null) return new Result(false, "the archive failed its check: " + check);
            Files.move(tmpArchive, archive, StandardCopyOption.REPLACE_EXISTING);
            long ms = (System.nanoTime() - start) / 1_000_000;
            return new Result(true, Files.size(archive) / (1024 * 1024) + " MB, trained in " + ms + " ms"
                    + (trained.isEmpty() ? "" : "; " + trained));
        } catch (IOException | GeneralSecurityException e) {
            return new Result(false, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "interrupted");
        } finally {
            if (kernel != null && kernel.isAlive()) kernel.destroyForcibly();
            if (work != null) deleteQuietly(work);
        }
    }

    /** Drives the kernel through a typical first use; returns a note on what did not answer, or "". */
    private static String train(Connection conn, Process kernel) throws GeneralSecurityException {
        List<String> missing = new ArrayList<>();
        try (ZContext ctx = new ZContext()) {
            Client client = new Client(ctx, conn);
            long deadline = System.currentTimeMillis() + TRAINING_TIMEOUT_MS;
            if (client.request(client.shell, "kernel_info_request", new JsonObject(), deadline, kernel) == null) {
                return "the kernel never answered kernel_info";
            }
            JsonObject exec = new JsonObject();
            exec.addProperty("code", TRAINING_CELL);
            exec.addProperty("silent", false);
            exec.addProperty("store_history", true);
            exec.add("user_expressions", new JsonObject());
            exec.addProperty("allow_stdin", false);
            exec.addProperty("stop_on_error", true);
            if (client.request(client.shell, "execute_request", exec, deadline, kernel) == null) missing.add("execute");
            for (int round = 0; round < EVERYDAY_ROUNDS; round++) {
                for (String cell : EVERYDAY_CELLS) {
                    exec.addProperty("code", cell);
                    exec.addProperty("stop_on_error", false);
                    if (client.request(client.shell, "execute_request", exec, deadline, kernel) == null) {
                        missing.add("execute");
                    }
                }
            }
            JsonObject complete = new JsonObject();
            complete.addProperty("code", "xs.si");
            complete.addProperty("cursor_pos", 5);
            if (client.request(client.shell, "complete_request", complete, deadline, kernel) == null) {
                missing.add("complete");
            }
            JsonObject shutdown = new JsonObject();
            shutdown.addProperty("restart", false);
            client.request(client.control, "shutdown_request", shutdown, System.currentTimeMillis() + 10_000, kernel);
        }
        return missing.isEmpty() ? "" : "no reply to " + String.join(", ", missing);
    }

    /** Null when a JVM starts with the archive and -Xshare:on (which fails instead of falling back). */
    private static String verify(Path java, List<String> jvmOpts, Path jar, Path archive, Kind kind)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(jvmOpts);
        if (kind == Kind.AOT_CACHE) args.addAll(List.of("-XX:AOTCache=" + archive, "-XX:AOTMode=on"));
        else args.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on"));
        args.addAll(List.of("-jar", jar.toString(), "--version"));
        JavaRun run = JavaRun.of(java, args, 60);
        if (run.exitCode() == JavaRun.TIMED_OUT) return "timed out";
        return run.ok() ? null : run.output().strip().lines().findFirst().orElse("exit " + run.exitCode());
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "no output" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "no log";
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }

    /** A connection file for the training kernel: loopback, free ports, a fresh key. */
    record Connection(int shell, int iopub, int stdin, int control, int hb, String key) {
        static Connection create() throws IOException {
            int[] ports = new int[5];
            List<ServerSocket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                    held.add(s);
                    ports[i] = s.getLocalPort();
                }
            } finally {
                for (ServerSocket s : held) s.close();
            }
            byte[] key = new byte[16];
            new SecureRandom().nextBytes(key);
            return new Connection(ports[0], ports[1], ports[2], ports[3], ports[4], HexFormat.of().formatHex(key));
        }

        String toJson() {
            return new Gson().toJson(Map.of("transport", "tcp", "ip", "127.0.0.1", "shell_port", shell,
                    "iopub_port", iopub, "stdin_port", stdin, "control_port", control, "hb_port", hb,
                    "signature_scheme", "hmac-sha256", "key", key, "kernel_name", "djl-kernel-training"));
        }
    }

    /** Just enough of a Jupyter client: signed requests on DEALER sockets, waiting for the matching reply. */
    private static final class Client {
        private final ZMQ.Socket shell;
        private final ZMQ.Socket control;
        private final Mac mac;
        private final String session = UUID.randomUUID().toString();
        private final Gson gson = new Gson();

        Client(ZContext ctx, Connection conn) throws GeneralSecurityException {
            shell = ctx.createSocket(SocketType.DEALER);
            control = ctx.createSocket(SocketType.DEALER);
            for (ZMQ.Socket s : List.of(shell, control)) {
                s.setLinger(0);
                s.setReceiveTimeOut(200);
            }
            shell.connect("tcp://127.0.0.1:" + conn.shell());
            control.connect("tcp://127.0.0.1:" + conn.control());
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(conn.key().getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        }

        /** Sends a request; returns the reply's content, or null if none came before the deadline. */
        JsonObject request(ZMQ.Socket socket, String type, JsonObject content, long deadline, Process kernel) {
            String msgId = UUID.randomUUID().toString();
            JsonObject header = new JsonObject();
            header.addProperty("msg_id", msgId);
            header.addProperty("session", session);
            header.addProperty("username", "djl-kernel-install");
            header.addProperty("date", Instant.now().toString());
            header.addProperty("msg_type", type);
            header.addProperty("version", "5.3");
            String[] parts = {gson.toJson(header), "{}", "{}", gson.toJson(content)};
            socket.sendMore("<IDS|MSG>");
            socket.sendMore(sign(parts));
            for (int i = 0; i < parts.length; i++) {
                if (i < parts.length - 1) socket.sendMore(parts[i]);
                else socket.send(parts[i]);
            }
            while (System.currentTimeMillis() < deadline && kernel.isAlive()) {
                List<String> frames = receive(socket);
                if (frames == null) continue;
                int delim = frames.indexOf("<IDS|MSG>");
                if (delim < 0 || frames.size() < delim + 6) continue;
                JsonObject parent = gson.fromJson(frames.get(delim + 3), JsonObject.class);
                if (parent != null && parent.has("msg_id") && msgId.equals(parent.get("msg_id").getAsString())) {
                    return gson.fromJson(frames.get(delim + 5), JsonObject.class);
                }
            }
            return null;
        }

        private static List<String> receive(ZMQ.Socket socket) {
            String first = socket.recvStr();
            if (first == null) return null;
            List<String> frames = new ArrayList<>();
            frames.add(first);
            while (socket.hasReceiveMore()) frames.add(socket.recvStr());
            return frames;
        }

        private String sign(String[] parts) {
            synchronized (mac) {
                for (String p : parts) mac.update(p.getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(mac.doFinal());
            }
        }
    }
}
