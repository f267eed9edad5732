package io.djlkernel.djl.serving;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.DecoderException;
import io.netty.util.AttributeKey;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One model behind HTTP (Netty): Open Inference Protocol v2, {@code /predict}, DJL Serving/TorchServe-style
 * {@code /predictions/{m}} and {@code /ping}, Prometheus {@code /metrics}, {@code /openapi.json}.
 * <pre>{@code
 * InferenceServer s = InferenceServer.start(model, ServeOptions.defaults());  // s.url()
 * s.stop(5_000);                                                              // drains in-flight requests
 * }</pre>
 */
public final class InferenceServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(InferenceServer.class.getName());
    static final String VERSION = "1";
    private static final String JSON = "application/json";

    private final ServableModel model;
    private final ServeOptions options;
    private final ServerMetrics metrics = new ServerMetrics();
    /** Where the endpoint's own warm-up requests are counted (see {@link #startWarmup}). */
    private final ServerMetrics warmupMetrics = new ServerMetrics();
    private final Batcher batcher;
    private final EventLoopGroup boss;
    private final EventLoopGroup io;
    private final Channel channel;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Answers handed to a connection's event loop and not yet written (a drain must not cut them off). */
    private final AtomicInteger unwritten = new AtomicInteger();
    /**
     * The request being dispatched. {@code replyOn}, its connection's event loop: a batch's results are handed back
     * there, so encoding and writing the answers runs on the I/O threads in parallel instead of one after another on
     * the worker, which can then start the next batch at once. {@code countedIn}: the users' metrics or the warm-up's.
     */
    private record Origin(java.util.concurrent.Executor replyOn, ServerMetrics countedIn) {
    }

    private static final ThreadLocal<Origin> ORIGIN = new ThreadLocal<>();
    private final byte[] tokenBytes;
    private volatile boolean stopped;
    /** False while the endpoint warms itself up (see {@link Warmup}): /v2/health/ready answers 503 meanwhile. */
    private volatile boolean warm;
    private final java.util.concurrent.CountDownLatch warmed = new java.util.concurrent.CountDownLatch(1);

    private InferenceServer(ServableModel model, ServeOptions options) throws InterruptedException {
        this.model = model;
        this.options = options;
        this.tokenBytes = options.token() == null ? null : ("Bearer " + options.token()).getBytes(StandardCharsets.UTF_8);
        this.batcher = new Batcher(model, options, inFlight::get);
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        io = new MultiThreadIoEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()), NioIoHandler.newFactory());
        try {
            channel = listen(options.host(), options.port(), metrics);
        } catch (RuntimeException | InterruptedException e) {
            batcher.stop(0);
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            io.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
        startWarmup();
    }

    /** A listening socket whose connections' requests are counted in {@code countedIn}. */
    private Channel listen(String host, int port, ServerMetrics countedIn) throws InterruptedException {
        return new ServerBootstrap().group(boss, io).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(8192, 65536, 65536));
                        ch.pipeline().addLast(new LingeringClose());
                        ch.pipeline().addLast(new HttpServerKeepAliveHandler());
                        ch.pipeline().addLast(new SizeLimit((int) options.maxRequestBytes(), countedIn));
                        ch.pipeline().addLast(new Handler(countedIn));
                    }
                })
                .bind(host, port).sync().channel();
    }

    /**
     * Warms the endpoint up (see {@link Warmup}) through a loopback socket of its own, whose requests are counted in
     * metrics that nothing shows: the same code as the users' requests, so the JIT compiles that too, and no
     * request on the endpoint's port is ever left out of its counts.
     */
    private void startWarmup() {
        if (options.warmup().isZero()) {
            markWarm();
            return;
        }
        List<WarmupTraffic.Call> calls = new ArrayList<>(WarmupTraffic.callsFor(model));
        boolean declared = !calls.isEmpty();
        calls.removeIf(call -> call.body().length > options.maxRequestBytes()); // a 413 would end the warm-up
        if (calls.isEmpty()) {
            LOG.info("no warm-up for " + model.name() + (declared
                    ? ": its requests are larger than --max-request-size" : ": its inputs are not declared"));
            markWarm();
            return;
        }
        Thread warmer = new Thread(() -> {
            long t0 = System.nanoTime();
            try {
                int clients = Math.max(4, Math.min(16, options.workers() * options.batchSize()));
                Channel own = listen(Warmup.HOST, 0, warmupMetrics);
                try {
                    long n = Warmup.run(portOf(own), options.token(), calls, options.warmup(), clients, () -> stopped);
                    warmupAnswered = n;
                    LOG.info("warm-up of " + model.name() + ": " + n + " requests in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
                } finally {
                    own.close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) { // Netty's bind rethrows a checked BindException unchecked
                LOG.log(Level.WARNING, "warm-up failed; serving unwarmed", e);
            } finally {
                markWarm();
            }
        }, "serve-warmup");
        warmer.setDaemon(true);
        warmer.start();
    }

    private void markWarm() {
        warm = true;
        warmed.countDown();
    }

    /** Requests the warm-up had answered when it ended (0 before, or without one). */
    long warmupAnswered() {
        return warmupAnswered;
    }

    private volatile long warmupAnswered;

    /** Whether the warm-up has ended (readiness waits for it). */
    public boolean isWarm() {
        return warm;
    }

    /** Waits up to {@code millis} for the warm-up to end; true when it has. */
    public boolean awaitWarm(long millis) throws InterruptedException {
        return warmed.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Binds and starts serving; an IOException-like RuntimeException when the port is taken. */
    public static InferenceServer start(ServableModel model, ServeOptions options) {
        try {
            return new InferenceServer(model, options);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding", e);
        }
    }

    public ServableModel model() {
        return model;
    }

    public ServeOptions options() {
        return options;
    }

    public int port() {
        return portOf(channel);
    }

    private static int portOf(Channel listening) {
        return ((InetSocketAddress) listening.localAddress()).getPort();
    }

    public String url() {
        String h = options.host();
        if (h.contains(":")) h = "[" + h + "]";
        if (h.equals("0.0.0.0")) h = "127.0.0.1";
        return "http://" + h + ":" + port();
    }

    public long requestCount() {
        return metrics.requestCount();
    }

    public int inFlight() {
        return inFlight.get();
    }

    public boolean isRunning() {
        return !stopped;
    }

    /** Latency percentile (0..100) over the last 2048 answers, in milliseconds; NaN before the first. */
    public double percentileMillis(double p) {
        return metrics.percentileMillis(p);
    }

    /** Stops accepting connections, waits up to {@code drainMillis} for in-flight requests, then closes. */
    public void stop(long drainMillis) {
        if (stopped) return;
        stopped = true;
        channel.close().syncUninterruptibly();
        long until = System.currentTimeMillis() + drainMillis;
        while (inFlight.get() + unwritten.get() > 0 && System.currentTimeMillis() < until) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        batcher.stop(Math.max(0, until - System.currentTimeMillis()));
        io.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Override
    public void close() {
        stop(5_000);
    }

    /**
     * Closes connections without losing their last answer: closing while the client still sends (an oversized or
     * malformed request, a body we did not need) makes the kernel reset the connection, and a reset discards the
     * answer the client has not read yet. So a close after an error answer (ours, the keep-alive handler's) first
     * ends our side and keeps reading, and dropping, until the client closes, at most a few seconds.
     */
    private static final class LingeringClose extends io.netty.channel.ChannelOutboundHandlerAdapter {
        @Override
        public void close(ChannelHandlerContext ctx, io.netty.channel.ChannelPromise promise) {
            // only after an error answer: a client that was answered normally has sent all it meant to, and a
            // lingering close of those held the drain at shutdown past the answer (the request in flight was lost)
            boolean afterError = Boolean.TRUE.equals(ctx.channel().attr(LINGER).get());
            if (!afterError || !(ctx.channel() instanceof SocketChannel socket) || !socket.isActive() || socket.isOutputShutdown()) {
                ctx.close(promise);
                return;
            }
            socket.shutdownOutput().addListener(done ->
                    ctx.executor().schedule(() -> ctx.close(promise), LINGER_SECONDS, TimeUnit.SECONDS));
        }
    }

    private static final int LINGER_SECONDS = 3;
    /** Set on a connection whose answer is an error: its close lingers (the client may still be sending). */
    private static final AttributeKey<Boolean> LINGER = AttributeKey.valueOf("djl.linger");

    /** 413 with a JSON body; the rest of an oversized body is read and dropped so the client sees the answer. */
    private final class SizeLimit extends HttpObjectAggregator {
        private final ServerMetrics countedIn;

        SizeLimit(int max, ServerMetrics countedIn) {
            super(max);
            this.countedIn = countedIn;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            countedIn.refused(model.name(), "oversized", 413);
            FullHttpResponse r = json(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    error("the request body is larger than the limit of " + options.maxRequestBytes() + " bytes (--max-request-size)"));
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.channel().attr(LINGER).set(true);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        /** The users' metrics, or the warm-up's on its own socket. */
        private final ServerMetrics countedIn;

        Handler(ServerMetrics countedIn) {
            this.countedIn = countedIn;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            long t0 = System.nanoTime();
            ServerMetrics countedIn = this.countedIn;
            countedIn.arrived();
            inFlight.incrementAndGet();
            String path = pathOf(req.uri());
            String route = "other";
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            CompletableFuture<FullHttpResponse> answer;
            try {
                if (!req.decoderResult().isSuccess()) throw new BadRequest("malformed HTTP request: " + req.decoderResult().cause());
                String[] seg = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
                route = routeName(seg);
                if (!isOpenRoute(seg)) authorize(req);
                ORIGIN.set(new Origin(ctx.executor(), countedIn));
                try {
                    answer = dispatch(req, seg);
                } finally {
                    ORIGIN.remove();
                }
            } catch (BadRequest e) {
                answer = CompletableFuture.completedFuture(json(HttpResponseStatus.valueOf(e.status()), error(e.getMessage())));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "request " + req.method() + " " + path + " failed", e);
                answer = CompletableFuture.completedFuture(json(HttpResponseStatus.INTERNAL_SERVER_ERROR, error(String.valueOf(e))));
            }
            String r = route;
            answer.orTimeout(options.timeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((resp, failure) -> {
                FullHttpResponse out = resp != null ? resp : failureResponse(failure);
                if (!keepAlive) out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                countedIn.answered(model.name(), r, out.status().code(), System.nanoTime() - t0);
                // counted until the answer is on the wire: stop() waits for it before it shuts the event loops down
                unwritten.incrementAndGet();
                inFlight.decrementAndGet();
                if (out.status().code() >= 400) ctx.channel().attr(LINGER).set(true);
                var f = ctx.writeAndFlush(out);
                f.addListener(written -> unwritten.decrementAndGet());
                if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(Level.FINE, "connection error", cause);
            ctx.close();
        }
    }

    /** The decoded path, or the raw URI when it does not decode ("/%zz"): then no route matches and it is a 404. */
    private static String pathOf(String uri) {
        try {
            return new QueryStringDecoder(uri).path();
        } catch (IllegalArgumentException e) {
            return uri;
        }
    }

    private FullHttpResponse failureResponse(Throwable failure) {
        Throwable f = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (f instanceof BadRequest b) return json(HttpResponseStatus.valueOf(b.status()), error(b.getMessage()));
        if (f instanceof TimeoutException) {
            return json(HttpResponseStatus.GATEWAY_TIMEOUT, error("the request took longer than the timeout of " + options.timeout().toMillis() + " ms (--timeout)"));
        }
        LOG.log(Level.WARNING, "inference failed", f);
        return json(HttpResponseStatus.INTERNAL_SERVER_ERROR, error("inference failed: " + f));
    }

    private static String routeName(String[] seg) {
        if (seg.length == 0) return "root";
        if (seg[0].equals("v2")) {
            if (seg.length >= 2 && seg[1].equals("health")) return "v2_health";
            if (seg.length >= 3 && seg[seg.length - 1].equals("infer")) return "v2_infer";
            if (seg.length >= 3) return "v2_model";
            return "v2";
        }
        return seg[0];
    }

    private static boolean isOpenRoute(String[] seg) {
        return seg.length == 1 && seg[0].equals("ping") || seg.length == 3 && seg[0].equals("v2") && seg[1].equals("health");
    }

    private void authorize(FullHttpRequest req) {
        if (tokenBytes == null) return;
        String h = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        byte[] given = h == null ? new byte[0] : h.trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, tokenBytes)) {
            throw new BadRequest(401, h == null ? "missing bearer token (send Authorization: Bearer TOKEN)" : "wrong bearer token");
        }
    }

    private CompletableFuture<FullHttpResponse> dispatch(FullHttpRequest req, String[] seg) {
        HttpMethod m = req.method();
        boolean get = m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD);
        boolean post = m.equals(HttpMethod.POST);
        if (seg.length == 0) {
            if (get) return done(ok(index()));
            throw new BadRequest(405, "use GET on / (or POST to /predict, /v2/models/NAME/infer)");
        }
        switch (seg[0]) {
            case "v2":
                return v2(req, seg, get, post);
            case "ping":
                if (!get && !post) break;
                return done(json(model.isOpen() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                        object("status", model.isOpen() ? "Healthy" : "Unhealthy")));
            case "predict":
                if (seg.length != 1) break;
                requirePost(post);
                return predictImage(req, false);
            case "predictions":
                if (seg.length < 2 || seg.length > 3) break;
                requirePost(post);
                requireModel(seg[1]);
                return predictions(req);
            case "metrics":
                if (seg.length != 1 || !get) break;
                try {
                    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                            Unpooled.wrappedBuffer(metrics.scrape()));
                    r.headers().set(HttpHeaderNames.CONTENT_TYPE, ServerMetrics.contentType());
                    HttpUtil.setContentLength(r, r.content().readableBytes());
                    return done(r);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            case "openapi.json":
                if (seg.length != 1 || !get) break;
                return done(raw(HttpResponseStatus.OK, JSON, OpenApi.document(model, url()).getBytes(StandardCharsets.UTF_8)));
            default:
                break;
        }
        throw new BadRequest(404, "no route " + req.method() + " " + req.uri() + " (see GET /openapi.json)");
    }

    private static void requirePost(boolean post) {
        if (!post) throw new BadRequest(405, "use POST");
    }

    private void requireModel(String name) {
        if (!name.equals(model.name())) throw new BadRequest(404, "unknown model '" + name + "'; this endpoint serves '" + model.name() + "'");
        if (!model.isOpen()) throw new BadRequest(503, "model '" + name + "' was unloaded");
    }

    private CompletableFuture<FullHttpResponse> v2(FullHttpRequest req, String[] seg, boolean get, boolean post) {
        if (seg.length == 1 && get) {
            JsonObject o = new JsonObject();
            o.addProperty("name", "djl-kernel");
            o.addProperty("version", ServingVersion.get());
            o.add("extensions", new JsonArray());
            return done(ok(o));
        }
        if (seg.length == 3 && seg[1].equals("health") && get && (seg[2].equals("live") || seg[2].equals("ready"))) {
            boolean ready = seg[2].equals("live") || model.isOpen() && !stopped && warm;
            return done(json(ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, object(seg[2], ready)));
        }
        if (seg.length >= 3 && seg[1].equals("models")) {
            requireModel(seg[2]);
            int at = 3;
            String version = null;
            if (seg.length >= 5 && seg[3].equals("versions")) {
                version = seg[4];
                if (!version.equals(VERSION)) throw new BadRequest(404, "model '" + seg[2] + "' has no version '" + version + "' (it has " + VERSION + ")");
                at = 5;
            }
            if (seg.length == at && get) return done(ok(metadata()));
            if (seg.length == at + 1 && seg[at].equals("ready") && get) {
                JsonObject o = object("name", model.name());
                o.addProperty("ready", model.isOpen());
                return done(ok(o));
            }
            if (seg.length == at + 1 && seg[at].equals("infer")) {
                requirePost(post);
                return infer(req, version);
            }
        }
        throw new BadRequest(404, "no route " + req.method() + " " + req.uri() + " (see GET /openapi.json)");
    }

    JsonObject metadata() {
        JsonObject o = new JsonObject();
        o.addProperty("name", model.name());
        JsonArray versions = new JsonArray();
        versions.add(VERSION);
        o.add("versions", versions);
        o.addProperty("platform", model.platform());
        o.add("inputs", specs(model.inputs()));
        o.add("outputs", specs(outputSpecs()));
        return o;
    }

    List<IoSpec> outputSpecs() {
        List<IoSpec> out = new ArrayList<>(model.outputs());
        if (model.isImageClassifier() && !model.synset().isEmpty()) out.add(new IoSpec("label", V2Type.BYTES, new long[] {-1}));
        return out;
    }

    private static JsonArray specs(List<IoSpec> specs) {
        JsonArray a = new JsonArray();
        for (IoSpec s : specs) {
            JsonObject o = new JsonObject();
            o.addProperty("name", s.name());
            o.addProperty("datatype", s.datatype().name());
            JsonArray sh = new JsonArray();
            for (long d : s.shape()) sh.add(d);
            o.add("shape", sh);
            a.add(o);
        }
        return a;
    }

    private CompletableFuture<FullHttpResponse> infer(FullHttpRequest req, String version) {
        V2Codec.InferRequest r = V2Codec.parse(req.content().toString(StandardCharsets.UTF_8));
        List<HostTensor> inputs = matchInputs(r.inputs());
        List<IoSpec> outs = outputSpecs();
        if (r.outputs() != null) {
            for (String want : r.outputs()) {
                boolean known = outs.isEmpty() ? want.matches("output\\d+") : outs.stream().anyMatch(s -> s.name().equals(want));
                if (!known) throw new BadRequest("unknown output '" + want + "'; outputs: " + outs.stream().map(IoSpec::name).toList());
            }
        }
        return run(inputs).thenApply(out -> {
            List<HostTensor> named = nameOutputs(out);
            if (r.outputs() != null) named = named.stream().filter(t -> r.outputs().contains(t.name())).toList();
            return raw(HttpResponseStatus.OK, JSON,
                    V2Codec.response(model.name(), version, r.id(), named).getBytes(StandardCharsets.UTF_8));
        });
    }

    /** Orders inputs as the model declares them and checks datatype and shape; image BYTES become tensors. */
    private List<HostTensor> matchInputs(List<HostTensor> given) {
        List<IoSpec> declared = model.inputs();
        if (declared.isEmpty()) {
            for (HostTensor t : given) {
                if (t.type() == V2Type.BYTES) throw new BadRequest("input '" + t.name() + "': BYTES cannot be a tensor input of this model");
            }
            return given;
        }
        if (given.size() != declared.size()) {
            throw new BadRequest("model '" + model.name() + "' takes " + declared.size() + " input(s) " + names(declared) + ", got " + given.size());
        }
        List<HostTensor> ordered = new ArrayList<>();
        for (IoSpec spec : declared) {
            HostTensor t = given.size() == 1 ? given.get(0)
                    : given.stream().filter(g -> g.name().equals(spec.name())).findFirst()
                    .orElseThrow(() -> new BadRequest("missing input '" + spec.name() + "'; the model takes " + names(declared)));
            if (t.type() == V2Type.BYTES && model.isImageClassifier()) {
                if (t.shape().length != 1) throw new BadRequest("input '" + t.name() + "': BYTES images need shape [N]");
                List<byte[]> images = new ArrayList<>();
                for (String s : (String[]) t.data()) {
                    try {
                        images.add(Base64.getDecoder().decode(s));
                    } catch (IllegalArgumentException e) {
                        throw new BadRequest("input '" + t.name() + "': BYTES images must be base64 encoded");
                    }
                }
                t = ImageInput.tensor(spec.name(), images, model.imageSize());
            }
            if (t.type() != spec.datatype()) {
                throw new BadRequest("input '" + t.name() + "': datatype " + t.type() + " does not match the model's " + spec.datatype());
            }
            if (!spec.accepts(t.shape())) {
                throw new BadRequest("input '" + t.name() + "': shape " + Arrays.toString(t.shape()) + " does not match the model's "
                        + Arrays.toString(spec.shape()) + " (-1: any size)");
            }
            ordered.add(t);
        }
        return ordered;
    }

    private static String names(List<IoSpec> specs) {
        return specs.stream().map(IoSpec::name).toList().toString();
    }

    private List<HostTensor> nameOutputs(List<HostTensor> out) {
        List<IoSpec> declared = model.outputs();
        List<HostTensor> named = new ArrayList<>(out.size() + 1);
        for (int i = 0; i < out.size(); i++) named.add(i < declared.size() ? out.get(i).rename(declared.get(i).name()) : out.get(i));
        if (model.isImageClassifier() && !model.synset().isEmpty() && !out.isEmpty() && out.get(0).data() instanceof float[] logits
                && out.get(0).shape().length == 2) {
            int rows = (int) out.get(0).shape()[0];
            int classes = (int) out.get(0).shape()[1];
            String[] labels = new String[rows];
            for (int r = 0; r < rows; r++) labels[r] = label(argmax(logits, r * classes, classes));
            named.add(new HostTensor("label", V2Type.BYTES, new long[] {rows}, labels));
        }
        return named;
    }

    private String label(int i) {
        List<String> s = model.synset();
        return i < s.size() ? s.get(i) : Integer.toString(i);
    }

    private static int argmax(float[] a, int from, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (a[from + i] > a[from + best]) best = i;
        return best;
    }

    /** Queues inputs for the model; called while {@link Handler} dispatches a request (see {@link #ORIGIN}). */
    private CompletableFuture<List<HostTensor>> run(List<HostTensor> inputs) {
        if (!model.isOpen()) throw new BadRequest(503, "model '" + model.name() + "' was unloaded");
        Origin origin = ORIGIN.get();
        if (origin == null) origin = new Origin(null, metrics); // not from a request: the worker replies, users count it
        return batcher.submit(inputs, TimeUnit.MILLISECONDS.toNanos(options.timeout().toMillis()), origin.replyOn(), origin.countedIn());
    }

    /** The seed's route: one image in, {"class_id": N, "probability": p} (plus "class" when a synset is known). */
    private CompletableFuture<FullHttpResponse> predictImage(FullHttpRequest req, boolean topK) {
        if (!model.isImageClassifier()) {
            throw new BadRequest("model '" + model.name() + "' is not an image classifier (serve one loaded with --translator image-classification, or use /v2/models/"
                    + model.name() + "/infer)");
        }
        byte[] image = imageBytes(req);
        HostTensor x = ImageInput.tensor(model.inputs().isEmpty() ? "input0" : model.inputs().get(0).name(), image, model.imageSize());
        return run(List.of(x)).thenApply(out -> {
            HostTensor logits = out.get(0);
            if (!(logits.data() instanceof float[] f) || logits.shape().length != 2) {
                throw new CompletionException(new IllegalStateException("the classifier returned " + logits.type() + " " + Arrays.toString(logits.shape())));
            }
            int classes = (int) logits.shape()[1];
            double[] p = ImageInput.softmax(f, 0, classes);
            int best = argmax(f, 0, classes);
            if (topK) {
                Integer[] order = new Integer[classes];
                for (int i = 0; i < classes; i++) order[i] = i;
                Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
                JsonArray a = new JsonArray();
                for (int i = 0; i < Math.min(5, classes); i++) {
                    JsonObject o = new JsonObject();
                    o.addProperty("className", label(order[i]));
                    o.addProperty("probability", p[order[i]]);
                    a.add(o);
                }
                return raw(HttpResponseStatus.OK, JSON, a.toString().getBytes(StandardCharsets.UTF_8));
            }
            JsonObject o = new JsonObject();
            o.addProperty("class_id", best);
            o.addProperty("probability", p[best]);
            if (!model.synset().isEmpty()) o.addProperty("class", label(best));
            return ok(o);
        });
    }

    /** DJL Serving / TorchServe style: an image (classifier: top 5 [{className, probability}]) or a JSON array/V2 body. */
    private CompletableFuture<FullHttpResponse> predictions(FullHttpRequest req) {
        String ct = String.valueOf(req.headers().get(HttpHeaderNames.CONTENT_TYPE)).toLowerCase();
        if (model.isImageClassifier() && !ct.startsWith(JSON)) return predictImage(req, true);
        String body = req.content().toString(StandardCharsets.UTF_8);
        JsonElement e;
        try {
            e = JsonParser.parseString(body);
        } catch (JsonParseException ex) {
            throw new BadRequest("malformed JSON: " + ex.getMessage());
        }
        if (e != null && e.isJsonObject() && e.getAsJsonObject().has("inputs")) return infer(req, null);
        if (e == null || !e.isJsonArray()) throw new BadRequest("send a JSON array of numbers (a tensor), a V2 request, or an image");
        List<Long> shape = new ArrayList<>();
        JsonElement cur = e;
        while (cur.isJsonArray()) {
            shape.add((long) cur.getAsJsonArray().size());
            if (cur.getAsJsonArray().isEmpty()) break;
            cur = cur.getAsJsonArray().get(0);
        }
        JsonObject t = new JsonObject();
        t.addProperty("name", "input0");
        t.addProperty("datatype", "FP32");
        JsonArray sh = new JsonArray();
        shape.forEach(sh::add);
        t.add("shape", sh);
        t.add("data", e);
        List<HostTensor> in = matchInputs(List.of(V2Codec.tensor(t)));
        return run(in).thenApply(out -> {
            HostTensor o = out.get(0);
            return raw(HttpResponseStatus.OK, JSON, nested(o).getBytes(StandardCharsets.UTF_8));
        });
    }

    private static String nested(HostTensor t) {
        StringBuilder sb = new StringBuilder();
        int[] at = {0};
        nest(sb, t, 0, at);
        return sb.toString();
    }

    private static void nest(StringBuilder sb, HostTensor t, int dim, int[] at) {
        if (dim == t.shape().length) {
            Object d = t.data();
            if (d instanceof float[] f) sb.append(f[at[0]]);
            else if (d instanceof double[] x) sb.append(x[at[0]]);
            else if (d instanceof long[] l) sb.append(t.type() == V2Type.BOOL ? Boolean.toString(l[at[0]] != 0) : Long.toString(l[at[0]]));
            else sb.append('"').append(((String[]) d)[at[0]].replace("\"", "\\\"")).append('"');
            at[0]++;
            return;
        }
        sb.append('[');
        for (long i = 0; i < t.shape()[dim]; i++) {
            if (i > 0) sb.append(',');
            nest(sb, t, dim + 1, at);
        }
        sb.append(']');
    }

    /** The image from a multipart form (the first file, or a field named data/file/image) or the raw body. */
    private static byte[] imageBytes(FullHttpRequest req) {
        String ct = String.valueOf(req.headers().get(HttpHeaderNames.CONTENT_TYPE)).toLowerCase();
        if (ct.startsWith("multipart/form-data")) {
            HttpPostRequestDecoder d;
            try {
                d = new HttpPostRequestDecoder(new DefaultHttpDataFactory(false), req);
            } catch (DecoderException | IllegalArgumentException | IndexOutOfBoundsException e) {
                // IndexOutOfBounds: Netty's boundary parsing of "multipart/form-data; boundary=" (empty)
                throw new BadRequest("malformed multipart body: " + e.getMessage());
            }
            try {
                byte[] field = null;
                for (InterfaceHttpData part : d.getBodyHttpDatas()) {
                    if (part instanceof FileUpload f) return f.get();
                    if (part instanceof io.netty.handler.codec.http.multipart.Attribute a
                            && List.of("data", "file", "image", "body").contains(a.getName())) {
                        field = a.get();
                    }
                }
                if (field != null) return field;
                throw new BadRequest("the multipart form has no file (send it as -F file=@image.png)");
            } catch (DecoderException | IllegalArgumentException | IndexOutOfBoundsException | IOException e) {
                // every decoder failure (TooLongFormField..., NotEnoughData..., ErrorData...) is the client's body
                throw new BadRequest("malformed multipart body: " + e.getMessage());
            } finally {
                d.destroy();
            }
        }
        return ByteBufUtil.getBytes(req.content());
    }

    private JsonObject index() {
        JsonObject o = new JsonObject();
        o.addProperty("name", "djl-kernel");
        o.addProperty("model", model.name());
        JsonArray routes = new JsonArray();
        for (String r : List.of("GET /v2", "GET /v2/health/live", "GET /v2/health/ready", "GET /v2/models/" + model.name(),
                "GET /v2/models/" + model.name() + "/ready", "POST /v2/models/" + model.name() + "/infer", "POST /predict",
                "POST /predictions/" + model.name(), "GET /ping", "GET /metrics", "GET /openapi.json")) {
            routes.add(r);
        }
        o.add("routes", routes);
        return o;
    }

    private static CompletableFuture<FullHttpResponse> done(FullHttpResponse r) {
        return CompletableFuture.completedFuture(r);
    }

    static JsonObject error(String message) {
        return object("error", message);
    }

    private static JsonObject object(String key, Object value) {
        JsonObject o = new JsonObject();
        if (value instanceof Boolean b) o.addProperty(key, b);
        else o.addProperty(key, String.valueOf(value));
        return o;
    }

    private static FullHttpResponse ok(JsonObject o) {
        return json(HttpResponseStatus.OK, o);
    }

    private static FullHttpResponse json(HttpResponseStatus status, JsonObject o) {
        return raw(status, JSON, o.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static FullHttpResponse raw(HttpResponseStatus status, String type, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        HttpUtil.setContentLength(r, body.length);
        if (status.code() == 401) r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        return r;
    }

    /** The project version for GET /v2. */
    static final class ServingVersion {
        private ServingVersion() {
        }

        static String get() {
            try (InputStream in = InferenceServer.class.getResourceAsStream("/djl-kernel.properties")) {
                if (in != null) {
                    java.util.Properties p = new java.util.Properties();
                    p.load(in);
                    return p.getProperty("version", "0.1.0");
                }
            } catch (IOException ignored) {
                // fall through
            }
            return "0.1.0";
        }
    }
}
