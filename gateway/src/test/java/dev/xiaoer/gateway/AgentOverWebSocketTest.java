package dev.xiaoer.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaoer.gateway.agent.TestAgents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent protocol over real sockets: logging in (and being refused), the handoff story end to end, what an
 * agent may and may not touch, and the transcript endpoint.
 */
class AgentOverWebSocketTest {

    private TestGateway server;
    private final List<AutoCloseable> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = TestGateway.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable s : sockets) {
            s.close();
        }
        server.close();
    }

    private TestConsole console() {
        TestConsole c = server.console();
        sockets.add(c);
        return c;
    }

    private TestBuyer buyer() {
        TestBuyer b = server.buyer();
        sockets.add(b);
        return b;
    }

    /** A buyer who asked for a refund and waits; returns their session id. */
    private String refund(TestBuyer b) {
        String session = b.hello().get("session").asText();
        b.say("m1", "什么时候发货");
        b.next("ack");
        b.next("reply");
        b.say("m2", "我要退款");
        b.next("ack");
        JsonNode queued = b.next("queued");
        assertEquals("after-sales", queued.get("queue").asText());
        return session;
    }

    private HttpResponse<String> transcript(String id, String token) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.gateway.port()
                + "/api/conversations/" + id));
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anAgentLogsInSeesTheWaitingChatClaimsItReadsTheHistoryAndTalksWithTheBuyer() {
        TestConsole mei = console();
        JsonNode welcome = mei.loginAway("mei");
        assertEquals("小美", welcome.get("agent").get("name").asText());
        assertEquals("agent", welcome.get("agent").get("role").asText());
        assertEquals("away", welcome.get("status").asText());
        assertEquals(43, welcome.get("token").asText().length());
        assertEquals(3, welcome.get("queues").size());
        assertFalse(welcome.get("quickReplies").isEmpty());
        assertEquals(15, welcome.get("slaWaitMinutes").asInt());

        TestBuyer b = buyer();
        String session = refund(b);
        JsonNode line;
        do {
            line = mei.next("line").get("line");
        } while (!line.get("queue").asText().equals("after-sales") || line.get("waiting").isEmpty());
        JsonNode waiting = line.get("waiting").get(0);
        assertEquals(session, waiting.get("conversation").asText());
        assertEquals("退款", waiting.get("trigger").asText());
        assertEquals("我要退款", waiting.get("preview").asText());
        assertEquals(50, waiting.get("priority").asInt());

        mei.frame("claim", "conversation", session);
        JsonNode assigned = mei.next("assigned");
        assertEquals(session, assigned.get("conversation").asText());
        assertEquals("退款", assigned.get("route").get("trigger").asText());
        List<String> types = new ArrayList<>();
        assigned.get("history").forEach(e -> types.add(e.get("type").asText()));
        assertEquals(List.of("buyer_message", "bot_reply", "buyer_message", "handoff", "agent_joined"), types);
        assertEquals("付款后 48 小时内发货。", assigned.get("history").get(1).get("text").asText());
        assertEquals("小美", b.next("agent_joined").get("agentName").asText());

        b.send("{\"type\":\"typing\",\"active\":true}");
        assertTrue(mei.next("typing").get("active").asBoolean());
        b.say("m3", "我的订单号是 123");
        b.next("ack");
        JsonNode heard = mei.next("message");
        assertEquals("buyer", heard.get("from").asText());
        assertEquals("我的订单号是 123", heard.get("text").asText());

        mei.frame("typing", "conversation", session, "active", true);
        JsonNode typing = b.next("typing");
        assertEquals("agent", typing.get("from").asText());
        assertEquals("小美", typing.get("agentName").asText());
        mei.frame("message", "conversation", session, "id", "a1", "text", "好的，马上为您办理。");
        JsonNode ack = mei.next("ack");
        assertEquals("a1", ack.get("id").asText());
        JsonNode reply = b.next("reply");
        assertEquals("agent", reply.get("from").asText());
        assertEquals("好的，马上为您办理。", reply.get("text").asText());
        assertEquals(ack.get("seq").asLong(), reply.get("seq").asLong());

        mei.frame("close", "conversation", session);
        assertEquals("agent", b.next("closed").get("by").asText());
        assertEquals("agent", mei.next("closed").get("by").asText());
        b.send("{\"type\":\"rate\",\"score\":5,\"comment\":\"很满意\"}");
        assertEquals(5, b.next("rated").get("score").asInt());
        assertEquals(5, mei.next("rated").get("score").asInt());
    }

    @Test
    void wrongSecretsAreRefusedThenRateLimitedPerAgentIdAndNeverEchoed() {
        TestConsole c = console();
        c.frame("login", "agentId", "mei", "secret", "wrong-guess-1");
        JsonNode refused = c.error("bad_credentials");
        assertFalse(refused.toString().contains("wrong-guess-1"));
        c.frame("login", "agentId", "nobody", "secret", "whatever");
        c.error("bad_credentials");
        for (int i = 2; i <= 5; i++) {
            c.frame("login", "agentId", "mei", "secret", "wrong-guess-" + i);
            c.error("bad_credentials");
        }
        c.frame("login", "agentId", "mei", "secret", TestAgents.SECRET);
        JsonNode limited = c.error("login_rate_limited");
        assertTrue(limited.get("retryable").asBoolean());

        TestConsole lan = console();
        assertEquals("lan", lan.login("lan").get("agent").get("id").asText(), "another id is not held back");
    }

    @Test
    void failedLoginsFromOneAddressAreLimitedWhateverTheIds() {
        TestConsole c = console();
        for (int i = 0; i < 10; i++) {
            c.frame("login", "agentId", "guess" + i, "secret", "x");
            c.error("bad_credentials");
        }
        c.frame("login", "agentId", "guess10", "secret", "x");
        c.error("login_rate_limited");
    }

    @Test
    void aConsoleReconnectsWithItsTokenAndALogoutRevokesIt() {
        TestConsole first = console();
        String token = first.login("mei").get("token").asText();
        TestConsole again = console();
        again.frame("login", "token", token);
        JsonNode welcome = again.next("welcome");
        assertEquals("mei", welcome.get("agent").get("id").asText());
        assertEquals("replaced", first.error("replaced").get("code").asText());
        assertEquals(4001, first.socket.closeCode(), "the replaced console must not reconnect by itself");

        again.frame("logout");
        assertEquals(1000, again.socket.closeCode());
        TestConsole later = console();
        later.frame("login", "token", token);
        later.error("bad_token");
        later.frame("login", "token", welcome.get("token").asText());
        later.error("bad_token");
    }

    @Test
    void theBuyerEndpointDoesNotSpeakTheAgentProtocolAndABuyerTokenIsNoAgentLogin() {
        TestBuyer b = buyer();
        JsonNode w = b.hello();
        for (String frame : List.of("{\"type\":\"login\",\"agentId\":\"mei\",\"secret\":\"" + TestAgents.SECRET + "\"}",
                "{\"type\":\"claim\",\"conversation\":\"" + w.get("session").asText() + "\"}",
                "{\"type\":\"status\",\"status\":\"available\"}",
                "{\"type\":\"transfer\",\"conversation\":\"x\",\"queue\":\"human\"}",
                "{\"type\":\"logout\"}")) {
            b.send(frame);
            b.error("unknown_type");
        }
        TestConsole c = console();
        c.frame("login", "token", w.get("token").asText());
        c.error("bad_token");
        c.frame("claim", "conversation", w.get("session").asText());
        c.error("login_first");
    }

    @Test
    void anAgentCannotClaimOrTouchAChatOfAnotherQueue() {
        TestConsole lan = console();
        lan.loginAway("lan");
        TestBuyer b = buyer();
        b.hello();
        TestConsole boss = console();
        boss.loginAway("boss"); // someone serves complaints: the chat waits for a person, not as a message
        b.say("m1", "我要投诉");
        b.next("ack");
        b.next("queued");
        String session = server.gateway.waitingLines().waiting("complaints").join().get(0).conversationId();
        lan.frame("claim", "conversation", session);
        assertEquals("not_your_queue", lan.next("claim_failed").get("reason").asText());
        lan.frame("message", "conversation", session, "id", "x", "text", "hi");
        lan.error("not_yours");
        lan.frame("close", "conversation", session);
        lan.error("not_yours");
        assertTrue(b.drain(150).isEmpty(), "the buyer saw nothing of it");
    }

    @Test
    void theTranscriptIsForAgentsWhoMaySeeTheConversation() throws Exception {
        TestConsole mei = console();
        String meiToken = mei.loginAway("mei").get("token").asText();
        TestConsole lan = console();
        String lanToken = lan.loginAway("lan").get("token").asText();
        TestConsole boss = console();
        String bossToken = boss.loginAway("boss").get("token").asText();
        TestBuyer b = buyer();
        b.hello();
        b.say("m1", "我要投诉，不然差评");
        b.next("ack");
        b.next("queued");
        String session = server.gateway.waitingLines().waiting("complaints").join().get(0).conversationId();

        assertEquals(401, transcript(session, null).statusCode());
        assertEquals(401, transcript(session, "not-a-token").statusCode());
        assertEquals(403, transcript(session, lanToken).statusCode(), "lan serves after-sales only");
        assertEquals(404, transcript("no-such-conversation", meiToken).statusCode());

        HttpResponse<String> ok = transcript(session, meiToken);
        assertEquals(200, ok.statusCode());
        assertTrue(ok.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        JsonNode t = TestBuyer.JSON.readTree(ok.body());
        assertEquals(session, t.get("conversation").get("id").asText());
        assertEquals("waiting", t.get("conversation").get("state").asText());
        assertEquals("complaints", t.get("conversation").get("queue").asText());
        List<String> types = new ArrayList<>();
        t.get("events").forEach(e -> types.add(e.get("type").asText()));
        assertEquals(List.of("buyer_message", "flag", "handoff"), types, "flags included: agents see them");
        assertEquals(200, transcript(session, bossToken).statusCode(), "a supervisor sees everything");
    }

    @Test
    void framesAreCheckedBeforeAnythingIsDone() {
        TestConsole c = console();
        c.send("{\"type\":\"claim\",\"conversation\":\"x\"}");
        c.error("login_first");
        c.send("{\"type\":\"claim\"}");
        c.error("missing_field");
        c.send("[1,2]");
        c.error("invalid_json");
        c.send("{\"type\":\"login\",\"agentId\":\"mei\"}");
        c.error("missing_field");
        c.login("mei");
        c.send("{\"type\":\"status\",\"status\":\"asleep\"}");
        c.error("invalid_field");
        c.send("{\"type\":\"transfer\",\"conversation\":\"x\"}");
        c.error("missing_field");
        c.send("{\"type\":\"message\",\"conversation\":\"x\",\"id\":\"1\",\"text\":\"   \"}");
        c.error("empty_message");
        c.send("{\"type\":\"message\",\"conversation\":\"x\",\"id\":\"1\",\"text\":\"" + "长".repeat(101) + "\"}");
        c.error("text_too_long");
        c.send("{\"type\":\"message\",\"conversation\":\"x\",\"id\":\"1\",\"text\":\"hi\"}");
        c.error("not_found");
        c.send("{\"type\":\"login\",\"agentId\":\"mei\",\"secret\":\"x\"}");
        c.error("already_logged_in");
        c.send("{\"type\":\"ping\"}");
        c.next("pong");
    }

    @Test
    void theConsolePageIsServedWithAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = server.get("/agent");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<html"));
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(policy.contains("script-src 'self'"), policy);
        assertTrue(policy.contains("frame-ancestors 'none'"), policy);
        assertEquals(200, server.get("/agent/console.js").statusCode());
        assertEquals(200, server.get("/agent/console.css").statusCode());
    }
}
