package dev.xiaoer.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The buyer protocol over real sockets: every frame type, resume, resend, tabs, handoff, hours, store failure. */
class ChatOverWebSocketTest {

    private TestGateway server;
    private final List<TestBuyer> buyers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = TestGateway.start();
    }

    @AfterEach
    void stop() {
        buyers.forEach(TestBuyer::close);
        server.close();
    }

    private TestBuyer buyer() {
        TestBuyer b = server.buyer();
        buyers.add(b);
        return b;
    }

    @Test
    void helloIsWelcomedWithSessionTokenGreetingHotQuestionsAndHours() {
        JsonNode w = buyer().hello();
        assertFalse(w.get("resumed").asBoolean());
        assertEquals(22, w.get("session").asText().length());
        assertEquals(43, w.get("token").asText().length());
        assertEquals("bot", w.get("state").asText());
        assertEquals(0, w.get("lastSeq").asLong());
        assertFalse(w.get("greeting").asText().isEmpty());
        assertEquals("ship", w.get("hotQuestions").get(0).get("id").asText());
        assertEquals("什么时候发货？", w.get("hotQuestions").get(0).get("question").asText());
        assertTrue(w.get("hours").get("open").asBoolean());
    }

    @Test
    void aMessageIsAckedThenAnsweredAndPingGetsPong() {
        TestBuyer b = buyer();
        b.hello();
        b.say("m1", "什么时候发货");
        JsonNode ack = b.next("ack");
        assertEquals("m1", ack.get("id").asText());
        assertEquals(1, ack.get("seq").asLong());
        JsonNode reply = b.next("reply");
        assertEquals(2, reply.get("seq").asLong());
        assertEquals("bot", reply.get("from").asText());
        assertEquals("answer", reply.get("band").asText());
        assertEquals("ship", reply.get("faqId").asText());
        assertEquals("付款后 48 小时内发货。", reply.get("text").asText());
        assertTrue(reply.has("at"));

        b.send("{\"type\":\"ack\",\"seq\":2}");
        b.send("{\"type\":\"ping\"}");
        b.next("pong"); // the ack itself has no answer: the pong comes next
    }

    @Test
    void aSuggestionCanBeClickedBackAsAMessageWithFaqId() {
        TestBuyer b = buyer();
        b.hello();
        b.say("m1", "尺码");
        b.next("ack");
        JsonNode suggest = b.next("reply");
        assertEquals("suggest", suggest.get("band").asText());
        JsonNode second = suggest.get("suggestions").get(1);
        assertEquals("size-exchange", second.get("id").asText());

        b.send("{\"type\":\"message\",\"id\":\"m2\",\"text\":\"" + second.get("question").asText()
                + "\",\"faqId\":\"size-exchange\"}");
        b.next("ack");
        JsonNode answer = b.next("reply");
        assertEquals("size-exchange", answer.get("faqId").asText());
    }

    @Test
    void aHandoffReachesTheWaitingLineAndTheBuyerIsQueued() {
        TestConsole mei = server.console();
        mei.loginAway("mei");
        TestBuyer b = buyer();
        JsonNode w = b.hello();
        b.say("m1", "我要退款");
        b.next("ack");
        JsonNode queued = b.next("queued");
        assertEquals(2, queued.get("seq").asLong());
        assertEquals("after-sales", queued.get("queue").asText());
        assertEquals("售后", queued.get("queueName").asText());
        assertEquals(1, queued.get("position").asInt());
        assertEquals(180, queued.get("etaSeconds").asInt());
        assertFalse(queued.get("leaveMessage").asBoolean());
        assertEquals(w.get("session").asText(),
                server.gateway.waitingLines().waiting("after-sales").join().get(0).conversationId());
        mei.close();
    }

    @Test
    void withNobodyLoggedInAHandoffWaitsAsAMessageAndTheBuyerIsToldSo() {
        TestBuyer b = buyer();
        b.hello();
        b.say("m1", "我要退款");
        b.next("ack");
        JsonNode notice = b.next("reply");
        assertEquals("system", notice.get("from").asText());
        assertEquals("no_agents", notice.get("code").asText());
        JsonNode queued = b.next("queued");
        assertTrue(queued.get("leaveMessage").asBoolean());
        assertEquals(1, queued.get("position").asInt());
    }

    @Test
    void afterADroppedConnectionResumeReplaysWhatWasMissedOnceAndInOrder() {
        TestBuyer phone = buyer();
        JsonNode w = phone.hello();
        phone.say("m1", "什么时候发货");
        phone.next("ack");
        long seen = phone.next("reply").get("seq").asLong();
        phone.say("m2", "尺码");
        phone.next("ack");
        phone.drop(); // the reply to m2 may or may not have arrived: the buyer only trusts what it saw

        TestBuyer back = buyer();
        JsonNode again = back.resume(w, seen);
        assertTrue(again.get("resumed").asBoolean());
        assertEquals(w.get("session").asText(), again.get("session").asText());
        JsonNode m2 = back.next("message");
        assertEquals("m2", m2.get("id").asText());
        assertEquals("尺码", m2.get("text").asText());
        JsonNode reply = back.next("reply");
        assertEquals("suggest", reply.get("band").asText());
        assertTrue(back.drain(200).isEmpty(), "nothing doubled");

        back.say("m3", "你好");
        assertEquals(5, back.next("ack").get("seq").asLong());
        assertEquals("smalltalk", back.next("reply").get("band").asText());
    }

    @Test
    void resumingWhileTheOtherTabKeepsTalkingLosesAndDoublesNothing() {
        TestBuyer talker = buyer();
        JsonNode w = talker.hello();
        int messages = 30;
        TestBuyer watcher = buyer();
        // Send while the second tab resumes: its replay and the live frames must join without a gap or a double.
        for (int i = 0; i < messages; i++) {
            talker.say("m" + i, "什么时候发货");
            if (i == messages / 2) {
                watcher.send("{\"type\":\"hello\",\"session\":\"" + w.get("session").asText() + "\",\"token\":\""
                        + w.get("token").asText() + "\",\"lastSeq\":0}");
            }
        }
        for (int i = 0; i < messages; i++) {
            talker.next("ack");
            talker.next("reply");
        }
        watcher.next("welcome");
        Set<Long> seqs = new HashSet<>();
        long last = 0;
        while (seqs.size() < messages * 2) {
            JsonNode f = watcher.next();
            long seq = f.get("seq").asLong();
            assertTrue(seq > last, "in order: " + seq + " after " + last);
            assertTrue(seqs.add(seq), "no double");
            last = seq;
        }
        assertEquals(messages * 2, last, "no gap: every seq 1.." + messages * 2);
        assertTrue(watcher.drain(200).isEmpty());
    }

    @Test
    void aResentMessageIsAckedWithItsOriginalSeqAndAnsweredOnlyOnce() {
        TestBuyer b = buyer();
        b.hello();
        b.say("m1", "什么时候发货");
        long seq = b.next("ack").get("seq").asLong();
        b.next("reply");
        b.say("m1", "什么时候发货");
        JsonNode again = b.next("ack");
        assertEquals(seq, again.get("seq").asLong());
        assertTrue(again.get("duplicate").asBoolean());
        assertTrue(b.drain(200).isEmpty(), "no second reply");
        assertEquals(1, server.engine.decisions());
    }

    @Test
    void aWrongTokenGetsAnErrorAndTheConnectionCanStillStartItsOwnSession() {
        TestBuyer owner = buyer();
        JsonNode w = owner.hello();
        owner.say("m1", "什么时候发货");
        owner.next("ack");

        TestBuyer intruder = buyer();
        intruder.send("{\"type\":\"hello\",\"session\":\"" + w.get("session").asText()
                + "\",\"token\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"lastSeq\":0}");
        JsonNode error = intruder.error("bad_token");
        assertFalse(error.get("retryable").asBoolean());
        assertTrue(intruder.drain(200).isEmpty(), "nothing of the conversation leaks");
        JsonNode own = intruder.hello();
        assertFalse(own.get("session").asText().equals(w.get("session").asText()));
    }

    @Test
    void anUnknownSessionIsReported() {
        TestBuyer b = buyer();
        b.send("{\"type\":\"hello\",\"session\":\"nope\",\"token\":\"x\"}");
        b.error("session_not_found");
    }

    @Test
    void twoTabsOfOneSessionBothGetEveryFrame() {
        TestBuyer tab1 = buyer();
        JsonNode w = tab1.hello();
        TestBuyer tab2 = buyer();
        tab2.resume(w, 0);
        tab1.say("m1", "什么时候发货");
        tab1.next("ack");
        tab1.next("reply");
        assertEquals("m1", tab2.next("message").get("id").asText());
        assertEquals("ship", tab2.next("reply").get("faqId").asText());
    }

    @Test
    void outsideBusinessHoursTheBotSaysWhenPeopleAreBackAndAHandoffBecomesALeftMessage() {
        server.clock.set(dev.xiaoer.gateway.chat.MutableClock.mondayShanghai(22, 30).instant());
        TestBuyer b = buyer();
        JsonNode w = b.hello();
        assertFalse(w.get("hours").get("open").asBoolean());
        assertEquals("明天 09:00", w.get("hours").get("backAt").asText());
        b.say("m1", "什么时候发货");
        b.next("ack");
        assertEquals("answer", b.next("reply").get("band").asText(), "the FAQ still answers");
        b.say("m2", "我要退款");
        b.next("ack");
        JsonNode notice = b.next("reply");
        assertEquals("system", notice.get("from").asText());
        assertEquals("leave_message", notice.get("code").asText());
        JsonNode queued = b.next("queued");
        assertTrue(queued.get("leaveMessage").asBoolean());

        server.clock.set(dev.xiaoer.gateway.chat.MutableClock.mondayShanghai(9, 0).instant().plus(Duration.ofDays(1)));
        TestConsole mei = server.console();
        mei.loginAway("mei");
        TestBuyer morning = buyer();
        assertTrue(morning.hello().get("hours").get("open").asBoolean());
        morning.say("m1", "转人工");
        morning.next("ack");
        assertFalse(morning.next("queued").get("leaveMessage").asBoolean());
        mei.close();
    }

    @Test
    void whenTheStoreCannotWriteTheBuyerGetsARetryableErrorAndNoAck() {
        TestBuyer b = buyer();
        b.hello();
        server.store.failWrites(true);
        b.say("m1", "什么时候发货");
        JsonNode error = b.error("store_unavailable");
        assertTrue(error.get("retryable").asBoolean());
        assertEquals("m1", error.get("id").asText());
        assertTrue(b.drain(200).isEmpty(), "no ack and no reply for what was not stored");

        server.store.failWrites(false);
        b.say("m1", "什么时候发货");
        JsonNode ack = b.next("ack");
        assertFalse(ack.has("duplicate"));
        b.next("reply");
    }

    @Test
    void healthReadyAndTheDemoShopAreServed() throws Exception {
        var health = server.get("/health");
        assertEquals(200, health.statusCode());
        assertTrue(health.body().contains("\"status\":\"ok\""));
        var ready = server.get("/ready");
        assertEquals(200, ready.statusCode());
        assertEquals("{\"status\":\"ready\",\"checks\":{\"faq\":\"ok\",\"store\":\"ok\"}}", ready.body());
        server.store.failWrites(true);
        var failing = server.get("/ready");
        assertEquals(503, failing.statusCode());
        assertEquals("{\"status\":\"not_ready\",\"failing\":[\"store\"],\"checks\":{\"faq\":\"ok\","
                + "\"store\":\"failing\"}}", failing.body(), "the answer names what fails");
        server.store.failWrites(false);
        assertEquals(200, server.get("/ready").statusCode());
        var page = server.get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("<script src=\"/widget.js\""), "the demo shop embeds the widget");
        assertEquals(404, server.get("/nope.html").statusCode());
        assertEquals(404, server.get("/../pom.xml").statusCode());
        assertEquals(404, server.get("/%2e%2e/logback.xml").statusCode());
    }

    @Test
    void theWidgetIsJavaScriptAndTravelsGzippedToBrowsersThatTakeIt() throws Exception {
        HttpResponse<byte[]> plain = fetch("/widget.js", null, null);
        assertEquals(200, plain.statusCode());
        assertEquals("text/javascript; charset=utf-8", plain.headers().firstValue("content-type").orElse(""));
        assertTrue(plain.headers().firstValue("content-encoding").isEmpty());
        String script = new String(plain.body(), StandardCharsets.UTF_8);
        assertTrue(script.contains("XiaoerWidget"));

        HttpResponse<byte[]> zipped = fetch("/widget.js", "gzip, deflate, br", null);
        assertEquals("gzip", zipped.headers().firstValue("content-encoding").orElse(""));
        assertTrue(zipped.body().length < plain.body().length / 2, zipped.body().length + " bytes");
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
            assertEquals(script, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(304, fetch("/widget.js", "gzip", zipped.headers().firstValue("etag").orElseThrow()).statusCode());
        assertTrue(fetch("/widget.js", "gzip;q=0, identity", null).headers().firstValue("content-encoding").isEmpty());
        assertTrue(fetch("/health", "gzip", null).headers().firstValue("content-encoding").isEmpty(),
                "small answers are not worth compressing");
    }

    private HttpResponse<byte[]> fetch(String path, String acceptEncoding, String ifNoneMatch) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(server.ws().replace("ws://", "http://")
                .replace("/ws/chat", path)));
        if (acceptEncoding != null) {
            req.header("Accept-Encoding", acceptEncoding);
        }
        if (ifNoneMatch != null) {
            req.header("If-None-Match", ifNoneMatch);
        }
        return HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
