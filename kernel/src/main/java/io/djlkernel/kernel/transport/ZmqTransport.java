package io.djlkernel.kernel.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The five Jupyter sockets on jeromq. One IO thread owns shell, control, stdin and iopub: it polls the three
 * ROUTERs and a wake-up pipe, and performs every send from an outgoing queue, so no socket is ever touched by
 * two threads and a queued reply leaves as soon as the poll wakes (no fixed sleeps). The heartbeat REP socket
 * echoes on its own thread so a busy kernel still looks alive.
 */
public final class ZmqTransport implements Transport {
    private static final Logger LOG = Logger.getLogger(ZmqTransport.class.getName());
    private static final int LINGER_MS = 2000;
    // PUB drops messages beyond its high-water mark; big outputs arrive as many stream chunks
    private static final int IOPUB_SEND_HWM = 100_000;
    private static final long WAKEUP_SAFETY_MS = 10;
    /**
     * The largest frame a peer may send on the Jupyter sockets. jeromq allocates a frame as soon as its header
     * declares the size, before a signature could be checked: a peer declaring a 1 GB frame filled a 512 MB heap
     * from jeromq's I/O thread. Bigger frames now end the peer's connection instead. A quarter of the heap leaves
     * the rest to the cells.
     */
    static final long MAX_FRAME_BYTES = Math.min(Integer.MAX_VALUE, Runtime.getRuntime().maxMemory() / 4);
    /** Heartbeat pings are a few bytes (clients send a UUID or "ping"). */
    static final long MAX_PING_BYTES = 64 * 1024;

    private final ConnectionInfo connection;
    private final ZMQ.Context context = newContext();
    private final Queue<Outgoing> outgoing = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final Object sentMonitor = new Object();
    private final CountDownLatch bound = new CountDownLatch(1);
    private final CountDownLatch ioStopped = new CountDownLatch(1);
    private final Pipe wakeup;
    private volatile boolean closing;
    private volatile RuntimeException bindFailure;
    private volatile ConnectionInfo boundConnection;
    private Thread ioThread;
    private Thread heartbeatThread;

    private record Outgoing(Channel channel, Message message) {
    }

    private static ZMQ.Context newContext() {
        ZMQ.Context context = ZMQ.context(1);
        context.setThreadFactor(JeromqThreads::create); // before the first socket starts jeromq's threads
        return context;
    }

    public ZmqTransport(ConnectionInfo connection) {
        this.connection = connection;
        try {
            this.wakeup = Pipe.open();
            wakeup.source().configureBlocking(false);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the wake-up pipe", e);
        }
    }

    /** The connection as bound: ports given as 0 in the connection file are replaced by the real ones. */
    public ConnectionInfo boundConnection() {
        return boundConnection;
    }

    @Override
    public void start(Listener listener) {
        ioThread = new Thread(() -> runIo(listener), "djl-kernel-io");
        ioThread.setDaemon(true);
        ioThread.start();
        try {
            bound.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding", e);
        }
        if (bindFailure != null) throw bindFailure;
        // bound here so a taken port fails start(); from now on only the heartbeat thread touches it
        ZMQ.Socket heartbeat = context.socket(SocketType.REP);
        heartbeat.setLinger(0);
        heartbeat.setMaxMsgSize(MAX_PING_BYTES);
        int hbPort = bind(heartbeat, connection.heartbeatPort());
        boundConnection = boundConnection.withPorts(boundConnection.shellPort(), boundConnection.controlPort(),
                boundConnection.stdinPort(), boundConnection.iopubPort(), hbPort);
        heartbeatThread = new Thread(() -> runHeartbeat(heartbeat), "djl-kernel-heartbeat");
        heartbeatThread.setDaemon(true);
        heartbeatThread.start();
        LOG.info(() -> "listening on " + boundConnection);
    }

    @Override
    public void send(Channel channel, Message message) {
        outgoing.add(new Outgoing(channel, message));
        queued.incrementAndGet();
        wake();
    }

