package io.djlkernel.kernel.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.djlkernel.api.display.Display;
import io.djlkernel.kernel.Kernel;
import io.djlkernel.kernel.testing.FakeInterpreter;
import io.djlkernel.kernel.testing.RecordingTransport;
import io.djlkernel.kernel.testing.TextRenderers;
import io.djlkernel.kernel.transport.Channel;
import io.djlkernel.kernel.transport.InvalidMessageException;
import io.djlkernel.kernel.transport.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The protocol handlers driven through an in-memory transport and a scripted interpreter. */
class KernelProtocolTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private RecordingTransport transport;
    private FakeInterpreter interpreter;
    private Kernel kernel;

    @BeforeEach
    void startKernel() {
        transport = new RecordingTransport();
        kernel = Kernel.builder()
                .transport(transport)
                .interpreter(() -> interpreter)
                .renderers(new TextRenderers())
                .installSystemStreams(false)
                .build();
        interpreter = new FakeInterpreter(kernel::stdout, kernel::stderr, kernel::stdin);
        kernel.start();
    }

    @AfterEach
    void stopKernel() throws InterruptedException {
        kernel.shutdown();
        assertTrue(kernel.awaitShutdown(10, TimeUnit.SECONDS), "kernel did not stop");
    }

    record Execution(Message request, Message reply, List<Message> iopub) {
        List<String> types() {
            return iopub.stream().map(Message::type).toList();
        }

        List<Message> ofType(String type) {
            return iopub.stream().filter(m -> m.type().equals(type)).toList();
        }

        String stdout() {
            StringBuilder text = new StringBuilder();
            for (Message m : ofType("stream")) {
                if (m.content().get("name").getAsString().equals("stdout")) text.append(m.content().get("text").getAsString());
            }
            return text.toString();
        }

        String status() {
            return reply.content().get("status").getAsString();
        }

        int count() {
            return reply.content().get("execution_count").getAsInt();
        }
    }

    private static JsonObject executeContent(String code) {
        JsonObject content = new JsonObject();
        content.addProperty("code", code);
        content.addProperty("silent", false);
        content.addProperty("store_history", true);
        content.add("user_expressions", new JsonObject());
        content.addProperty("allow_stdin", false);
        content.addProperty("stop_on_error", true);
        return content;
    }

    private Message sendExecute(JsonObject content) {
        return transport.deliver(Channel.SHELL, "execute_request", content);
    }

    private Execution finish(Message request) throws InterruptedException {
        Message reply = transport.awaitReply(request, WAIT);
        List<Message> iopub = transport.awaitIdle(request, WAIT);
        return new Execution(request, reply, iopub);
    }

    private Execution execute(String code) throws InterruptedException {
        return finish(sendExecute(executeContent(code)));
    }

    private Message request(Channel channel, String type, JsonObject content) throws InterruptedException {
        Message request = transport.deliver(channel, type, content);
        return transport.awaitReply(request, WAIT);
    }

    private static String text(Message displayLike) {
        return displayLike.content().getAsJsonObject("data").get("text/plain").getAsString();
    }

    @Test
    void kernelInfoIsAnsweredWhileTheInterpreterIsStillStarting() throws InterruptedException {
        CountDownLatch interpreterMayStart = new CountDownLatch(1);
        RecordingTransport slowTransport = new RecordingTransport();
        Kernel slow = Kernel.builder().transport(slowTransport).renderers(new TextRenderers())
                .installSystemStreams(false).bindDisplay(false)
                .interpreter(() -> {
                    try {
                        interpreterMayStart.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return new FakeInterpreter();
                }).build();
        slow.start();
        try {
            Message request = slowTransport.deliver(Channel.SHELL, "kernel_info_request", new JsonObject());
            JsonObject info = slowTransport.awaitReply(request, Duration.ofSeconds(2)).content();
            assertEquals("ok", info.get("status").getAsString());
            assertEquals("5.3", info.get("protocol_version").getAsString());
            assertEquals("djl-kernel", info.get("implementation").getAsString());
            assertFalse(info.get("implementation_version").getAsString().contains("$"), "version resource not filtered");
            JsonObject language = info.getAsJsonObject("language_info");
            assertEquals("java", language.get("name").getAsString());
            assertEquals(System.getProperty("java.version"), language.get("version").getAsString());
            assertEquals("text/x-java-source", language.get("mimetype").getAsString());
            assertEquals(".jshell", language.get("file_extension").getAsString());
            assertTrue(info.has("supported_features"));
            assertFalse(info.get("debugger").getAsBoolean());
            List<String> status = slowTransport.awaitIdle(request, WAIT).stream().map(m -> m.content()
                    .get("execution_state").getAsString()).toList();
            assertEquals(List.of("busy", "idle"), status);
        } finally {
            interpreterMayStart.countDown();
            slow.shutdown();
            assertTrue(slow.awaitShutdown(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void executePublishesInputOutputAndResultBetweenBusyAndIdle() throws InterruptedException {
        Execution printed = execute("print:hello");
        assertEquals("ok", printed.status());
        assertEquals(1, printed.count());
        assertEquals(List.of("status", "execute_input", "stream", "status"), printed.types());
        assertEquals("hello", printed.stdout());
        assertEquals("print:hello", printed.ofType("execute_input").get(0).content().get("code").getAsString());

        Execution value = execute("value:42");
        assertEquals(2, value.count());
        Message result = value.ofType("execute_result").get(0);
        assertEquals("42", text(result));
        assertEquals(2, result.content().get("execution_count").getAsInt());
        assertEquals("idle", value.iopub().get(value.iopub().size() - 1).content().get("execution_state").getAsString());
    }

    @Test
    void usageRequestIsAnsweredOnControlWithMemoryAndExtensionFields() throws InterruptedException {
        execute("value:1"); // the interpreter is ready
        JsonObject usage = request(Channel.CONTROL, "usage_request", new JsonObject()).content();
        assertEquals("ok", usage.get("status").getAsString());
        assertTrue(usage.get("kernel_memory").getAsLong() > 1_000_000, usage.toString());
        assertTrue(usage.get("cpu_count").getAsInt() >= 1);
        assertTrue(usage.getAsJsonObject("host_virtual_memory").get("total").getAsLong() > 0);
        assertEquals(0, usage.getAsJsonArray("gpus").size(), usage.toString());
    }

    @Test
    void errorsArePublishedAndReplied() throws InterruptedException {
        Execution failed = execute("fail:boom");
        assertEquals("error", failed.status());
        assertEquals("java.lang.IllegalStateException", failed.reply().content().get("ename").getAsString());
        assertEquals("boom", failed.reply().content().get("evalue").getAsString());
        Message error = failed.ofType("error").get(0);
        assertEquals("boom", error.content().get("evalue").getAsString());
        assertTrue(error.content().getAsJsonArray("traceback").size() > 0);
    }

    @Test
    void silentCellsShowNothingAndDoNotCount() throws InterruptedException {
        JsonObject silent = executeContent("value:hidden");
        silent.addProperty("silent", true);
        Execution quiet = finish(sendExecute(silent));
        assertEquals("ok", quiet.status());
        assertEquals(0, quiet.count());
        assertEquals(List.of("status", "status"), quiet.types());
        assertEquals(List.of("value:hidden"), interpreter.evaluated());

        assertEquals(1, execute("value:shown").count());
        JsonObject tail = new JsonObject();
        tail.addProperty("hist_access_type", "tail");
        tail.addProperty("n", 10);
        JsonArray history = request(Channel.SHELL, "history_request", tail).content().getAsJsonArray("history");
        assertEquals(1, history.size());
        assertEquals("value:shown", history.get(0).getAsJsonArray().get(2).getAsString());
    }

    @Test
    void onlyStoredCellsAdvanceTheCount() throws InterruptedException {
        assertEquals(1, execute("value:a").count());
        JsonObject unstored = executeContent("value:b");
        unstored.addProperty("store_history", false);
        Execution b = finish(sendExecute(unstored));
        assertEquals(1, b.count());
        assertEquals(1, b.ofType("execute_input").get(0).content().get("execution_count").getAsInt());
        assertEquals("b", text(b.ofType("execute_result").get(0)));
        assertEquals(2, execute("value:c").count());
    }

    @Test
    void requestsQueuedBehindAFailedCellAreAborted() throws InterruptedException {
        Message slow = sendExecute(executeContent("sleep:300"));
        Message failing = sendExecute(executeContent("fail:boom"));
        Message queued1 = sendExecute(executeContent("value:a"));
        Message queued2 = sendExecute(executeContent("value:b"));
        assertEquals("ok", finish(slow).status());
        assertEquals("error", finish(failing).status());
        Execution aborted1 = finish(queued1);
        Execution aborted2 = finish(queued2);
        assertEquals("aborted", aborted1.status());
        assertEquals("aborted", aborted2.status());
        assertTrue(aborted1.ofType("execute_result").isEmpty());
        assertEquals(List.of("sleep:300", "fail:boom"), interpreter.evaluated());

        Execution later = execute("value:c");
        assertEquals("ok", later.status(), "requests sent after the abort run again");
        assertEquals("c", text(later.ofType("execute_result").get(0)));
    }

    @Test
    void withoutStopOnErrorQueuedCellsStillRun() throws InterruptedException {
        Message slow = sendExecute(executeContent("sleep:200"));
        JsonObject tolerant = executeContent("fail:boom");
        tolerant.addProperty("stop_on_error", false);
        Message failing = sendExecute(tolerant);
        Message next = sendExecute(executeContent("value:a"));
        finish(slow);
        assertEquals("error", finish(failing).status());
        assertEquals("ok", finish(next).status());
    }

    @Test
    void userExpressionsAreEvaluatedAfterTheCell() throws InterruptedException {
        JsonObject content = executeContent("print:x");
        JsonObject expressions = new JsonObject();
        expressions.addProperty("good", "value:hi");
        expressions.addProperty("bad", "fail:nope");
        content.add("user_expressions", expressions);
        Execution run = finish(sendExecute(content));
        JsonObject results = run.reply().content().getAsJsonObject("user_expressions");
        JsonObject good = results.getAsJsonObject("good");
        assertEquals("ok", good.get("status").getAsString());
        assertEquals("hi", good.getAsJsonObject("data").get("text/plain").getAsString());
        assertTrue(good.has("metadata"));
        JsonObject bad = results.getAsJsonObject("bad");
        assertEquals("error", bad.get("status").getAsString());
        assertEquals("nope", bad.get("evalue").getAsString());
        assertEquals(List.of("print:x", "value:hi", "fail:nope"), interpreter.evaluated());
    }

    @Test
    void historyAnswersTailRangeAndSearch() throws InterruptedException {
        execute("value:one");
        execute("print:two");
        execute("value:one");
        execute("value:three");

        JsonObject tail = new JsonObject();
        tail.addProperty("hist_access_type", "tail");
        tail.addProperty("n", 2);
        JsonArray last2 = request(Channel.SHELL, "history_request", tail).content().getAsJsonArray("history");
        assertEquals(2, last2.size());
        assertEquals(3, last2.get(0).getAsJsonArray().get(1).getAsInt());
        assertEquals("value:three", last2.get(1).getAsJsonArray().get(2).getAsString());

        JsonObject range = new JsonObject();
        range.addProperty("hist_access_type", "range");
        range.addProperty("session", 0);
        range.addProperty("start", 2);
        range.addProperty("stop", 4);
        range.addProperty("output", true);
        JsonArray lines = request(Channel.SHELL, "history_request", range).content().getAsJsonArray("history");
        assertEquals(2, lines.size());
        JsonArray line3 = lines.get(1).getAsJsonArray();
        assertEquals(3, line3.get(1).getAsInt());
        assertEquals("value:one", line3.get(2).getAsJsonArray().get(0).getAsString());
        assertEquals("one", line3.get(2).getAsJsonArray().get(1).getAsString(), "output is the result's text");

        JsonObject search = new JsonObject();
        search.addProperty("hist_access_type", "search");
        search.addProperty("pattern", "value:*");
        search.addProperty("unique", true);
        JsonArray found = request(Channel.SHELL, "history_request", search).content().getAsJsonArray("history");
        assertEquals(List.of("value:one", "value:three"),
                found.asList().stream().map(e -> e.getAsJsonArray().get(2).getAsString()).toList());
    }

    @Test
    void completionComesFromTheInterpreterInCodePoints() throws InterruptedException {
        JsonObject code = new JsonObject();
        code.addProperty("code", "\uD83D\uDE00 x = foo"); // an emoji: 1 code point, 2 Java chars
        code.addProperty("cursor_pos", 9);
        JsonObject java = request(Channel.SHELL, "complete_request", code).content();
        assertEquals(List.of("fooBar", "fooBaz"), java.getAsJsonArray("matches").asList().stream().map(JsonElement::getAsString).toList());
        assertEquals(6, java.get("cursor_start").getAsInt(), "positions in code points, as the protocol counts");
        assertEquals(9, java.get("cursor_end").getAsInt());
    }

    @Test
    void inspectAndIsComplete() throws InterruptedException {
        JsonObject inspect = new JsonObject();
        inspect.addProperty("code", "String");
        inspect.addProperty("cursor_pos", 6);
        inspect.addProperty("detail_level", 0);
        JsonObject found = request(Channel.SHELL, "inspect_request", inspect).content();
        assertEquals("ok", found.get("status").getAsString());
        assertTrue(found.get("found").getAsBoolean());
        assertTrue(found.getAsJsonObject("data").get("text/plain").getAsString().contains("Strings are immutable."));

        inspect.addProperty("code", "int");
        JsonObject missing = request(Channel.SHELL, "inspect_request", inspect).content();
        assertFalse(missing.get("found").getAsBoolean());
        assertEquals(0, missing.getAsJsonObject("data").size());

        Map<String, String> verdicts = Map.of("class A {", "incomplete", "x}}", "invalid", "1", "complete");
        for (Map.Entry<String, String> c : verdicts.entrySet()) {
            JsonObject isComplete = new JsonObject();
            isComplete.addProperty("code", c.getKey());
            JsonObject reply = request(Channel.SHELL, "is_complete_request", isComplete).content();
            assertEquals(c.getValue(), reply.get("status").getAsString(), c.getKey());
            if (c.getValue().equals("incomplete")) assertEquals("    ", reply.get("indent").getAsString());
        }
    }

    @Test
    void aMalformedRequestWithAReadableHeaderGetsAnErrorReply() throws InterruptedException {
        JsonObject header = new JsonObject();
        header.addProperty("msg_id", "broken-1");
        header.addProperty("msg_type", "execute_request");
        transport.deliverInvalid(Channel.SHELL, new InvalidMessageException(InvalidMessageException.Reason.MALFORMED,
                "content is not valid JSON", List.of("client".getBytes(StandardCharsets.UTF_8)), header));
        RecordingTransport.Sent reply = transport.await(s -> s.message().parentId().equals("broken-1"), WAIT);
        assertEquals(Channel.SHELL, reply.channel());
        assertEquals("execute_reply", reply.message().type());
        assertEquals("error", reply.message().content().get("status").getAsString());
        assertTrue(reply.message().content().get("evalue").getAsString().contains("not valid JSON"));
    }

    @Test
    void unknownMessageTypesAreIgnoredAndTheKernelGoesOn() throws InterruptedException {
        Message usage = transport.deliver(Channel.CONTROL, "frobnicate_request", new JsonObject());
        transport.awaitIdle(usage, WAIT);
        assertTrue(transport.sentFor(Channel.CONTROL, usage).isEmpty());
        assertEquals("ok", request(Channel.CONTROL, "kernel_info_request", new JsonObject()).content().get("status").getAsString());
    }

    @Test
    void commsToUnknownTargetsAreClosedAndKnownTargetsTalk() throws InterruptedException {
        JsonObject open = new JsonObject();
        open.addProperty("comm_id", "c1");
        open.addProperty("target_name", "nobody");
        open.add("data", new JsonObject());
        Message openNobody = transport.deliver(Channel.SHELL, "comm_open", open);
        List<Message> closed = transport.awaitIdle(openNobody, WAIT).stream().filter(m -> m.type().equals("comm_close")).toList();
        assertEquals("c1", closed.get(0).content().get("comm_id").getAsString());

        kernel.comms().registerTarget("echo", (comm, data) -> comm.onMessage(comm::send));
        open.addProperty("comm_id", "c2");
        open.addProperty("target_name", "echo");
        transport.awaitIdle(transport.deliver(Channel.SHELL, "comm_open", open), WAIT);
        JsonObject info = request(Channel.SHELL, "comm_info_request", new JsonObject()).content();
        assertEquals("ok", info.get("status").getAsString());
        assertEquals("echo", info.getAsJsonObject("comms").getAsJsonObject("c2").get("target_name").getAsString());
        assertFalse(info.getAsJsonObject("comms").has("c1"));

        JsonObject msg = new JsonObject();
        msg.addProperty("comm_id", "c2");
        JsonObject data = new JsonObject();
        data.addProperty("n", 7);
        msg.add("data", data);
        Message sent = transport.deliver(Channel.SHELL, "comm_msg", msg);
        List<Message> echoed = transport.awaitIdle(sent, WAIT).stream().filter(m -> m.type().equals("comm_msg")).toList();
        assertEquals(7, echoed.get(0).content().getAsJsonObject("data").get("n").getAsInt());
    }

    @Test
    void commsOfTargetsThatAnswerWhileBusyAreServedDuringALongCell() throws InterruptedException {
        kernel.comms().registerTarget("live", new io.djlkernel.api.comm.CommTarget() {
            @Override
            public void opened(io.djlkernel.api.comm.Comm comm, java.util.Map<String, Object> data) {
                comm.onMessage(comm::send);
            }

            @Override
            public boolean answersWhileBusy() {
                return true;
            }
        });
        kernel.comms().registerTarget("queued", (comm, data) -> comm.onMessage(comm::send));
        Message running = sendExecute(executeContent("sleep:1500"));
        transport.await(s -> s.message().type().equals("execute_input"), WAIT);
        Map<String, Message> sentMsg = new java.util.HashMap<>();
        for (String target : List.of("live", "queued")) {
            JsonObject open = new JsonObject();
            open.addProperty("comm_id", target + "-1");
            open.addProperty("target_name", target);
            open.add("data", new JsonObject());
            transport.deliver(Channel.SHELL, "comm_open", open);
            JsonObject msg = new JsonObject();
            msg.addProperty("comm_id", target + "-1");
            JsonObject data = new JsonObject();
            data.addProperty("from", target);
            msg.add("data", data);
            sentMsg.put(target, transport.deliver(Channel.SHELL, "comm_msg", msg));
        }
        // the live target answers at once, while the cell still runs, with its own message as the parent
        Message liveEcho = transport.await(s -> s.message().type().equals("comm_msg")
                && s.message().content().get("comm_id").getAsString().equals("live-1"), Duration.ofMillis(700)).message();
        assertEquals("live", liveEcho.content().getAsJsonObject("data").get("from").getAsString());
        assertEquals(sentMsg.get("live").id(), liveEcho.parentId());
        assertFalse(transport.sent().stream().anyMatch(s -> s.message().type().equals("execute_reply")),
                "the cell had already finished: the test proves nothing");
        // the other one waits its turn behind the cell, as shell messages do
        assertFalse(transport.sent().stream().anyMatch(s -> s.message().type().equals("comm_msg")
                && s.message().content().get("comm_id").getAsString().equals("queued-1")));
        transport.awaitReply(running, WAIT);
        transport.await(s -> s.message().type().equals("comm_msg")
                && s.message().content().get("comm_id").getAsString().equals("queued-1"), WAIT);
    }

    @Test
    void interruptOnControlStopsARunningCell() throws InterruptedException {
        Message spinning = sendExecute(executeContent("spin"));
        transport.await(s -> s.message().type().equals("execute_input"), WAIT);
        long start = System.nanoTime();
        Message interrupt = request(Channel.CONTROL, "interrupt_request", new JsonObject());
        assertEquals("ok", interrupt.content().get("status").getAsString());
        Execution stopped = finish(spinning);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1));
        assertEquals("error", stopped.status());
        assertEquals("Interrupted", stopped.reply().content().get("ename").getAsString());
    }

    @Test
    void inputIsRequestedFromTheFrontEndWhenAllowed() throws InterruptedException {
        JsonObject content = executeContent("input");
        content.addProperty("allow_stdin", true);
        Message reading = sendExecute(content);
        RecordingTransport.Sent inputRequest = transport.await(s -> s.message().type().equals("input_request"), WAIT);
        assertEquals(Channel.STDIN, inputRequest.channel());
        assertEquals(reading.id(), inputRequest.message().parentId());
        assertEquals("client", new String(inputRequest.message().identities().get(0), StandardCharsets.UTF_8));
        JsonObject answer = new JsonObject();
        answer.addProperty("value", "typed text");
        transport.deliver(Channel.STDIN, "input_reply", answer);
        assertEquals("typed text", text(finish(reading).ofType("execute_result").get(0)));

        Execution refused = execute("input");
        assertEquals("error", refused.status());
        assertTrue(refused.reply().content().get("evalue").getAsString().contains("does not support input"));
    }

    @Test
    void interruptEndsAWaitForInput() throws InterruptedException {
        JsonObject content = executeContent("input");
        content.addProperty("allow_stdin", true);
        Message reading = sendExecute(content);
        transport.await(s -> s.message().type().equals("input_request"), WAIT);
        request(Channel.CONTROL, "interrupt_request", new JsonObject());
        assertEquals("error", finish(reading).status());
    }

    @Test
    void outputPrintedAfterACellEndsArrivesInTheNextCell() throws InterruptedException {
        Execution first = execute("later:150:late output");
        assertEquals("", first.stdout());
        Thread.sleep(400);
        Execution second = execute("value:x");
        assertEquals("late output", second.stdout());
    }

    @Test
    void tenMegabytesOfOutputArriveComplete() throws InterruptedException {
        int size = 10 * 1024 * 1024;
        Execution big = execute("bytes:" + size);
        assertEquals("ok", big.status());
        String out = big.stdout();
        assertEquals(size, out.length());
        assertTrue(out.startsWith("0123456789"));
        assertTrue(big.ofType("stream").size() > 1, "big output is chunked");
    }

    @Test
    void displayDataGoesToTheRunningCell() throws InterruptedException {
        Message running = sendExecute(executeContent("sleep:300"));
        transport.await(s -> s.message().type().equals("execute_input"), WAIT);
        String id = Display.display("shown");
        Display.updateDisplay(id, "updated");
        Execution cell = finish(running);
        Message shown = cell.ofType("display_data").get(0);
        assertEquals("shown", text(shown));
        assertEquals(id, shown.content().getAsJsonObject("transient").get("display_id").getAsString());
        Message updated = cell.ofType("update_display_data").get(0);
        assertEquals("updated", text(updated));
        assertEquals(id, updated.content().getAsJsonObject("transient").get("display_id").getAsString());
    }

    @Test
    void aFailedInterpreterStartIsReportedNotHung() throws InterruptedException {
        RecordingTransport t = new RecordingTransport();
        Kernel broken = Kernel.builder().transport(t).renderers(new TextRenderers()).installSystemStreams(false)
                .bindDisplay(false).interpreter(() -> {
                    throw new IllegalStateException("no JShell here");
                }).build();
        broken.start();
        try {
            Message request = t.deliver(Channel.SHELL, "execute_request", executeContent("value:1"));
            JsonObject reply = t.awaitReply(request, WAIT).content();
            assertEquals("error", reply.get("status").getAsString());
            assertTrue(reply.get("evalue").getAsString().contains("no JShell here"));
        } finally {
            broken.shutdown();
            assertTrue(broken.awaitShutdown(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void shutdownRepliesThenStopsEverything() throws InterruptedException {
        execute("value:1"); // the interpreter exists
        JsonObject content = new JsonObject();
        content.addProperty("restart", true);
        Message reply = request(Channel.CONTROL, "shutdown_request", content);
        assertEquals("ok", reply.content().get("status").getAsString());
        assertTrue(reply.content().get("restart").getAsBoolean());
        assertTrue(kernel.awaitShutdown(10, TimeUnit.SECONDS));
        assertTrue(interpreter.closed());
        assertTrue(transport.closed());
        assertNotNull(reply);
    }
}
