package dev.xiaoer.gateway.metrics;

import dev.xiaoer.gateway.chat.ChatMetrics;
import dev.xiaoer.gateway.chat.Conversations;
import dev.xiaoer.gateway.chat.ErrorCode;
import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.queue.AgentErrorCode;
import dev.xiaoer.gateway.queue.AgentStatus;
import dev.xiaoer.gateway.queue.HumanQueue;
import dev.xiaoer.gateway.queue.QueueMetrics;
import dev.xiaoer.gateway.queue.QueueSnapshot;
import dev.xiaoer.gateway.store.CommitListener;
import dev.xiaoer.gateway.store.ConversationStore;
import dev.xiaoer.intents.CacheStats;
import dev.xiaoer.intents.IntentEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's metrics, in Prometheus text format ({@link #scrape()}): one registry per gateway, never the global
 * one. Every meter the hot paths touch is created up front (or once per label value) and kept, so that counting a
 * frame is one lock-free increment; gauges read published snapshots and atomic values lazily, at scrape time, on
 * the scraping thread. Names and meanings are listed in {@code docs/operations.md}.
 *
 * <p>Label values are bounded: codes, bands, outcomes and statuses are closed sets; queue, trigger, flag and agent
 * values come from the rules file and the config, and are capped anyway ({@link BoundedLabels}).
 */
public final class GatewayMetrics implements ChatMetrics, QueueMetrics, CommitListener, AutoCloseable {

