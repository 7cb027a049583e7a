package dev.xiaoer.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaoer.gateway.admin.IntentFiles;
import dev.xiaoer.gateway.chat.MutableClock;
import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.store.SqliteConversationStore;
import dev.xiaoer.intents.IntentEngine;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A gateway as the command line starts it for the admin API's tests: an admin token, the real bot built from the
 * FAQ the command line would pick ({@link IntentFiles#faqAtStart}), the SQLite store, a clock the test moves. Each
 * has its own engine, since the tests change its FAQ and rules.
 */
final class AdminGateway implements AutoCloseable {

    static final String TOKEN = "an-admin-token-long-enough-for-tests";

    final GatewayConfig config;
    final MutableClock clock;
    final IntentEngine engine;
    final Gateway gateway;
    final Http http;

    private AdminGateway(GatewayConfig config, MutableClock clock) throws Exception {
        this.config = config;
        this.clock = clock;
        Path faq = IntentFiles.faqAtStart(config);
        GatewayConfig.Intents i = config.intents();
        this.engine = IntentEngine.builder().faq(faq).rules(i.rules()).synonyms(i.synonyms()).build();
        this.gateway = Gateway.builder(config).store(SqliteConversationStore.open(config.dataDir())).intents(engine)
                .clock(clock).faqFile(faq).start();
        this.http = new Http(gateway.url());
    }

    /** The test configuration with the admin token, storing in {@code data}, with these intents files. */
    static GatewayConfig config(Path data, Path faq, Path rules) {
        return TestGateway.testConfig().withPort(0).withDataDir(data).withAdmin(new GatewayConfig.Admin(TOKEN))
                .withIntents(new GatewayConfig.Intents(faq, null, rules, 2));
    }

    static AdminGateway start(GatewayConfig config) throws Exception {
        return new AdminGateway(config, MutableClock.mondayShanghai(10, 0));
    }

    static AdminGateway start(GatewayConfig config, MutableClock clock) throws Exception {
        return new AdminGateway(config, clock);
    }

    /** A new buyer asks one question; returns the bot's reply (or the queued frame of a handoff). */
    JsonNode ask(String question) {
        try (TestBuyer b = TestBuyer.connect("ws://127.0.0.1:" + gateway.port() + "/ws/chat")) {
            b.hello();
            b.send(TestBuyer.JSON.createObjectNode().put("type", "message").put("id", "q").put("text", question)
                    .toString());
            assertEquals("ack", b.next().path("type").asText());
            return b.next();
        }
    }

    /** The console token of an agent of the test configuration, after a login. */
    String consoleToken(String agentId) {
        try (TestConsole c = new TestConsole(TestBuyer.connect("ws://127.0.0.1:" + gateway.port() + "/ws/agent"))) {
            return c.loginAway(agentId).get("token").asText();
        }
    }

    @Override
    public void close() {
        gateway.close();
    }
}
