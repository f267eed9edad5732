package io.djlkernel.djl.serving;

import ai.djl.engine.EngineException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Dynamic batching: a bounded queue and worker threads, each with its own predictor. A worker takes a job, then
 * for up to {@code maxDelay} more jobs whose inputs stack along the first dimension (as many rows as
 * {@link BatchSizer} finds worth it, at most {@code --batch-size}), runs them as one batch and splits the outputs
 * back by rows.
 */
final class Batcher {
    private static final Logger LOG = Logger.getLogger(Batcher.class.getName());

    record Job(List<HostTensor> inputs, long enqueued, long deadline, CompletableFuture<List<HostTensor>> result,
               Executor replyOn, ServerMetrics countedIn, java.util.concurrent.atomic.AtomicBoolean takenFlag) {
        int rows() {
            return (int) inputs.get(0).shape()[0];
        }
    }

    private final ServableModel model;
    private final long maxDelayNanos;
    private final BlockingQueue<Job> queue;
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    /** The batch size that pays for this model, up to --batch-size (see {@link BatchSizer}). */
    private final BatchSizer sizer;
    /** Jobs workers have taken from the queue and not yet answered. */
    private final AtomicInteger taken = new AtomicInteger();
    private final java.util.function.IntSupplier arriving;
    private volatile boolean stopping;