    /** The content type of {@link #scrape()}: Prometheus text exposition format 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /**
     * Quantiles computed in the gateway over the last few minutes (see {@link #RECENT}), published as gauges of their
     * own ({@code …_recent_seconds{quantile=…}}) next to each histogram, for people who read /metrics without PromQL.
     */
    private static final double[] QUANTILES = {0.5, 0.9, 0.99};
    /**
     * Client-side quantiles cover this much recent time: shop traffic is thin, and the Micrometer default of two
     * minutes would often have nothing to report. Histogram buckets (below) are cumulative and serve PromQL.
     */
    private static final Duration RECENT = Duration.ofMinutes(10);
    private static final Duration[] RESPONSE_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
            600, 900, 1800, 3600, 7200, 14400, 28800, 86400);
    private static final Duration[] WAIT_BUCKETS = seconds(10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400,
            28800, 86400);
    private static final Duration[] COMMIT_BUCKETS = seconds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1,
            0.25, 0.5, 1, 2.5);
    private static final List<String> BANDS = List.of("answer", "suggest", "unknown", "handoff", "smalltalk");
    private static final int MAX_LABEL_VALUES = 200;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    private final EnumMap<Endpoint, Counter> framesIn = new EnumMap<>(Endpoint.class);
    private final EnumMap<Endpoint, Counter> framesOut = new EnumMap<>(Endpoint.class);
    private final EnumMap<Endpoint, AtomicInteger> connections =
            new EnumMap<>(Endpoint.class);
    private final EnumMap<ErrorCode, Counter> buyerRejected = new EnumMap<>(ErrorCode.class);
    private final EnumMap<AgentErrorCode, Counter> agentRejected = new EnumMap<>(AgentErrorCode.class);
    private final EnumMap<Outcome, Counter> closed = new EnumMap<>(Outcome.class);
    private final EnumMap<Responder, Timer> firstResponse = new EnumMap<>(Responder.class);
    private final Map<String, Counter> decisions = new HashMap<>();
    private final EnumMap<Endpoint, Map<String, Counter>> limited = new EnumMap<>(Endpoint.class);
    private final Counter[] ratings = new Counter[6];
    private final Counter started;
    private final Timer commits;
    private final DistributionSummary commitEvents;
    private final BoundedLabels queues = new BoundedLabels(MAX_LABEL_VALUES);
    private final BoundedLabels triggers = new BoundedLabels(MAX_LABEL_VALUES);
    private final BoundedLabels rules = new BoundedLabels(MAX_LABEL_VALUES);

    /** A registry with the JVM's and Netty's allocator metrics bound; {@link #watch} adds the gateway's gauges. */
    public GatewayMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        bindNettyAllocator(registry);

        for (Endpoint e : Endpoint.values()) {
            limited.put(e, new ConcurrentHashMap<>());
        }
        for (Endpoint e : List.of(Endpoint.BUYER, Endpoint.AGENT)) {
            framesIn.put(e, Counter.builder("xiaoer.frames.received").tag("endpoint", e.label())
                    .description("WebSocket data frames received").register(registry));
            framesOut.put(e, Counter.builder("xiaoer.frames.sent").tag("endpoint", e.label())
                    .description("WebSocket data frames sent").register(registry));
            AtomicInteger open = new AtomicInteger();
            connections.put(e, open);
            Gauge.builder("xiaoer.connections", open, AtomicInteger::get)
                    .tag("endpoint", e.label()).description("open WebSockets").strongReference(true)
                    .register(registry);
        }
        for (ErrorCode c : ErrorCode.values()) {
            buyerRejected.put(c, rejectedCounter(Endpoint.BUYER, c.wire()));
        }
        for (AgentErrorCode c : AgentErrorCode.values()) {
            agentRejected.put(c, rejectedCounter(Endpoint.AGENT, c.wire()));
        }
        started = Counter.builder("xiaoer.conversations.started").description("conversations opened by a hello")
                .register(registry);
        for (Outcome o : Outcome.values()) {
            closed.put(o, Counter.builder("xiaoer.conversations.closed").tag("outcome", label(o.name()))
                    .description("conversations closed, by who handled them").register(registry));
        }
        Gauge.builder("xiaoer.bot.resolution", this, GatewayMetrics::botResolution).baseUnit("ratio")
                .description("share of conversations closed since start that the bot handled alone")
                .strongReference(true).register(registry);
        for (String band : BANDS) {
            decisions.put(band, Counter.builder("xiaoer.bot.decisions").tag("band", band)
                    .description("the bot's decisions on buyer messages, by band").register(registry));
        }
        for (int score = 1; score <= 5; score++) {
            ratings[score] = Counter.builder("xiaoer.ratings").tag("score", Integer.toString(score))
                    .description("ratings given by buyers, by score").register(registry);
        }
        for (Responder r : Responder.values()) {
            Timer t = Timer.builder("xiaoer.first.response").tag("by", label(r.name()))
                    .description("time from a buyer's first question to the first answer (bot), or from the"
                            + " handoff to the first agent message (human)")
                    .publishPercentiles(QUANTILES).serviceLevelObjectives(RESPONSE_BUCKETS)
                    .distributionStatisticExpiry(RECENT).register(registry);
            firstResponse.put(r, t);
            recentQuantiles("xiaoer.first.response.recent", t, "by", label(r.name()));
        }
        commits = Timer.builder("xiaoer.store.commit").description("store commits (group commit), transaction"
                        + " start to sync done")
                .publishPercentiles(QUANTILES).serviceLevelObjectives(COMMIT_BUCKETS)
                .distributionStatisticExpiry(RECENT).register(registry);
        recentQuantiles("xiaoer.store.commit.recent", commits, null, null);
        commitEvents = DistributionSummary.builder("xiaoer.store.commit.events").baseUnit("events")
                .description("events per store commit").register(registry);
    }

    private Counter rejectedCounter(Endpoint e, String code) {
        return Counter.builder("xiaoer.frames.rejected").tag("endpoint", e.label()).tag("code", code)
                .description("error frames sent, by error code").register(registry);
    }

    /**
     * The gauges that read the gateway's state at scrape time: conversations in memory, the waiting lines and the
     * agents (from the queue's published snapshot), the store, and the bot's FAQ and cache.
     */
    public void watch(GatewayConfig config, Conversations conversations, HumanQueue queue, ConversationStore store,
                      IntentEngine engine, Clock clock) {
        Gauge.builder("xiaoer.conversations.open", conversations, Conversations::size)
                .description("conversations held in memory (open, or closed with a buyer still attached)")
                .strongReference(true).register(registry);
        for (GatewayConfig.QueueInfo q : config.queues().known()) {
            String id = q.id();
            Gauge.builder("xiaoer.queue.waiting", () -> line(queue, id).waiting()).tag("queue", queues.of(id))
                    .description("chats waiting in the line").register(registry);
            Gauge.builder("xiaoer.queue.oldest.wait", () -> {
                Instant oldest = line(queue, id).oldestWaitingSince();
                return oldest == null ? 0 : Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1e3);
            }).tag("queue", queues.of(id)).baseUnit("seconds")
                    .description("how long the chat waiting longest has waited").register(registry);
            Gauge.builder("xiaoer.queue.sla.breached", () -> line(queue, id).slaBreached()).tag("queue",
                    queues.of(id)).description("chats waiting past sla.waitMinutes").register(registry);
            recentQuantiles("xiaoer.queue.wait.recent", waitTimer(id), "queue", queues.of(id));
            Counter.builder("xiaoer.queue.abandoned").tag("queue", queues.of(id))
                    .description("chats the buyer closed while waiting").register(registry);
        }
        for (AgentStatus s : AgentStatus.values()) {
            Gauge.builder("xiaoer.agents", () -> queue.snapshot().agents().stream()
                            .filter(a -> a.status() == s).count())
                    .tag("status", s.wire()).description("configured agents by status").register(registry);
        }
        config.agents().forEach(a -> {
            String id = a.id();
            Gauge.builder("xiaoer.agent.open.chats", () -> agent(queue, id, QueueSnapshot.AgentState::openChats))
                    .tag("agent", id).description("chats the agent holds").register(registry);
            Gauge.builder("xiaoer.agent.utilisation", () -> agent(queue, id, s -> s.openChats() / (double) s.maxChats()))
                    .tag("agent", id).baseUnit("ratio").description("chats held / maxChats").register(registry);
        });
        Gauge.builder("xiaoer.agents.open.chats", () -> queue.snapshot().agents().stream()
                        .mapToInt(QueueSnapshot.AgentState::openChats).sum())
                .description("chats held by all agents").register(registry);
        Gauge.builder("xiaoer.agents.chat.capacity", () -> capacity(queue.snapshot()))
                .description("maxChats summed over agents logged in (available or away)").register(registry);
        Gauge.builder("xiaoer.agents.utilisation", () -> {
            QueueSnapshot s = queue.snapshot();
            int cap = capacity(s);
            return cap == 0 ? 0 : s.agents().stream().filter(a -> a.status() != AgentStatus.OFFLINE)
                    .mapToInt(QueueSnapshot.AgentState::openChats).sum() / (double) cap;
        }).baseUnit("ratio").description("chats held / capacity of the agents logged in").register(registry);

        Gauge.builder("xiaoer.store.queued.writes", store, ConversationStore::queuedWrites)
                .description("writes waiting for the store's writer thread").strongReference(true).register(registry);
        Gauge.builder("xiaoer.store.writable", store, s -> s.writable() ? 1 : 0)
                .description("1 while the store can write, 0 while it cannot (disk full, locked)")
                .strongReference(true).register(registry);

        Gauge.builder("xiaoer.faq.entries", engine, IntentEngine::faqSize).description("FAQ entries in force")
                .strongReference(true).register(registry);
        FunctionCounter.builder("xiaoer.intents.cache.requests", engine, e -> e.cacheStats().hits())
                .tag("result", "hit").description("FAQ decisions asked of the decision cache")
                .register(registry);
        FunctionCounter.builder("xiaoer.intents.cache.requests", engine, e -> e.cacheStats().misses())
                .tag("result", "miss").description("FAQ decisions asked of the decision cache")
                .register(registry);
        Gauge.builder("xiaoer.intents.cache.hit", engine, e -> {
            CacheStats c = e.cacheStats();
            return c.requests() == 0 ? 0 : c.hits() / (double) c.requests();
        }).baseUnit("ratio").description("hits / requests of the decision cache since start")
                .strongReference(true).register(registry);
        Gauge.builder("xiaoer.intents.cache.entries", engine, e -> e.cacheStats().entries())
                .description("decisions held in the cache").strongReference(true).register(registry);
    }

    private static QueueSnapshot.LineState line(HumanQueue queue, String id) {
        for (QueueSnapshot.LineState l : queue.snapshot().lines()) {
            if (l.queue().equals(id)) {
                return l;
            }
        }
        return new QueueSnapshot.LineState(id, 0, null, 0);
    }

    private static double agent(HumanQueue queue, String id, ToDoubleFunction<QueueSnapshot.AgentState> f) {
        for (QueueSnapshot.AgentState a : queue.snapshot().agents()) {
            if (a.id().equals(id)) {
                return f.applyAsDouble(a);
            }
        }
        return 0;
    }

    private static int capacity(QueueSnapshot s) {
        return s.agents().stream().filter(a -> a.status() != AgentStatus.OFFLINE)
                .mapToInt(QueueSnapshot.AgentState::maxChats).sum();
    }

    private Timer waitTimer(String queue) {
        return Timer.builder("xiaoer.queue.wait").tag("queue", queues.of(queue))
                .description("how long chats waited in line before a person took them")
                .publishPercentiles(QUANTILES).serviceLevelObjectives(WAIT_BUCKETS)
                .distributionStatisticExpiry(RECENT).register(registry);
    }

    /** Gauges of the timer's quantiles over the last {@link #RECENT}; {@code tagKey} may be null. */
    private void recentQuantiles(String name, Timer timer, String tagKey, String tagValue) {
        for (double q : QUANTILES) {
            Gauge.Builder<Timer> b = Gauge.builder(name, timer, t -> quantile(t, q)).baseUnit("seconds")
                    .tag("quantile", Double.toString(q))
                    .description("quantiles of " + timer.getId().getName() + " over the last " + RECENT.toMinutes()
                            + " minutes, computed in the gateway").strongReference(true);
            if (tagKey != null) {
                b.tag(tagKey, tagValue);
            }
            b.register(registry);
        }
    }

    private static double quantile(Timer t, double q) {
        for (ValueAtPercentile v : t.takeSnapshot().percentileValues()) {
            if (v.percentile() == q) {
                return v.value(TimeUnit.SECONDS);
            }
        }
        return 0;
    }

    private double botResolution() {
        double bot = closed.get(Outcome.BOT).count();
        double all = bot + closed.get(Outcome.HUMAN).count() + closed.get(Outcome.UNATTENDED).count();
        return all == 0 ? 0 : bot / all;
    }

    // ---- the web layer ----

    /** A WebSocket of {@code e} completed its handshake. */
    public void connectionOpened(Endpoint e) {
        connections.get(e).incrementAndGet();
    }

    /** A WebSocket counted by {@link #connectionOpened} closed. */
    public void connectionClosed(Endpoint e) {
        connections.get(e).decrementAndGet();
    }

    /** A data frame arrived (before any limit is applied). */
    public void frameReceived(Endpoint e) {
        framesIn.get(e).increment();
    }

    /** A data frame was encoded to be sent. */
    public void frameSent(Endpoint e) {
        framesOut.get(e).increment();
    }

    /** An error frame went to a buyer. */
    public void rejected(ErrorCode code) {
        buyerRejected.get(code).increment();
    }

    /** An error frame went to an agent console. */
    public void rejected(AgentErrorCode code) {
        agentRejected.get(code).increment();
    }

    /**
     * A limit refused something: {@code scope} is {@code connection} (one socket's frame rate), {@code address} (an
     * IP address's frame rate or failed API tokens), {@code login} (failed agent logins) or {@code connections}
     * (sockets per address, 429 at the upgrade).
     */
    public void rateLimited(Endpoint e, String scope) {
        // Looked up without building an id: a flood calls this once per refused frame.
        limited.get(e).computeIfAbsent(scope, s -> Counter.builder("xiaoer.rate.limited").tag("endpoint", e.label())
                .tag("scope", s).description("requests or frames refused by a rate limit").register(registry))
                .increment();
    }

    /** A WebSocket upgrade was refused before the handshake ({@code origin} or {@code too_many_connections}). */
    public void upgradeRefused(Endpoint e, String reason) {
        Counter.builder("xiaoer.upgrades.refused").tag("endpoint", e.label()).tag("reason", reason)
                .description("WebSocket upgrades refused").register(registry).increment();
    }

    /** A bearer token was missing or wrong on {@code api} ({@code admin}, {@code supervisor}, {@code metrics}). */
    public void authFailed(String api) {
        Counter.builder("xiaoer.auth.failures").tag("api", api)
                .description("API requests refused for a missing or wrong token").register(registry).increment();
    }

    /** The FAQ was changed ({@code how}: upload, entry, reload) or the change was refused. */
    public void faqChanged(String how, boolean ok) {
        Counter.builder("xiaoer.faq.changes").tag("how", how).tag("result", ok ? "ok" : "rejected")
                .description("FAQ uploads, added entries and reloads").register(registry).increment();
    }

    /** The routing rules were reloaded, or the reload was refused. */
    public void rulesReloaded(boolean ok) {
        Counter.builder("xiaoer.rules.reloads").tag("result", ok ? "ok" : "rejected")
                .description("routing rules reloads").register(registry).increment();
    }

    // ---- ChatMetrics (conversation lanes) ----

    @Override
    public void conversationStarted() {
        started.increment();
    }

    @Override
    public void decided(String band) {
        Counter c = decisions.get(band);
        if (c != null) {
            c.increment();
        }
    }

    @Override
    public void handedOff(String queue, String trigger, String reason, boolean leaveMessage) {
        String q = queues.of(queue);
        Counter.builder("xiaoer.handoffs").tag("queue", q)
                .tag("trigger", "keyword".equals(reason) ? triggers.of(trigger) : "none").tag("reason", reason)
                .description("chats put in a waiting line, by queue, rule word and reason").register(registry)
                .increment();
        if (leaveMessage) {
            Counter.builder("xiaoer.handoffs.left.as.message").tag("queue", q)
                    .description("handoffs out of hours or with nobody logged in (a message for later)")
                    .register(registry).increment();
        }
    }

    @Override
    public void flagged(String rule) {
        Counter.builder("xiaoer.flags").tag("rule", rules.of(rule)).description("supervisor flags raised, by rule")
                .register(registry).increment();
    }

    @Override
    public void firstResponse(Responder by, Duration took) {
        firstResponse.get(by).record(took.isNegative() ? Duration.ZERO : took);
    }

    @Override
    public void closed(Outcome outcome) {
        closed.get(outcome).increment();
    }

    @Override
    public void rated(int score) {
        if (score >= 1 && score <= 5) {
            ratings[score].increment();
        }
    }

    // ---- QueueMetrics (the queue's thread) ----

    @Override
    public void waited(String queue, Duration waited) {
        waitTimer(queue).record(waited.isNegative() ? Duration.ZERO : waited);
    }

    @Override
    public void abandoned(String queue) {
        Counter.builder("xiaoer.queue.abandoned").tag("queue", queues.of(queue))
                .description("chats the buyer closed while waiting").register(registry).increment();
    }

    @Override
    public void slaBreached(String queue) {
        Counter.builder("xiaoer.sla.breaches").tag("queue", queues.of(queue))
                .description("chats that waited past sla.waitMinutes (once per wait)").register(registry)
                .increment();
    }

    // ---- CommitListener (the store's writer thread) ----

    @Override
    public void committed(int writes, int events, long nanos) {
        commits.record(Duration.ofNanos(nanos));
        commitEvents.record(events);
    }

    // ---- reading ----

    /** Every metric in Prometheus text format ({@link #CONTENT_TYPE}). */
    public String scrape() {
        return registry.scrape();
    }

    /** The registry, for embedders who add their own meters. */
    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private static void bindNettyAllocator(MeterRegistry registry) {
        PooledByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
        PooledByteBufAllocatorMetric m = allocator.metric();
        memoryGauge(registry, "xiaoer.netty.allocator.used", "bytes", "memory the pooled allocator holds",
                x -> m.usedHeapMemory(), x -> m.usedDirectMemory());
        memoryGauge(registry, "xiaoer.netty.allocator.pinned", "bytes", "memory of buffers in use (not just pooled)",
                x -> allocator.pinnedHeapMemory(), x -> allocator.pinnedDirectMemory());
        memoryGauge(registry, "xiaoer.netty.allocator.arenas", null, "arenas of the pooled allocator",
                x -> m.numHeapArenas(), x -> m.numDirectArenas());
        Gauge.builder("xiaoer.netty.allocator.thread.local.caches", m, PooledByteBufAllocatorMetric::numThreadLocalCaches)
                .description("thread-local caches of the pooled allocator").strongReference(true).register(registry);
        Gauge.builder("xiaoer.netty.allocator.chunk.size", m, PooledByteBufAllocatorMetric::chunkSize).baseUnit("bytes")
                .description("size of one chunk of the pooled allocator").strongReference(true).register(registry);
    }

    private static void memoryGauge(MeterRegistry registry, String name, String unit, String description,
                                    Function<Object, Number> heap, Function<Object, Number> direct) {
        Object any = new Object();
        Gauge.builder(name, any, x -> heap.apply(x).doubleValue()).tag("memory", "heap").baseUnit(unit)
                .description(description).strongReference(true).register(registry);
        Gauge.builder(name, any, x -> direct.apply(x).doubleValue()).tag("memory", "direct").baseUnit(unit)
                .description(description).strongReference(true).register(registry);
    }

    private static String label(String enumName) {
        return enumName.toLowerCase(java.util.Locale.ROOT);
    }

    private static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        }
        return out;
    }
}