    @Override
    public boolean flush(Duration timeout) {
        long target = queued.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (sentMonitor) {
            while (sent.get() < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || ioStopped.getCount() == 0) return sent.get() >= target;
                try {
                    TimeUnit.NANOSECONDS.timedWait(sentMonitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (closing) return;
        closing = true;
        wake();
        try {
            if (!ioStopped.await(LINGER_MS + 3000L, TimeUnit.MILLISECONDS)) LOG.warning("IO thread did not stop");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // term() ends the heartbeat's blocking recv with ETERM; it closes its socket and term() returns
        Thread terminator = new Thread(context::term, "djl-kernel-zmq-term");
        terminator.setDaemon(true);
        terminator.start();
        try {
            terminator.join(LINGER_MS + 1000L);
            wakeup.source().close();
            wakeup.sink().close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing wake-up pipe", e);
        }
    }

    private void wake() {
        if (wakePending.compareAndSet(false, true)) {
            try {
                wakeup.sink().write(ByteBuffer.wrap(new byte[] {1}));
            } catch (IOException e) {
                LOG.log(Level.FINE, "wake-up pipe closed", e);
            }
        }
    }

    private void runIo(Listener listener) {
        ZMQ.Socket shell = null;
        ZMQ.Socket control = null;
        ZMQ.Socket stdin = null;
        ZMQ.Socket iopub = null;
        ZMQ.Poller poller = null;
        try {
            try {
                shell = socket(SocketType.ROUTER);
                control = socket(SocketType.ROUTER);
                stdin = socket(SocketType.ROUTER);
                iopub = socket(SocketType.PUB);
                iopub.setSndHWM(IOPUB_SEND_HWM);
                int shellPort = bind(shell, connection.shellPort());
                int controlPort = bind(control, connection.controlPort());
                int stdinPort = bind(stdin, connection.stdinPort());
                int iopubPort = bind(iopub, connection.iopubPort());
                boundConnection = connection.withPorts(shellPort, controlPort, stdinPort, iopubPort,
                        connection.heartbeatPort());
                poller = context.poller(4);
                poller.register(shell, ZMQ.Poller.POLLIN);
                poller.register(control, ZMQ.Poller.POLLIN);
                poller.register(stdin, ZMQ.Poller.POLLIN);
                poller.register(wakeup.source(), ZMQ.Poller.POLLIN);
            } catch (RuntimeException e) {
                bindFailure = e instanceof ZMQException
                        ? new IllegalStateException("cannot bind the kernel's sockets: " + e.getMessage(), e) : e;
                return;
            } finally {
                bound.countDown();
            }
            WireCodec codec = new WireCodec(new MessageSigner(connection.signatureScheme(), connection.key()));
            ZMQ.Socket[] routers = {shell, control, stdin};
            Channel[] channels = {Channel.SHELL, Channel.CONTROL, Channel.STDIN};
            ByteBuffer drain = ByteBuffer.allocate(64);
            int outOfMemory = 0;
            while (true) {
                try {
                    // Bounded wait: jeromq's poller was seen to miss the wake-up pipe now and then (a reply or
                    // output queued but never sent until the next request arrived); the timeout caps that at 10 ms.
                    int events = poller.poll(outgoing.isEmpty() ? WAKEUP_SAFETY_MS : 0);
                    drainWakeups(drain);
                    long before = sent.get();
                    sendQueued(codec, shell, control, stdin, iopub);
                    if (events == 0 && sent.get() > before) LOG.fine("sent after a missed wake-up");
                    if (closing) break;
                    for (int i = 0; i < routers.length; i++) {
                        if (poller.pollin(i)) receiveAll(routers[i], channels[i], codec, listener);
                    }
                    // replies queued by fast handlers during receive go out now, not after the next wake-up
                    sendQueued(codec, shell, control, stdin, iopub);
                    if (outOfMemory > 0) {
                        int times = outOfMemory;
                        outOfMemory = 0;
                        LOG.warning(() -> "the heap ran out " + times + " time(s) under the IO thread; it went on");
                    }
                } catch (OutOfMemoryError e) {
                    // A cell filled the heap and this thread's allocation failed before the cell's did. Once the
                    // cell's own error frees its memory the kernel must still hear and answer: wait, go on.
                    outOfMemory++;
                    JeromqThreads.pauseAfterOutOfMemory();
                }
            }
            sendQueued(codec, shell, control, stdin, iopub);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, "IO thread failed", e);
        } finally {
            if (poller != null) poller.close();
            for (ZMQ.Socket s : new ZMQ.Socket[] {shell, control, stdin, iopub}) {
                if (s != null) s.close();
            }
            ioStopped.countDown();
            synchronized (sentMonitor) {
                sentMonitor.notifyAll();
            }
        }
    }

    /**
     * Empties the wake-up pipe, then lets the next send write to it again. In that order: cleared first, a send
     * between the clear and the read wrote a byte this read swallowed, and the send after it found the flag still
     * set, wrote nothing, and waited for the safety timeout (what looked like jeromq missing the pipe: 4–10 ms on
     * most messages). A send whose wake-up is skipped while the flag is still set has queued its message already,
     * and the sendQueued after this drain sends it.
     */
    private void drainWakeups(ByteBuffer drain) {
        try {
            while (true) {
                drain.clear();
                if (wakeup.source().read(drain) <= 0) break;
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "reading wake-up pipe", e);
        }
        wakePending.set(false);
    }

    private void sendQueued(WireCodec codec, ZMQ.Socket shell, ZMQ.Socket control, ZMQ.Socket stdin,
                            ZMQ.Socket iopub) {
        Outgoing next;
        long count = 0;
        try {
            while ((next = cutShort != null ? cutShort : outgoing.poll()) != null) {
                ZMQ.Socket socket = switch (next.channel()) {
                    case SHELL -> shell;
                    case CONTROL -> control;
                    case STDIN -> stdin;
                    case IOPUB -> iopub;
                };
                if (cutShort != null && cutShortFrames > 0) {
                    socket.send(new byte[0], 0); // ends the half-sent copy: the client drops it as unsigned
                    cutShortFrames = 0;
                }
                cutShort = null;
                int framesOut = 0;
                try {
                    List<byte[]> frames = codec.encode(next.message());
                    int last = frames.size() - 1;
                    for (; framesOut < last; framesOut++) socket.send(frames.get(framesOut), ZMQ.SNDMORE);
                    socket.send(frames.get(last), 0);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "could not send " + next.message() + " on " + next.channel(), e);
                } catch (OutOfMemoryError e) {
                    cutShort = next; // sent again, whole, once the IO thread goes on
                    cutShortFrames = framesOut;
                    throw e;
                }
                count++;
            }
        } finally {
            if (count > 0) {
                sent.addAndGet(count);
                synchronized (sentMonitor) {
                    sentMonitor.notifyAll();
                }
            }
        }
    }

    /** A message an OutOfMemoryError interrupted, and how many of its frames had gone out (IO thread only). */
    private Outgoing cutShort;
    private int cutShortFrames;

    private void receiveAll(ZMQ.Socket socket, Channel channel, WireCodec codec, Listener listener) {
        while (true) {
            byte[] first = socket.recv(ZMQ.DONTWAIT);
            if (first == null) return;
            List<byte[]> frames = new ArrayList<>(8);
            frames.add(first);
            while (socket.hasReceiveMore()) frames.add(socket.recv(0));
            Message message;
            try {
                message = codec.decode(frames);
            } catch (InvalidMessageException e) {
                if (e.reason() == InvalidMessageException.Reason.BAD_SIGNATURE) {
                    LOG.warning(() -> "dropped a message with a bad signature on " + channel);
                } else {
                    LOG.warning(() -> "malformed message on " + channel + ": " + e.getMessage());
                    deliver(() -> listener.onInvalidMessage(channel, e));
                }
                continue;
            }
            deliver(() -> listener.onMessage(channel, message));
        }
    }

    private static void deliver(Runnable delivery) {
        try {
            delivery.run();
        } catch (RuntimeException e) {
            // a failing handler must never take the IO thread down with it
            LOG.log(Level.SEVERE, "message listener failed", e);
        }
    }

    private void runHeartbeat(ZMQ.Socket heartbeat) {
        // a ping received and not yet echoed: a REP socket must answer before it reads again, so a failed
        // allocation between the two must not lose it
        byte[] ping = null;
        List<byte[]> more = new ArrayList<>(1);
        try {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    if (ping == null) {
                        ping = heartbeat.recv(0);
                        if (ping == null) continue;
                        more.clear();
                        while (heartbeat.hasReceiveMore()) more.add(heartbeat.recv(0));
                    }
                    heartbeat.send(ping, more.isEmpty() ? 0 : ZMQ.SNDMORE);
                    for (int i = 0; i < more.size(); i++) heartbeat.send(more.get(i), i < more.size() - 1 ? ZMQ.SNDMORE : 0);
                    ping = null;
                } catch (OutOfMemoryError e) {
                    JeromqThreads.pauseAfterOutOfMemory(); // as the IO thread: a full heap must not stop the heartbeat
                }
            }
        } catch (ZMQException e) {
            if (e.getErrorCode() != ZMQ.Error.ETERM.getCode()) LOG.log(Level.WARNING, "heartbeat stopped", e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "heartbeat stopped", e);
        } finally {
            heartbeat.close();
        }
    }

    private ZMQ.Socket socket(SocketType type) {
        ZMQ.Socket socket = context.socket(type);
        socket.setLinger(LINGER_MS);
        socket.setMaxMsgSize(MAX_FRAME_BYTES);
        return socket;
    }

    private int bind(ZMQ.Socket socket, int port) {
        if (port == 0 && "tcp".equals(connection.transport())) {
            return socket.bindToRandomPort("tcp://" + connection.ip());
        }
        socket.bind(connection.endpoint(port));
        return port;
    }
}
