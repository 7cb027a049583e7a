package dev.xiaoer.gateway.chat;

import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.queue.AgentSeat;
import dev.xiaoer.gateway.queue.Assignments;
import dev.xiaoer.gateway.queue.Handoff;
import dev.xiaoer.gateway.queue.WaitingLines;
import dev.xiaoer.gateway.store.ConversationStore;
import dev.xiaoer.gateway.store.NewConversation;
import dev.xiaoer.gateway.store.StoredConversation;
import dev.xiaoer.intents.Candidate;
import dev.xiaoer.intents.IntentEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The chat desk: every open conversation, the lanes they run on, and the bot flow's entry points. Plain Java with
 * an injected clock; the web layer calls it from event loops and it never blocks them.
 *
 * <p>Threads: each conversation lives on one lane (a single-threaded executor picked by its id), so its state has
 * one writer and needs no locks. The intent engine runs inline on the lane: its decisions take tens to hundreds of
 * microseconds and never touch the disk, and the lanes are a bounded pool that is not an event loop, so a hop to
 * yet another pool would only add latency. Store futures and waiting-line futures come back to the lane.
 */
public final class Conversations implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Conversations.class);
    /** How long a conversation in which the buyer never said anything is kept without a socket. */
    static final Duration EMPTY_IDLE = Duration.ofMinutes(10);

    private final ConversationStore store;
    private final IntentEngine engine;
    private final WaitingLines waitingLines;
    private final Clock clock;
    private final GatewayConfig config;
    private final ChatMetrics metrics;
    private final BusinessHours hours;
    private final SessionKeys keys = new SessionKeys();
    private final ExecutorService[] lanes;
    private final ConcurrentHashMap<String, Conversation> open = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean storeDown = new AtomicBoolean();
    private volatile boolean stopping;

    private Conversations(Builder b) {
        this.store = Objects.requireNonNull(b.store, "store");
        this.engine = Objects.requireNonNull(b.engine, "engine");
        this.waitingLines = Objects.requireNonNull(b.waitingLines, "waitingLines");
        this.clock = Objects.requireNonNull(b.clock, "clock");
        this.config = Objects.requireNonNull(b.config, "config");
        this.metrics = Objects.requireNonNull(b.metrics, "metrics");
        this.hours = new BusinessHours(config.businessHours());
        int n = config.chat().threads() > 0 ? config.chat().threads()
                : Math.max(2, Runtime.getRuntime().availableProcessors());
        this.lanes = new ExecutorService[n];
        for (int i = 0; i < n; i++) {
            String name = "xiaoer-chat-" + i;
            lanes[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
        }
        waitingLines.onMove((conversationId, place) -> {
            Conversation c = open.get(conversationId);
            if (c != null) {
                run(c, () -> c.moved(place));
            }
        });
        waitingLines.serve(new QueueRequests());
    }

    /** A builder; store, engine, waiting lines and config are required, the clock defaults to the system's. */
    public static Builder builder() {
        return new Builder();
    }

    /** Assembles a {@link Conversations}. */
    public static final class Builder {
        private ConversationStore store;
        private IntentEngine engine;
        private WaitingLines waitingLines;
        private Clock clock = Clock.systemUTC();
        private GatewayConfig config;
        private ChatMetrics metrics = ChatMetrics.NONE;

        private Builder() {
        }

        public Builder store(ConversationStore store) {
            this.store = store;
            return this;
        }

        public Builder engine(IntentEngine engine) {
            this.engine = engine;
            return this;
        }

        public Builder waitingLines(WaitingLines lines) {
            this.waitingLines = lines;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder config(GatewayConfig config) {
            this.config = config;
            return this;
        }

        /** What to tell the metrics (default: nothing). */
        public Builder metrics(ChatMetrics metrics) {
            this.metrics = metrics;
            return this;
        }

        public Conversations build() {
            return new Conversations(this);
        }
    }

    // ---- start ----

    /**
     * Rebuilds every open conversation from the store (seq counters, token hashes, accepted message ids, dialog
     * state) and puts the waiting ones back in line with their original handoff times. Call once, before buyers
     * connect, from a thread that may block.
     */
    public int restore() {
        List<StoredConversation> stored = store.openConversations();
        List<CompletableFuture<?>> placed = new ArrayList<>();
        for (StoredConversation s : stored) {
            String id = s.summary().conversationId();
            Conversation c = new Conversation(this, id, s.summary().tokenHash(), laneOf(id), s.summary().createdAt());
            List<ConversationEvent> events = s.events();
            c.restore(s.summary().lastSeq(), events);
            open.put(id, c);
            Optional<Handoff> waiting = c.waitingHandoff();
            if (waiting.isPresent()) {
                placed.add(waitingLines.enqueue(waiting.get()).thenAcceptAsync(c::placed, c.lane));
            }
            Optional<String> holder = c.holder();
            if (holder.isPresent()) {
                waitingLines.restoreHeld(id, holder.get(), c.queue(), c.holderSince());
            }
        }
        CompletableFuture.allOf(placed.toArray(new CompletableFuture<?>[0])).join();
        return stored.size();
    }

    // ---- what buyers do (called from event loops; never blocks) ----

    /** A buyer's hello: a new conversation, or a resume with replay of everything after {@code lastSeq}. */
    public void hello(BuyerLink link, Hello hello) {
        if (stopping) {
            refuse(link, ErrorCode.SHUTTING_DOWN, "the gateway is restarting; connect again in a moment");
            return;
        }
        if (hello.resumes()) {
            Conversation c = open.get(hello.session());
            if (c == null) {
                refuse(link, ErrorCode.SESSION_NOT_FOUND,
                        "no open conversation has this session; send hello without a session to start one");
                return;
            }
            run(c, () -> c.resume(link, hello));
            return;
        }
        String id = keys.newSessionId();
        String token = keys.newToken();
        Conversation c = new Conversation(this, id, SessionKeys.hash(token), laneOf(id), now());
        inFlight.incrementAndGet();
        CompletableFuture<Void> created;
        try {
            created = store.open(new NewConversation(id, SessionKeys.hash(token), now()));
        } catch (RuntimeException e) {
            created = CompletableFuture.failedFuture(e);
        }
        created.whenCompleteAsync((ok, failure) -> {
            try {
                if (failure != null) {
                    storeFailed(id, failure);
                    refuse(link, ErrorCode.STORE_UNAVAILABLE, "the conversation could not be saved; send hello again");
                    return;
                }
                storeUp();
                open.put(id, c);
                metrics.conversationStarted();
                c.welcome(link, token, hello);
            } finally {
                inFlight.decrementAndGet();
            }
        }, c.lane);
    }

    /** A buyer message on a connection that has been welcomed. */
    public void say(BuyerLink link, BuyerMessage message) {
        Conversation c = conversationOf(link);
        if (c == null) {
            link.send(new BuyerFrame.Error(ErrorCode.SESSION_NOT_FOUND, "this session has ended; send hello again",
                    message.id()));
            return;
        }
        run(c, () -> c.receive(link, message));
    }

    /** The buyer ends the chat. */
    public void close(BuyerLink link) {
        Conversation c = conversationOf(link);
        if (c == null) {
            link.send(new BuyerFrame.Error(ErrorCode.SESSION_NOT_FOUND, "this session has ended", null));
            return;
        }
        run(c, () -> c.closeByBuyer(link));
    }

    /** The buyer rates the closed chat (score 1–5, comment may be null). */
    public void rate(BuyerLink link, int score, String comment) {
        Conversation c = conversationOf(link);
        if (c == null) {
            link.send(new BuyerFrame.Error(ErrorCode.SESSION_NOT_FOUND, "this session has ended", null));
            return;
        }
        run(c, () -> c.rate(link, score, comment));
    }

    /** The buyer started or stopped typing. */
    public void typing(BuyerLink link, boolean active) {
        Conversation c = conversationOf(link);
        if (c != null) {
            run(c, () -> c.buyerTyping(active));
        }
    }

    /** The connection went away. */
    public void leave(BuyerLink link) {
        Conversation c = conversationOf(link);
        if (c != null) {
            run(c, () -> c.detach(link));
        }
    }

    private Conversation conversationOf(BuyerLink link) {
        String id = link.conversationId();
        return id == null ? null : open.get(id);
    }

    // ---- housekeeping ----

    /**
     * Closes bot conversations nobody has been attached to for {@code chat.idleCloseMinutes}, and those where the
     * buyer never said anything after {@link #EMPTY_IDLE} already.
     */
    public void closeIdle() {
        Duration idle = Duration.ofMinutes(config.chat().idleCloseMinutes());
        Instant cutoff = now().minus(idle);
        Instant emptyCutoff = now().minus(idle.compareTo(EMPTY_IDLE) < 0 ? idle : EMPTY_IDLE);
        for (Conversation c : open.values()) {
            run(c, () -> c.closeIdle(cutoff, emptyCutoff));
        }
    }

    /** How many conversations are in memory (open, or closed with a buyer still attached). */
    public int size() {
        return open.size();
    }

    /**
     * Stops taking messages (clients get {@code shutting_down}) and waits up to {@code grace} for the store writes
     * in flight to complete, so that their acks can still reach the buyers. Returns whether all completed.
     */
    public boolean drain(Duration grace) {
        stopping = true;
        long deadline = System.nanoTime() + grace.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = inFlight.get();
        if (left > 0) {
            LOG.warn("shutdown: {} store writes still in flight after {}", left, grace);
        }
        return left == 0;
    }

    /** Stops taking messages and stops the lanes after the tasks already queued; call {@link #drain} first. */
    @Override
    public void close() {
        stopping = true;
        for (ExecutorService lane : lanes) {
            lane.shutdown();
        }
        for (ExecutorService lane : lanes) {
            try {
                if (!lane.awaitTermination(5, TimeUnit.SECONDS)) {
                    lane.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- for conversations ----

    Instant now() {
        return clock.instant();
    }

    GatewayConfig config() {
        return config;
    }

    BusinessHours hours() {
        return hours;
    }

    IntentEngine engine() {
        return engine;
    }

    ChatMetrics metrics() {
        return metrics;
    }

    WaitingLines waitingLines() {
        return waitingLines;
    }

    boolean stopping() {
        return stopping;
    }

    String language(String requested) {
        return requested != null && config.texts().containsKey(requested) ? requested : GatewayConfig.DEFAULT_LANG;
    }

    List<Candidate> hotQuestions() {
        int n = config.chat().hotQuestions();
        return n == 0 ? List.of() : engine.hotQuestions(n);
    }

    /**
     * Appends a batch; the caller must call {@link #settled()} once it has sent the frames that depend on it, so
     * that a graceful shutdown waits until those frames are on their way, not just until the write is done.
     */
    CompletableFuture<Void> store(List<ConversationEvent> batch) {
        inFlight.incrementAndGet();
        CompletableFuture<Void> f;
        try {
            f = store.append(batch);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.whenComplete((ok, failure) -> {
            if (failure == null) {
                storeUp();
            }
        });
    }

    /** A write started by {@link #store} has been answered. */
    void settled() {
        inFlight.decrementAndGet();
    }

    void storeFailed(String conversationId, Throwable failure) {
        // One line per change of state, not one per message: a full disk would otherwise flood the log.
        if (storeDown.compareAndSet(false, true)) {
            LOG.error("store unavailable, buyers get store_unavailable until it recovers (first failure on {}): {}",
                    conversationId, failure.toString());
        }
    }

    private void storeUp() {
        if (storeDown.compareAndSet(true, false)) {
            LOG.info("store writable again");
        }
    }

    void bug(String conversationId, RuntimeException e) {
        LOG.error("conversation {}: unexpected failure", conversationId, e);
    }

    void queueFailed(String conversationId, Throwable failure) {
        LOG.error("waiting line refused conversation {}: {}", conversationId, failure.toString());
    }

    void refuse(BuyerLink link, ErrorCode code, String message) {
        // Refused before the error goes out, so that a hello sent right after the error is taken.
        link.refused();
        link.send(new BuyerFrame.Error(code, message, null));
    }

    void forget(Conversation c) {
        open.remove(c.id, c);
    }

    private ExecutorService laneOf(String id) {
        return lanes[Math.floorMod(id.hashCode(), lanes.length)];
    }

    /** An open conversation (or one closed with a buyer still attached), or null. */
    Conversation find(String conversationId) {
        return conversationId == null ? null : open.get(conversationId);
    }

    /** Runs a task on the conversation's lane; false when the lanes are stopped and it was dropped. */
    boolean run(Conversation c, Runnable task) {
        try {
            c.lane.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("conversation {}: unexpected failure", c.id, e);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            // The lanes are stopped: the gateway is shutting down and every connection is being closed.
            LOG.debug("conversation {}: task after shutdown dropped", c.id);
            return false;
        }
    }

    /**
     * A request of the queue that fails on a bug still gets an answer, or the queue would count the chat against its
     * agent forever.
     */
    private static Runnable answering(CompletableFuture<?> result, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                throw e;
            }
        };
    }

    /** What the queue asks of conversations, done on their lanes. */
    private final class QueueRequests implements Assignments {

        @Override
        public CompletableFuture<Outcome> assign(String conversationId, AgentSeat agent, String how) {
            CompletableFuture<Outcome> result = new CompletableFuture<>();
            Conversation c = open.get(conversationId);
            if (c == null || !run(c, answering(result, () -> c.assign(agent, how, result)))) {
                result.complete(Outcome.REFUSED);
            }
            return result;
        }

        @Override
        public CompletableFuture<Outcome> handOver(String conversationId, AgentSeat from, AgentSeat to) {
            CompletableFuture<Outcome> result = new CompletableFuture<>();
            Conversation c = open.get(conversationId);
            if (c == null || !run(c, answering(result, () -> c.handOver(from, to, result)))) {
                result.complete(Outcome.REFUSED);
            }
            return result;
        }

        @Override
        public CompletableFuture<Optional<Handoff>> takeBack(String conversationId, String agentId, String reason) {
            CompletableFuture<Optional<Handoff>> result = new CompletableFuture<>();
            Conversation c = open.get(conversationId);
            if (c == null || !run(c, answering(result, () -> c.takeBack(agentId, reason, result)))) {
                result.complete(Optional.empty());
            }
            return result;
        }

        @Override
        public void show(String conversationId, AgentSeat agent) {
            Conversation c = open.get(conversationId);
            if (c != null) {
                run(c, () -> c.show(agent));
            }
        }

        @Override
        public void stillWaiting(String conversationId) {
            Conversation c = open.get(conversationId);
            if (c != null) {
                run(c, c::stillWaiting);
            }
        }
    }
}