    /**
     * {@code inFlight}: HTTP requests received and not yet answered. A worker stops waiting for more when the queue
     * is empty and no request is in flight beyond its batch (a lone client pays no batching delay).
     */
    Batcher(ServableModel model, ServeOptions o, java.util.function.IntSupplier arriving) {
        this.arriving = arriving;
        this.model = model;
        this.sizer = new BatchSizer(Math.max(1, o.batchSize()));
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, o.maxBatchDelayMs()));
        this.queue = new ArrayBlockingQueue<>(Math.max(1, o.queueSize()));
        for (int i = 0; i < Math.max(1, o.workers()); i++) {
            Thread t = new Thread(this::work, "serve-" + model.name() + "-worker-" + i);
            t.setDaemon(true);
            workers.add(t);
        }
        workers.forEach(Thread::start);
    }

    /**
     * Queues a job; a 503 BadRequest when the queue is full or the server is stopping. Its result is completed on
     * {@code replyOn} (null: on the worker), so what the caller chains on it does not hold up the worker; its
     * queue time and batch go to {@code countedIn}.
     */
    CompletableFuture<List<HostTensor>> submit(List<HostTensor> inputs, long timeoutNanos, Executor replyOn, ServerMetrics countedIn) {
        if (stopping) throw new BadRequest(503, "the endpoint is shutting down");
        long now = System.nanoTime();
        Job job = new Job(inputs, now, now + timeoutNanos, new CompletableFuture<>(), replyOn, countedIn,
                new java.util.concurrent.atomic.AtomicBoolean());
        if (!queue.offer(job)) throw new BadRequest(503, "the request queue is full (" + queue.size() + " waiting); retry later");
        return job.result();
    }

    int queued() {
        return queue.size();
    }

    private void work() {
        Predictor<NDList, NDList> predictor = null;
        Deque<Job> leftover = new ArrayDeque<>();
        try (NDManager manager = NDManager.newBaseManager(model.device())) {
            predictor = model.newTensorPredictor();
            while (!stopping || !queue.isEmpty() || !leftover.isEmpty()) {
                Job first = leftover.isEmpty() ? take(queue.poll(50, TimeUnit.MILLISECONDS)) : leftover.poll();
                if (first == null) continue;
                running.incrementAndGet();
                try {
                    List<Job> batch = new ArrayList<>();
                    batch.add(first);
                    int cap = sizer.cap();
                    boolean stacks = stackable(first, first);
                    int rows = stacks ? first.rows() : cap;
                    if (rows < cap) {
                        long until = System.nanoTime() + maxDelayNanos;
                        while (rows < cap) {
                            long left = until - System.nanoTime();
                            // nothing queued and nothing on its way (every request received is queued or in a
                            // batch already): waiting would only add latency
                            boolean idle = queue.isEmpty() && (arriving.getAsInt() - taken.get() <= 0
                                    // another worker is free: it takes what arrives next, so waiting here only delays
                                    || running.get() < workers.size());
                            Job j = take(left <= 0 || idle ? queue.poll() : queue.poll(left, TimeUnit.NANOSECONDS));
                            if (j == null) break;
                            boolean fits = stackable(first, j);
                            if (fits && rows + j.rows() <= cap) {
                                batch.add(j);
                                rows += j.rows();
                            } else {
                                leftover.add(j);
                                if (fits) break; // stacks but would overfill: it starts the next batch
                            }
                        }
                    }
                    run(predictor, manager, batch);
                } finally {
                    running.decrementAndGet();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.SEVERE, "serving worker for " + model.name() + " failed", e);
            fail(leftover, e);
        } finally {
            if (predictor != null) predictor.close();
        }
    }

    private Job take(Job j) {
        if (j != null && j.takenFlag().compareAndSet(false, true)) taken.incrementAndGet();
        return j;
    }

    private void fail(Deque<Job> jobs, Throwable e) {
        for (Job j : jobs) failed(j, e);
    }

    private void succeeded(Job j, List<HostTensor> outputs) {
        handOff(j, () -> j.result().complete(outputs));
    }

    private void failed(Job j, Throwable e) {
        handOff(j, () -> j.result().completeExceptionally(e));
    }

    private void handOff(Job j, Runnable completion) {
        if (j.takenFlag().compareAndSet(true, false)) taken.decrementAndGet(); // once, however the job ends
        if (j.replyOn() != null) {
            try {
                j.replyOn().execute(completion);
                return;
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the connection's event loop is gone (server stopping): complete here
            }
        }
        completion.run();
    }

    private static boolean stackable(Job a, Job b) {
        if (a.inputs().size() != b.inputs().size()) return false;
        for (int i = 0; i < a.inputs().size(); i++) {
            HostTensor x = a.inputs().get(i);
            HostTensor y = b.inputs().get(i);
            if (x.type() == V2Type.BYTES || !x.stacksWith(y)) return false;
        }
        return true;
    }

    private void run(Predictor<NDList, NDList> predictor, NDManager base, List<Job> batch) {
        long now = System.nanoTime();
        List<Job> live = new ArrayList<>(batch.size());
        for (Job j : batch) {
            j.countedIn().queueTime(model.name(), (now - j.enqueued()) / 1e9);
            if (now > j.deadline()) failed(j, new BadRequest(504, "timed out waiting in the queue"));
            else live.add(j);
        }
        if (live.isEmpty()) return;
        live.get(0).countedIn().batchSize(model.name(), live.size());
        if (live.size() == 1) {
            complete(live.get(0), () -> timed(predictor, base, live.get(0).inputs()));
            return;
        }
        List<HostTensor> stacked = new ArrayList<>();
        for (int i = 0; i < live.get(0).inputs().size(); i++) {
            List<HostTensor> parts = new ArrayList<>();
            for (Job j : live) parts.add(j.inputs().get(i));
            stacked.add(HostTensor.concat(parts));
        }
        List<HostTensor> out;
        try {
            out = timed(predictor, base, stacked);
        } catch (RuntimeException e) {
            // one bad member must not fail the others: run them one by one
            for (Job j : live) complete(j, () -> predict(predictor, base, j.inputs()));
            return;
        }
        long total = stacked.get(0).shape()[0];
        for (HostTensor o : out) {
            if (o.shape().length == 0 || o.shape()[0] != total) {
                for (Job j : live) complete(j, () -> predict(predictor, base, j.inputs()));
                return;
            }
        }
        int at = 0;
        for (Job j : live) {
            int r = j.rows();
            List<HostTensor> mine = new ArrayList<>(out.size());
            for (HostTensor o : out) mine.add(o.rows(at, at + r));
            at += r;
            succeeded(j, mine);
        }
    }

    private interface Call {
        List<HostTensor> get();
    }

    private void complete(Job j, Call call) {
        List<HostTensor> outputs;
        try {
            outputs = call.get();
        } catch (RuntimeException e) {
            failed(j, e);
            return;
        }
        succeeded(j, outputs);
    }

    /** {@link #predict}, its time per row recorded for the batch sizer. */
    private List<HostTensor> timed(Predictor<NDList, NDList> predictor, NDManager base, List<HostTensor> inputs) {
        long t0 = System.nanoTime();
        List<HostTensor> out = predict(predictor, base, inputs);
        long[] shape = inputs.isEmpty() ? new long[0] : inputs.get(0).shape();
        if (shape.length > 0) sizer.record((int) Math.min(Integer.MAX_VALUE, shape[0]), System.nanoTime() - t0);
        return out;
    }

    private static List<HostTensor> predict(Predictor<NDList, NDList> predictor, NDManager base, List<HostTensor> inputs) {
        try (NDManager m = base.newSubManager()) {
            NDList in = new NDList(inputs.size());
            for (HostTensor t : inputs) in.add(t.toNDArray(m));
            NDList out = predictor.predict(in);
            List<HostTensor> res = new ArrayList<>(out.size());
            for (int i = 0; i < out.size(); i++) res.add(HostTensor.of("output" + i, out.get(i)));
            out.close();
            return res;
        } catch (ai.djl.translate.TranslateException | EngineException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            int nl = msg.indexOf('\n');
            throw new BadRequest(400, "the model could not run on this input: " + (nl > 0 ? msg.substring(0, nl) : msg));
        }
    }

    /** Stops taking jobs, lets the workers finish what is queued (up to {@code drainMillis}), then stops them. */
    void stop(long drainMillis) {
        stopping = true;
        long until = System.currentTimeMillis() + drainMillis;
        for (Thread t : workers) {
            try {
                t.join(Math.max(1, until - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Thread t : workers) if (t.isAlive()) t.interrupt();
        Job j;
        while ((j = queue.poll()) != null) failed(j, new BadRequest(503, "the endpoint stopped"));
    }
}
