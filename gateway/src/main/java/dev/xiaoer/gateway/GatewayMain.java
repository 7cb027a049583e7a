package dev.xiaoer.gateway;

import dev.xiaoer.gateway.admin.IntentFiles;
import dev.xiaoer.gateway.config.ConfigException;
import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.store.ConversationStore;
import dev.xiaoer.gateway.store.SqliteConversationStore;
import dev.xiaoer.gateway.store.StoreOpenException;
import dev.xiaoer.gateway.store.StoreOptions;
import dev.xiaoer.gateway.metrics.GatewayMetrics;
import dev.xiaoer.intents.IntentEngine;
import dev.xiaoer.intents.IntentFileException;

import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * The command line: {@code java -jar xiaoer-gateway.jar [--config FILE] [--port N] [--data DIR]}. Prints exactly one
 * line to stdout when ready ({@code xiaoer gateway listening on http://HOST:PORT}); logs go to stderr.
 * {@code java -jar xiaoer-gateway.jar hash-secret} prints the hash line of a new agent secret instead.
 */
public final class GatewayMain {

    private static final String USAGE = "usage: java -jar xiaoer-gateway.jar [--config FILE] [--port N] [--data DIR]\n"
            + "       java -jar xiaoer-gateway.jar hash-secret [--iterations N]";

    private GatewayMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length > 0 && args[0].equals("hash-secret")) {
            return HashSecret.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.console(), System.in,
                    System.out, System.err);
        }
        Path configFile = null;
        Integer port = null;
        Path data = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                System.out.println(USAGE);
                return 0;
            }
            if (i + 1 >= args.length || !(a.equals("--config") || a.equals("--port") || a.equals("--data"))) {
                System.err.println("xiaoer gateway: unknown or incomplete argument '" + a + "'\n" + USAGE);
                return 2;
            }
            String value = args[++i];
            switch (a) {
                case "--config" -> configFile = Path.of(value);
                case "--data" -> data = Path.of(value);
                default -> {
                    try {
                        port = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        port = -1;
                    }
                    if (port < 0 || port > 65535) {
                        System.err.println("xiaoer gateway: --port must be a number from 0 to 65535, was '" + value
                                + "'");
                        return 2;
                    }
                }
            }
        }
        GatewayConfig config;
        try {
            config = GatewayConfig.load(configFile);
        } catch (ConfigException e) {
            System.err.println("xiaoer gateway: configuration error: " + e.getMessage());
            return 2;
        }
        if (port != null) {
            config = config.withPort(port);
        }
        if (data != null) {
            config = config.withDataDir(data);
        }
        Path faq = IntentFiles.faqAtStart(config);
        IntentEngine engine;
        try {
            engine = intents(config, faq);
        } catch (IntentFileException e) {
            System.err.println("xiaoer gateway: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            System.err.println("xiaoer gateway: the FAQ engine cannot start: " + e);
            return 1;
        }
        GatewayMetrics metrics = new GatewayMetrics();
        ConversationStore store;
        try {
            store = openStore(config, metrics);
        } catch (StoreOpenException e) {
            metrics.close();
            System.err.println("xiaoer gateway: " + e.getMessage());
            return 1;
        }
        Gateway gateway;
        try {
            gateway = Gateway.builder(config).store(store).intents(engine).metrics(metrics).faqFile(faq).start();
        } catch (Exception e) {
            store.close();
            System.err.println("xiaoer gateway: cannot start: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "xiaoer-shutdown"));
        System.out.println("xiaoer gateway listening on " + gateway.url());
        System.out.flush();
        gateway.terminated().join();
        return 0;
    }

    /** The engine over {@code faq} (the configured file, or one the admin API wrote to the data folder; null: embedded). */
    private static IntentEngine intents(GatewayConfig config, Path faq) throws IntentFileException {
        GatewayConfig.Intents i = config.intents();
        if (faq != null && i.faq() == null) {
            LoggerFactory.getLogger(GatewayMain.class).info("FAQ from {} (written through the admin API; delete it"
                    + " to go back to the embedded sample)", faq);
        }
        return IntentEngine.builder()
                .faq(faq)
                .synonyms(i.synonyms())
                .rules(i.rules())
                .unknownsBeforeOffer(i.unknownsBeforeOffer())
                .build();
    }

    /** The one place the store is chosen: SQLite under the data folder ({@code ./data} by default). */
    static ConversationStore openStore(GatewayConfig config) {
        return SqliteConversationStore.open(config.dataDir());
    }

    /** The same, telling {@code metrics} about every commit. */
    static ConversationStore openStore(GatewayConfig config, GatewayMetrics metrics) {
        return SqliteConversationStore.open(config.dataDir(), StoreOptions.defaults().withCommitListener(metrics));
    }
}
