package io.djlkernel.kernel.debug;

import com.sun.jdi.Bootstrap;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.connect.IllegalConnectorArgumentsException;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kernel debugging the JVM it runs in: JDI attached over JDWP to this very process.
 *
 * <p>The JDWP agent cannot be loaded into a running JVM (libjdwp has no Agent_OnAttach) and Java 25 no longer
 * accepts {@code onjcmd}, so kernel.json ({@code install --debugger}) loads it at start with {@link #AGENT_OPTION}: {@code onthrow} keeps it
 * dormant (no listening socket, no transport) until this class throws {@link StartListening}; then it listens on
 * 127.0.0.1 at a free port, runs {@code launch} (/bin/true: the debugger is already here) and the kernel attaches
 * at once, holding the agent's only connection for the rest of its life. The port is found among this process's
 * listening sockets (/proc), since the agent tells it only to the launched command.
 */
final class JdwpConnection {
    static final String TRIGGER = StartListening.class.getName();
    /** The JVM option kernel.json carries (see InstallCommand). */
    static final String AGENT_OPTION = "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,"
            + "address=127.0.0.1:0,onthrow=" + TRIGGER + ",launch=/bin/true";

    private JdwpConnection() {
    }

    /** Thrown (and caught) once to wake the dormant agent up. */
    static final class StartListening extends RuntimeException {
        StartListening() {
            super("start JDWP", null, false, false);
        }
    }

    /** Whether this JVM was started with the agent in the form {@link #attach()} can wake. */
    static boolean agentLoaded() {
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-agentlib:jdwp=") && arg.contains("onthrow=" + TRIGGER)) return true;
        }
        return false;
    }

    /** Wakes the agent and attaches JDI to it; call once. */
    static VirtualMachine attach() throws IOException {
        if (!agentLoaded()) {
            throw new IOException("this kernel was started without the JDWP agent: reinstall it with "
                    + "java -jar djl-kernel.jar install --debugger");
        }
        Set<Integer> before = listeningPorts();
        try {
            throw new StartListening();
        } catch (StartListening expected) {
            // the agent saw it thrown: it is starting its transport now
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            Set<Integer> ports = listeningPorts();
            ports.removeAll(before);
            if (!ports.isEmpty()) return attach(ports.iterator().next());
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the JDWP agent started");
            }
        }
        throw new IOException("the JDWP agent did not start listening within 10 s");
    }

    private static VirtualMachine attach(int port) throws IOException {
        AttachingConnector connector = Bootstrap.virtualMachineManager().attachingConnectors().stream()
                .filter(c -> c.name().equals("com.sun.jdi.SocketAttach")).findFirst()
                .orElseThrow(() -> new IOException("no JDI socket connector in this JDK"));
        Map<String, Connector.Argument> args = connector.defaultArguments();
        args.get("hostname").setValue("127.0.0.1");
        args.get("port").setValue(Integer.toString(port));
        try {
            return connector.attach(args);
        } catch (IllegalConnectorArgumentsException e) {
            throw new IOException(e);
        }
    }

    /** TCP ports this process listens on (Linux: its socket inodes matched against /proc/self/net/tcp*). */
    private static Set<Integer> listeningPorts() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) inodes.add(target.substring(8, target.length() - 1));
                } catch (IOException | UnsupportedOperationException e) {
                    // closed meanwhile
                }
            }
        }
        Set<Integer> ports = new HashSet<>();
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            List<String> rows;
            try {
                rows = Files.readAllLines(Path.of(table));
            } catch (IOException e) {
                continue;
            }
            for (String row : rows.subList(Math.min(1, rows.size()), rows.size())) {
                String[] cols = row.trim().split("\\s+");
                if (cols.length > 9 && cols[3].equals("0A") && inodes.contains(cols[9])) {
                    ports.add(Integer.parseInt(cols[1].substring(cols[1].indexOf(':') + 1), 16));
                }
            }
        }
        return ports;
    }
}
