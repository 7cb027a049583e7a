package dev.xiaoer.gateway;

import dev.xiaoer.gateway.admin.AdminDesk;
import dev.xiaoer.gateway.agent.Agent;
import dev.xiaoer.gateway.chat.AgentDesk;
import dev.xiaoer.gateway.chat.Conversations;
import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.metrics.GatewayMetrics;
import dev.xiaoer.gateway.queue.HumanQueue;
import dev.xiaoer.gateway.store.ConversationStore;
import dev.xiaoer.gateway.store.RetentionSweeper;
import dev.xiaoer.gateway.web.GatewayInitializer;
import dev.xiaoer.intents.IntentEngine;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running gateway: the Netty server, the conversations behind it, the human queue with its agents, and the store,
 * assembled from one {@link GatewayConfig}. {@link #close()} shuts it down gracefully.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    private static final Duration HOUSEKEEPING_EVERY = Duration.ofMinutes(1);
    /** Transcript reads: a couple at a time, a few dozen waiting; more are refused (503) rather than queued. */
    private static final int READ_THREADS = 2;
    private static final int READ_BACKLOG = 64;
    /** Reports, FAQ changes and metric scrapes: a couple at a time, a few waiting; more are refused (503). */
    private static final int ADMIN_THREADS = 2;
    private static final int ADMIN_BACKLOG = 16;

    private final GatewayConfig config;
    private final ConversationStore store;
    private final HumanQueue queue;
    private final Conversations conversations;
    private final AgentDesk agents;
    private final ThreadPoolExecutor reads;
    private final ThreadPoolExecutor adminPool;
    private final GatewayMetrics metrics;
    private final AdminDesk admin;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ScheduledExecutorService housekeeping;
    private final RetentionSweeper retention;
    private final GatewayInitializer initializer;
    private final Channel server;
    private final boolean tls;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    private Gateway(Builder b) throws InterruptedException, SSLException {
        this.config = b.config;
        this.store = Objects.requireNonNull(b.store, "store");
        // TLS first: a bad certificate must fail the start before any thread is running.
        SslContext ssl = sslContext(config.server().tls());
        this.tls = ssl != null;
        IntentEngine engine = Objects.requireNonNull(b.engine, "intents");
        this.metrics = b.metrics != null ? b.metrics : new GatewayMetrics();
        this.queue = new HumanQueue(config, b.clock, metrics);
        this.conversations = Conversations.builder().store(store).engine(engine)
                .waitingLines(queue).clock(b.clock).config(config).metrics(metrics).build();
        this.agents = new AgentDesk(conversations, queue, config, b.clock);
        int restored = conversations.restore();
        this.reads = new ThreadPoolExecutor(READ_THREADS, READ_THREADS, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(READ_BACKLOG), r -> {
                    Thread t = new Thread(r, "xiaoer-reads");
                    t.setDaemon(true);
                    return t;
                });
        this.adminPool = new ThreadPoolExecutor(ADMIN_THREADS, ADMIN_THREADS, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(ADMIN_BACKLOG), r -> {
                    Thread t = new Thread(r, "xiaoer-admin");
                    t.setDaemon(true);
                    return t;
                });
        this.admin = new AdminDesk(config, store, engine, b.faqFileSet ? b.faqFile : config.intents().faq(),
                b.clock);
        metrics.watch(config, conversations, queue, store, engine, b.clock);
        this.initializer = new GatewayInitializer(ssl, config, conversations, agents, admin, metrics, store, reads,
                adminPool);
        this.boss = new NioEventLoopGroup(1, new DefaultThreadFactory("xiaoer-accept", true));
        this.workers = new NioEventLoopGroup(0, new DefaultThreadFactory("xiaoer-io", true));
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "xiaoer-housekeeping");
            t.setDaemon(true);
            return t;
        });
        try {
            this.server = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                    .childHandler(initializer)
                    .bind(config.server().host(), config.server().port())
                    .sync()
                    .channel();
        } catch (RuntimeException | InterruptedException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            housekeeping.shutdownNow();
            conversations.close();
            agents.close();
            queue.close();
            reads.shutdownNow();
            adminPool.shutdownNow();
            metrics.close();
            throw e;
        }
        this.retention = new RetentionSweeper(store, Duration.ofDays(config.retention().days()), Duration.ofHours(1),
                b.clock);
        retention.start();
        long every = HOUSEKEEPING_EVERY.toMillis();
        housekeeping.scheduleWithFixedDelay(conversations::closeIdle, every, every, TimeUnit.MILLISECONDS);
        LOG.info("listening on {} ({} conversations restored, {} agents; console at {}/agent)", url(), restored,
                config.agents().size(), url());
        for (Agent a : agents.credentials().withDemoSecret()) {
            LOG.warn("agent '{}' still has the demo secret \"demo\" from the README: anyone can log in as them."
                    + " Make a new one with: java -jar gateway/target/xiaoer-gateway.jar hash-secret, and put the"
                    + " line it prints as the agent's secret in your config file (see README, Agents)", a.id());
        }
        if (config.admin().enabled()) {
            LOG.info("admin API on at {}/api/admin/ (docs/admin.md)", url());
        }
        if (config.metrics().access() == GatewayConfig.MetricsAccess.OPEN && !address().getAddress().isLoopbackAddress()) {
            LOG.warn("/metrics is open to anyone who reaches {} (agent ids and queue figures): set metrics.access:"
                    + " token, or keep /metrics from the internet in your proxy", url());
        }
        if (config.agents().isEmpty()) {
            LOG.warn("no agents are configured: handed-off chats wait as messages nobody can answer (add agents:"
                    + " to your config file, see README)");
        }
    }

    private static SslContext sslContext(GatewayConfig.Tls tls) throws SSLException {
        if (tls == null) {
            return null;
        }
        // The JDK's TLS: no native OpenSSL to install, and fast enough for chat traffic.
        return SslContextBuilder.forServer(tls.certificate().toFile(), tls.privateKey().toFile())
                .sslProvider(SslProvider.JDK)
                .build();
    }

    /** A builder for a gateway with this configuration. */
    public static Builder builder(GatewayConfig config) {
        return new Builder(config);
    }

    /** Assembles a {@link Gateway}: the store and the intent engine are required. */
    public static final class Builder {
        private final GatewayConfig config;
        private ConversationStore store;
        private IntentEngine engine;
        private Clock clock = Clock.systemUTC();
        private GatewayMetrics metrics;
        private Path faqFile;
        private boolean faqFileSet;

        private Builder(GatewayConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** Where conversations are kept; the gateway closes it on {@link Gateway#close()}. */
        public Builder store(ConversationStore store) {
            this.store = store;
            return this;
        }

        /** The bot's brain. */
        public Builder intents(IntentEngine engine) {
            this.engine = engine;
            return this;
        }

        /** The clock for business hours, idle closing, event times, grace periods and the SLA. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The metrics to count in (the same the store's {@link dev.xiaoer.gateway.store.StoreOptions#commitListener()}
         * reports to, for commit latency); by default the gateway makes its own. The gateway closes them.
         */
        public Builder metrics(GatewayMetrics metrics) {
            this.metrics = metrics;
            return this;
        }

        /**
         * The FAQ file the engine was built from (null: the embedded sample), which the admin API edits and reloads;
         * by default the config's {@code intents.faq}.
         */
        public Builder faqFile(Path file) {
            this.faqFile = file;
            this.faqFileSet = true;
            return this;
        }

        /**
         * Restores open conversations from the store, then binds and starts serving.
         *
         * @throws SSLException when the TLS certificate or key cannot be used
         */
        public Gateway start() throws InterruptedException, SSLException {
            return new Gateway(this);
        }
    }

    /** The address the server is bound to (with the real port when the config said 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** The port the server is bound to. */
    public int port() {
        return address().getPort();
    }

    /** The base URL, {@code http://host:port} (or https with TLS). */
    public String url() {
        return (tls ? "https://" : "http://") + config.server().host() + ":" + port();
    }

    /** The human queue: waiting lines, agents, assignments. */
    public HumanQueue waitingLines() {
        return queue;
    }

    /** The agents' side: logins and console commands. */
    public AgentDesk agents() {
        return agents;
    }

    /** The metrics, as {@code /metrics} shows them. */
    public GatewayMetrics metrics() {
        return metrics;
    }

    /** The shop owner's side: the bot's files and the reports. */
    public AdminDesk admin() {
        return admin;
    }

    /** The conversations this gateway holds. */
    public Conversations conversations() {
        return conversations;
    }

    /** Completes when the gateway has shut down. */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    /**
     * Graceful shutdown: stop accepting connections; stop taking messages and let the store writes in flight
     * complete, so their acks still go out; tell every client the server is going away (1001); stop the
     * conversations and the waiting lines; close the store last. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            terminated.join();
            return;
        }
        Duration grace = Duration.ofSeconds(config.server().shutdownGraceSeconds());
        try {
            server.close().awaitUninterruptibly();
            housekeeping.shutdownNow();
            retention.close();
            conversations.drain(grace);
            initializer.closeAll(Math.max(1000, grace.toMillis() / 2));
            conversations.close();
            agents.close();
            queue.close();
            reads.shutdownNow();
            adminPool.shutdownNow();
            store.close();
        } finally {
            metrics.close();
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            LOG.info("stopped");
            terminated.complete(null);
        }
    }
}
