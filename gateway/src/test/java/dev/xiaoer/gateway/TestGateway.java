package dev.xiaoer.gateway;

import dev.xiaoer.gateway.agent.TestAgents;
import dev.xiaoer.gateway.chat.FlakyStore;
import dev.xiaoer.gateway.chat.KeywordEngine;
import dev.xiaoer.gateway.chat.MutableClock;
import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.store.InMemoryConversationStore;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/** A gateway in this JVM on a free port, with the keyword engine, an in-memory store and a clock the test moves. */
final class TestGateway implements AutoCloseable {

    final MutableClock clock;
    final KeywordEngine engine = new KeywordEngine();
    final InMemoryConversationStore memory;
    final FlakyStore store;
    final Gateway gateway;

    private TestGateway(GatewayConfig config, InMemoryConversationStore memory, MutableClock clock) throws Exception {
        this.clock = clock;
        this.memory = memory;
        this.store = new FlakyStore(memory);
        this.gateway = Gateway.builder(config.withPort(0)).store(store).intents(engine).clock(clock).start();
    }

    /** Defaults, on a free port, on a Monday at 10:00 in Shanghai (within business hours). */
    static TestGateway start() throws Exception {
        return start(testConfig());
    }

    static TestGateway start(GatewayConfig config) throws Exception {
        return new TestGateway(config, new InMemoryConversationStore(), MutableClock.mondayShanghai(10, 0));
    }

    /** A second gateway over the data of a first that stopped: a restart. */
    static TestGateway restart(TestGateway before) throws Exception {
        return new TestGateway(testConfig(), before.memory.reopen(), before.clock);
    }

    /**
     * The defaults with limits loose enough for tests that are not about limits, and three agents whose secret
     * ({@link TestAgents#SECRET}) is cheap to check: mei serves every queue, lan after-sales only (up to 2 chats),
     * and boss is a supervisor who serves complaints.
     */
    static GatewayConfig testConfig() {
        return GatewayConfig.defaults().withLimits(limits(4096, 100, 50, 100, 500, 1000, 10, 50, 60))
                .withAgents(List.of(TestAgents.agent("mei", "小美", 5, "*"),
                        TestAgents.agent("lan", "小兰", 2, "after-sales"),
                        TestAgents.supervisor("boss", "店长", 5, "complaints")));
    }

    static GatewayConfig.Limits limits(int frameBytes, int textChars, int perSecond, int burst, int ipPerSecond,
                                       int ipBurst, int floodCloseAfter, int connectionsPerIp, int idleSeconds) {
        return new GatewayConfig.Limits(frameBytes, textChars, perSecond, burst, ipPerSecond, ipBurst,
                floodCloseAfter, connectionsPerIp, idleSeconds, 4);
    }

    String ws() {
        return "ws://127.0.0.1:" + gateway.port() + "/ws/chat";
    }

    TestBuyer buyer() {
        return TestBuyer.connect(ws());
    }

    /** An agent console's socket, not logged in yet. */
    TestConsole console() {
        return new TestConsole(TestBuyer.connect("ws://127.0.0.1:" + gateway.port() + "/ws/agent"));
    }

    HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        gateway.close();
    }
}
