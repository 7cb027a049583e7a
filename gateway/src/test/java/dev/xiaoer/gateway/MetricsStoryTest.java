package dev.xiaoer.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaoer.gateway.chat.MutableClock;
import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.metrics.GatewayMetrics;
import dev.xiaoer.gateway.store.ConversationStore;
import dev.xiaoer.gateway.store.SqliteConversationStore;
import dev.xiaoer.gateway.store.StoreOptions;
import dev.xiaoer.intents.IntentEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every metric of /metrics moves by exactly what a scripted afternoon of the shop makes it move: buyers over real
 * WebSockets ask, get answers, hand off, wait past the SLA; an agent in a console claims, replies, closes and is
 * rated; one buyer gives up waiting, one only says hello, one sends garbage and one floods. The real bot (the
 * shipped FAQ and rules) and the SQLite store answer; time moves only when the test moves the clock.
 */
class MetricsStoryTest {

    @TempDir
    Path data;

    private MutableClock clock;
    private IntentEngine engine;
    private ConversationStore store;
    private Gateway gateway;
    private Http http;
    private final List<TestBuyer> buyers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        clock = MutableClock.mondayShanghai(14, 0);
        engine = IntentEngine.builder().build(); // its own: the cache counts start at zero
        GatewayMetrics metrics = new GatewayMetrics();
        // Frames per connection never refill (0 per second): exactly the frames past the burst of 8 are refused,
        // however fast or slow this machine is.
        GatewayConfig config = TestGateway.testConfig().withPort(0).withDataDir(data)
                .withLimits(TestGateway.limits(4096, 100, 0, 8, 500, 1000, 10, 50, 60));
        store = SqliteConversationStore.open(data, StoreOptions.defaults().withCommitListener(metrics));
        gateway = Gateway.builder(config).store(store).intents(engine).clock(clock).metrics(metrics).start();
        http = new Http(gateway.url());
    }

    @AfterEach
    void stop() {
        buyers.forEach(TestBuyer::close);
        if (gateway != null) {
            gateway.close();
        }
    }

    private Scrape scrape() throws Exception {
        HttpResponse<String> r = http.get("/metrics", null);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(GatewayMetrics.CONTENT_TYPE, r.headers().firstValue("content-type").orElse(""));
        return new Scrape(r.body());
    }

    private TestBuyer buyer() {
        TestBuyer b = TestBuyer.connect("ws://127.0.0.1:" + gateway.port() + "/ws/chat");
        buyers.add(b);
        return b;
    }

    /** The buyer's next frame of {@code type}, stepping over place updates. */
    private static JsonNode next(TestBuyer b, String type) {
        while (true) {
            JsonNode n = b.next();
            if (!n.path("type").asText().equals("position")) {
                assertEquals(type, n.path("type").asText(), n::toString);
                return n;
            }
        }
    }

    @Test
    void anAfternoonOfTheShopMovesEveryMetricByExactlyWhatHappened() throws Exception {
        Scrape before = scrape();

        TestConsole mei = new TestConsole(TestBuyer.connect("ws://127.0.0.1:" + gateway.port() + "/ws/agent"));
        mei.loginAway("mei"); // logged in, so chats wait for her (not as messages for later); away, so she claims

        // A buyer asks twice the same (typed differently), asks something the shop never answered, then wants a refund.
        TestBuyer a = buyer();
        String aId = a.hello().get("session").asText();
        a.say("a1", "什么时候发货");
        next(a, "ack");
        assertEquals("answer", next(a, "reply").get("band").asText());
        a.say("a2", "什么时候发货？");
        next(a, "ack");
        assertEquals("answer", next(a, "reply").get("band").asText());
        a.say("a3", "火星上能种土豆吗");
        next(a, "ack");
        assertEquals("unknown", next(a, "reply").get("band").asText());
        a.say("a4", "我要退款");
        next(a, "ack");
        assertEquals("after-sales", next(a, "queued").get("queue").asText());

        // Nobody takes it for 16 minutes: past the 15-minute SLA.
        clock.advance(Duration.ofMinutes(16));
        gateway.waitingLines().sweep().join();
        assertEquals("still_waiting", next(a, "reply").get("code").asText());
        mei.next("sla_breach");
        Scrape waiting = scrape();
        assertEquals(1, waiting.value("xiaoer_queue_waiting", "queue", "after-sales"));
        assertEquals(0, waiting.value("xiaoer_queue_waiting", "queue", "complaints"));
        assertEquals(960, waiting.value("xiaoer_queue_oldest_wait_seconds", "queue", "after-sales"), 1e-9);
        assertEquals(1, waiting.value("xiaoer_queue_sla_breached", "queue", "after-sales"));
        assertEquals(1, waiting.value("xiaoer_agents", "status", "away"));
        assertEquals(2, waiting.value("xiaoer_agents", "status", "offline"));

        // 小美 is back from her break: the chat is given to her at once. She answers 20 seconds later, closes; the
        // buyer gives five stars. Then she takes a break again.
        mei.frame("status", "status", "available");
        mei.next("status");
        assertEquals("auto", mei.next("assigned").get("how").asText());
        next(a, "agent_joined");
        Scrape held = scrape();
        assertEquals(1, held.value("xiaoer_agent_open_chats", "agent", "mei"));
        assertEquals(0.2, held.value("xiaoer_agent_utilisation_ratio", "agent", "mei"), 1e-9);
        assertEquals(1, held.value("xiaoer_agents_open_chats"));
        assertEquals(5, held.value("xiaoer_agents_chat_capacity"), "only mei is logged in");
        assertEquals(1, held.value("xiaoer_agents", "status", "available"));
        assertEquals(0.2, held.value("xiaoer_agents_utilisation_ratio"), 1e-9);
        assertEquals(0, held.value("xiaoer_queue_waiting", "queue", "after-sales"));
        clock.advance(Duration.ofSeconds(20));
        mei.frame("message", "conversation", aId, "id", "x1", "text", "亲，马上为您退款。");
        mei.next("ack");
        assertEquals("agent", next(a, "reply").get("from").asText());
        mei.frame("close", "conversation", aId);
        mei.next("closed");
        next(a, "closed");
        a.send("{\"type\":\"rate\",\"score\":5}");
        next(a, "rated");
        mei.next("rated");
        mei.frame("status", "status", "away");
        mei.next("status");

        // Another only says hello and leaves: the bot handled it alone.
        TestBuyer b = buyer();
        String bId = b.hello().get("session").asText();
        b.say("b1", "你好");
        next(b, "ack");
        assertEquals("smalltalk", next(b, "reply").get("band").asText());
        b.send("{\"type\":\"close\"}");
        next(b, "closed");

        // A third calls the shop names and complains, then gives up before anyone comes.
        TestBuyer c = buyer();
        String cId = c.hello().get("session").asText();
        c.say("c1", "你们是骗子，我要投诉");
        next(c, "ack");
        assertEquals("complaints", next(c, "queued").get("queue").asText());
        c.send("{\"type\":\"close\"}");
        next(c, "closed");

        // A fourth opens the chat, sends garbage, and closes without a word.
        TestBuyer d = buyer();
        String dId = d.hello().get("session").asText();
        d.send("{");
        d.error("invalid_json");
        d.send("{\"type\":\"close\"}");
        next(d, "closed");

        // A fifth floods: 12 pings on a burst of 8.
        TestBuyer e = buyer();
        for (int i = 0; i < 12; i++) {
            e.send("{\"type\":\"ping\"}");
        }
        int pongs = 0;
        int limited = 0;
        for (int i = 0; i < 12; i++) {
            JsonNode n = e.next();
            if (n.path("type").asText().equals("pong")) {
                pongs++;
            } else if (n.path("code").asText().equals("rate_limited")) {
                limited++;
            }
        }
        assertEquals(8, pongs);
        assertEquals(4, limited);

        mei.send("{\"type\":\"hug\"}");
        mei.error("unknown_type");

        // Whatever is still on its way to the clients arrives before the frames are counted.
        buyers.forEach(x -> x.drain(300));
        mei.socket.drain(300);
        Scrape after = scrape();

        after.moved(before, 5, "xiaoer_connections", "endpoint", "buyer");
        after.moved(before, 1, "xiaoer_connections", "endpoint", "agent");
        after.moved(before, buyers.stream().mapToInt(TestBuyer::sent).sum(), "xiaoer_frames_received_total",
                "endpoint", "buyer");
        after.moved(before, buyers.stream().mapToInt(TestBuyer::received).sum(), "xiaoer_frames_sent_total",
                "endpoint", "buyer");
        after.moved(before, mei.socket.sent(), "xiaoer_frames_received_total", "endpoint", "agent");
        after.moved(before, mei.socket.received(), "xiaoer_frames_sent_total", "endpoint", "agent");
        after.moved(before, 4, "xiaoer_frames_rejected_total", "endpoint", "buyer", "code", "rate_limited");
        after.moved(before, 1, "xiaoer_frames_rejected_total", "endpoint", "buyer", "code", "invalid_json");
        after.moved(before, 1, "xiaoer_frames_rejected_total", "endpoint", "agent", "code", "unknown_type");
        after.moved(before, 4, "xiaoer_rate_limited_total", "endpoint", "buyer", "scope", "connection");
        after.moved(before, 0, "xiaoer_rate_limited_total", "endpoint", "buyer", "scope", "address");

        after.moved(before, 4, "xiaoer_conversations_started_total");
        after.moved(before, 2, "xiaoer_bot_decisions_total", "band", "answer");
        after.moved(before, 1, "xiaoer_bot_decisions_total", "band", "unknown");
        after.moved(before, 2, "xiaoer_bot_decisions_total", "band", "handoff");
        after.moved(before, 1, "xiaoer_bot_decisions_total", "band", "smalltalk");
        after.moved(before, 0, "xiaoer_bot_decisions_total", "band", "suggest");
        after.moved(before, 1, "xiaoer_handoffs_total", "queue", "after-sales", "trigger", "退款", "reason", "keyword");
        after.moved(before, 1, "xiaoer_handoffs_total", "queue", "complaints", "trigger", "投诉", "reason", "keyword");
        after.moved(before, 0, "xiaoer_handoffs_left_as_message_total", "queue", "after-sales");
        after.moved(before, 1, "xiaoer_flags_total", "rule", "abuse");

        after.moved(before, 1, "xiaoer_conversations_closed_total", "outcome", "human");
        after.moved(before, 1, "xiaoer_conversations_closed_total", "outcome", "bot");
        after.moved(before, 1, "xiaoer_conversations_closed_total", "outcome", "unattended");
        after.moved(before, 1, "xiaoer_conversations_closed_total", "outcome", "empty");
        assertEquals(1 / 3.0, after.value("xiaoer_bot_resolution_ratio"), 1e-9,
                "of the chats where the buyer wrote, the bot closed one of three alone");
        after.moved(before, 1, "xiaoer_ratings_total", "score", "5");

        after.moved(before, 3, "xiaoer_first_response_seconds_count", "by", "bot");
        after.moved(before, 1, "xiaoer_first_response_seconds_count", "by", "human");
        after.moved(before, 980, "xiaoer_first_response_seconds_sum", "by", "human");
        after.moved(before, 0, "xiaoer_first_response_seconds_bucket", "by", "human", "le", "900.0");
        after.moved(before, 1, "xiaoer_first_response_seconds_bucket", "by", "human", "le", "1800.0");
        assertEquals(980, after.value("xiaoer_first_response_recent_seconds", "by", "human", "quantile", "0.5"), 30,
                "the quantile of one sample of 980 s (Micrometer's histogram rounds a little)");

        after.moved(before, 1, "xiaoer_queue_wait_seconds_count", "queue", "after-sales");
        after.moved(before, 960, "xiaoer_queue_wait_seconds_sum", "queue", "after-sales");
        after.moved(before, 0, "xiaoer_queue_wait_seconds_count", "queue", "complaints");
        after.moved(before, 1, "xiaoer_sla_breaches_total", "queue", "after-sales");
        after.moved(before, 1, "xiaoer_queue_abandoned_total", "queue", "complaints");
        after.moved(before, 0, "xiaoer_queue_abandoned_total", "queue", "after-sales");
        assertEquals(0, after.value("xiaoer_queue_waiting", "queue", "complaints"));
        assertEquals(0, after.value("xiaoer_agent_open_chats", "agent", "mei"));

        // 什么时候发货 searched the FAQ; 什么时候发货？ is the same question normalised: from the cache; the Mars
        // question searched; rules and small talk never ask the cache.
        after.moved(before, 1, "xiaoer_intents_cache_requests_total", "result", "hit");
        after.moved(before, 2, "xiaoer_intents_cache_requests_total", "result", "miss");
        assertEquals(1 / 3.0, after.value("xiaoer_intents_cache_hit_ratio"), 1e-9);
        assertEquals(2, after.value("xiaoer_intents_cache_entries"));
        assertEquals(engine.faqSize(), after.value("xiaoer_faq_entries"));

        // Every event stored went through a commit the metrics heard of; a new conversation counts as one.
        long stored = 0;
        for (String id : List.of(aId, bId, cId, dId)) {
            stored += store.conversation(id).orElseThrow().lastSeq() + 1;
        }
        after.moved(before, stored, "xiaoer_store_commit_events_sum");
        assertTrue(after.value("xiaoer_store_commit_seconds_count") - before.value("xiaoer_store_commit_seconds_count")
                >= 1);
        assertEquals(1, after.value("xiaoer_store_writable"));
        assertEquals(0, after.value("xiaoer_store_queued_writes"));

        for (String name : List.of("jvm_memory_used_bytes", "jvm_gc_max_data_size_bytes", "jvm_threads_live_threads",
                "jvm_classes_loaded_classes", "process_cpu_usage", "process_uptime_seconds",
                "xiaoer_netty_allocator_used_bytes", "xiaoer_netty_allocator_arenas")) {
            assertTrue(after.has(name), name + " is scraped");
        }
        assertTrue(after.value("xiaoer_netty_allocator_arenas", "memory", "direct") >= 1);

        // Closed sockets leave the gauges where they started.
        buyers.forEach(TestBuyer::close);
        mei.close();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Scrape closed = scrape();
        while ((closed.value("xiaoer_connections", "endpoint", "buyer") != before.value("xiaoer_connections",
                "endpoint", "buyer") || closed.value("xiaoer_connections", "endpoint", "agent") != 0)
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
            closed = scrape();
        }
        closed.moved(before, 0, "xiaoer_connections", "endpoint", "buyer");
        closed.moved(before, 0, "xiaoer_connections", "endpoint", "agent");
    }
}
