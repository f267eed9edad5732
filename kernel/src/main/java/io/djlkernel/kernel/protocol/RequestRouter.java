package io.djlkernel.kernel.protocol;

import io.djlkernel.kernel.io.StdinBroker;
import io.djlkernel.kernel.transport.Channel;
import io.djlkernel.kernel.transport.InvalidMessageException;
import io.djlkernel.kernel.transport.Message;
import io.djlkernel.kernel.transport.Transport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands each arriving message to its handler on the right thread: shell requests in order on one shell thread
 * (so cells run one at a time), control requests on their own thread (so interrupt and shutdown are answered
 * while a cell runs), input replies straight to the stdin broker. Every handled request is wrapped in
 * busy / idle status messages.
 */
public final class RequestRouter implements Transport.Listener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RequestRouter.class.getName());

    private final Outbox outbox;
    private final StdinBroker stdin;
    private final Map<String, RequestHandler> handlers = new ConcurrentHashMap<>();
    private final ExecutorService shell = singleThread("djl-kernel-shell");
    private final ExecutorService control = singleThread("djl-kernel-control");
    /** Comm messages of targets that answer while a cell runs (see {@link #handleBesideShell}). */
    private final ExecutorService besideShell = singleThread("djl-kernel-comms");
    private volatile java.util.function.Predicate<Message> besideShellFilter = m -> false;
    /** The message the current thread handles, so that what it sends has the right parent. */
    private final ThreadLocal<Message> handling = new ThreadLocal<>();
    private volatile Message currentShellRequest;

    public RequestRouter(Outbox outbox, StdinBroker stdin) {
        this.outbox = outbox;
        this.stdin = stdin;
    }

    public RequestRouter on(String msgType, RequestHandler handler) {
        handlers.put(msgType, handler);
        return this;
    }

    /** Runs {@code task} on the shell thread after the requests queued so far. */
    public void enqueueShell(Runnable task) {
        shell.execute(task);
    }

    /**
     * Shell messages that {@code filter} accepts (asked as each arrives, in order) are handled on a thread of their
     * own, in order, without busy/idle status: the comm messages of targets that answer while a cell runs.
     */
    public RequestRouter handleBesideShell(java.util.function.Predicate<Message> filter) {
        besideShellFilter = filter;
        return this;
    }

    /**
     * The parent for output that belongs to no reply: the comm message being handled when called from the comm
     * thread, else the shell message being handled now, or the last one.
     */
    public Message currentShellRequest() {
        Message own = handling.get();
        return own != null ? own : currentShellRequest;
    }

    @Override
    public void onMessage(Channel channel, Message message) {
        switch (channel) {
            case SHELL -> {
                if (besideShellFilter.test(message)) submitBesideShell(message);
                else submit(shell, channel, message);
            }
            case CONTROL -> submit(control, channel, message);
            case STDIN -> {
                if ("input_reply".equals(message.type())) {
                    stdin.onInputReply(message);
                } else {
                    LOG.warning(() -> "unexpected " + message.type() + " on stdin: ignored");
                }
            }
            case IOPUB -> LOG.warning(() -> "message received on iopub: ignored");
        }
    }

    @Override
    public void onInvalidMessage(Channel channel, InvalidMessageException problem) {
        if (problem.header() == null) return; // nobody to answer
        Message request = new Message(problem.identities(), problem.header(), null, null, null, List.of());
        if (channel == Channel.STDIN && "input_reply".equals(request.type())) {
            stdin.onMalformedInputReply(problem.getMessage()); // the cell reading input must not wait for good
            return;
        }
        if (!request.type().endsWith("_request")) return;
        outbox.reply(channel, request, Outbox.error("MalformedMessage", problem.getMessage(), List.of()));
    }

    private void submit(ExecutorService executor, Channel channel, Message message) {
        try {
            executor.execute(() -> dispatch(channel, message));
        } catch (RejectedExecutionException e) {
            LOG.fine(() -> "kernel stopping: " + message + " not handled");
        }
    }

    private void submitBesideShell(Message message) {
        try {
            besideShell.execute(() -> {
                handling.set(message);
                try {
                    RequestHandler handler = handlers.get(message.type());
                    if (handler != null) handler.handle(Channel.SHELL, message);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.SEVERE, "handling " + message + " failed", e);
                } finally {
                    handling.remove();
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.fine(() -> "kernel stopping: " + message + " not handled");
        }
    }

    private void dispatch(Channel channel, Message message) {
        if (channel == Channel.SHELL) currentShellRequest = message;
        outbox.status(message, "busy");
        try {
            RequestHandler handler = handlers.get(message.type());
            if (handler == null) {
                LOG.warning(() -> "unknown message type " + message.type() + " on " + channel + ": ignored");
            } else {
                handler.handle(channel, message);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.fine(() -> message + " interrupted: kernel stopping");
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, "handling " + message + " failed", e);
            if (message.type().endsWith("_request")) {
                outbox.reply(channel, message, Outbox.error(e.getClass().getName(), String.valueOf(e.getMessage()),
                        List.of("the kernel failed to handle " + message.type() + ": " + e)));
            }
        } finally {
            outbox.status(message, "idle");
        }
    }

    @Override
    public void close() {
        control.shutdownNow();
        besideShell.shutdownNow();
        shell.shutdownNow();
        try {
            shell.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ExecutorService singleThread(String name) {
        return Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }

}
