package dev.xiaoer.gateway;

import dev.xiaoer.gateway.chat.MutableClock;
import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.store.ConversationStore;
import dev.xiaoer.intents.IntentEngine;

import java.nio.file.Path;

/**
 * The gateway a new user runs, in this JVM, for the browser tests: default configuration, the real FAQ engine with
 * the embedded sample shop and the SQLite store the command line opens, on a free port over a data folder, at 10:00
 * on a Monday in Shanghai (people are in). {@link #restart()} starts a new gateway on the same port over the same
 * folder, as after a crash or a deploy.
 */
final class ShopGateway implements AutoCloseable {

    private static IntentEngine engine;

    final Path data;
    final MutableClock clock;
    final ConversationStore store;
    final Gateway gateway;

    private ShopGateway(Path data, int port, MutableClock clock) throws Exception {
        this.data = data;
        this.clock = clock;
        GatewayConfig config = GatewayConfig.defaults().withPort(port).withDataDir(data);
        this.store = GatewayMain.openStore(config);
        this.gateway = Gateway.builder(config).store(store).intents(engine()).clock(clock).start();
    }

    /** The engine is built once per JVM: smartcn's dictionary takes a moment to load. */
    static synchronized IntentEngine engine() throws Exception {
        if (engine == null) {
            engine = IntentEngine.builder().build();
        }
        return engine;
    }

    static ShopGateway start(Path data) throws Exception {
        return new ShopGateway(data, 0, MutableClock.mondayShanghai(10, 0));
    }

    /** A new gateway on the same port over the same data folder; this one must be closed first. */
    ShopGateway restart() throws Exception {
        return new ShopGateway(data, port(), clock);
    }

    int port() {
        return gateway.port();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    String ws() {
        return "ws://127.0.0.1:" + port() + "/ws/chat";
    }

    /**
     * The demo agent logged in to the agent console, away: the lines are staffed, so a handoff waits for a person
     * (not as a message for later), and the chats wait until the console claims them. Close it to log out.
     */
    TestConsole demoAgentAway() {
        TestConsole console = new TestConsole(TestBuyer.connect("ws://127.0.0.1:" + port() + "/ws/agent"));
        console.frame("login", "agentId", "demo", "secret", "demo", "status", "away");
        console.next("welcome");
        console.next("lines");
        return console;
    }

    @Override
    public void close() {
        gateway.close();
    }
}
