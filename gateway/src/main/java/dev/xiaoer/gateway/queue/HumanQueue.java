package dev.xiaoer.gateway.queue;

import dev.xiaoer.gateway.agent.Agent;
import dev.xiaoer.gateway.config.GatewayConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The human queue: the waiting lines, the agents at work, who holds which chat, and the timers (grace periods, SLA
 * reminders). Everything here is owned by one thread ({@code xiaoer-queue}); every public method hands its work to
 * that thread and returns at once, so two agents claiming one chat are simply two tasks in a row, and the second
 * finds the chat taken. No locks.
 *
 * <p>The queue decides; the conversation records. An assignment takes the chat out of its line and counts it
 * against the agent's cap at once, then asks the conversation (through {@link Assignments}) to store the
 * {@code agent_joined} event; only if that fails does the chat go back to its place. So a chat is never in a line
 * and with an agent at the same time, and an agent never holds more than {@code maxChats}.
 *
 * <p>Auto-assignment gives the head of a line to the available agent of that queue with the fewest open chats below
 * their cap; among equals, the one idle longest (since their last assignment or since they became available). When
 * heads of several lines could be served, the most urgent goes first (requeued, then priority, then waiting time).
 *
 * <p>Time comes from the injected clock; a sweep every second (or {@link #sweep()} in tests) fires what is due.
 */
public final class HumanQueue implements WaitingLines {

    private static final Logger LOG = LoggerFactory.getLogger(HumanQueue.class);
    private static final Duration SWEEP_EVERY = Duration.ofSeconds(1);

    /** What the queue knows of one agent at work. */
    private static final class Desk {
        final AgentSeat seat;
        AgentLink link;
        AgentStatus chosen = AgentStatus.AVAILABLE;
        /** Chats counted against the cap: held, or being assigned. */
        final Set<String> open = new LinkedHashSet<>();
        Instant idleSince = Instant.EPOCH;
        /** While offline or away: when their chats go back to the lines. */
        Instant graceUntil;

        Desk(AgentSeat seat) {
            this.seat = seat;
        }

        Agent agent() {
            return seat.agent();
        }

        boolean available() {
            return link != null && chosen == AgentStatus.AVAILABLE;
        }

        AgentStatus status() {
            return link == null ? AgentStatus.OFFLINE : chosen;
        }

        boolean hasRoom() {
            return open.size() < agent().maxChats();
        }

        void send(AgentFrame f) {
            if (link != null) {
                link.send(f);
            }
        }
    }

    /** A chat with an agent (or being given to one). */
    private static final class Holding {
        final String conversationId;
        final String agentId;
        final String queue;
        final Instant since;
        boolean confirmed;
        boolean leaving;

        Holding(String conversationId, String agentId, String queue, Instant since) {
            this.conversationId = conversationId;
            this.agentId = agentId;
            this.queue = queue;
            this.since = since;
        }
    }

    private final ScheduledExecutorService owner;
    private final Clock clock;
    private final Duration grace;
    private final Duration sla;
    private final GatewayConfig config;
    private final WaitEstimates estimates;
    private final Map<String, AgentSeat> seats = new LinkedHashMap<>();
    private final Map<String, Desk> desks = new LinkedHashMap<>();
    private final Map<String, WaitingLine> lines = new LinkedHashMap<>();
    private final Map<String, WaitingLine.Waiting> waitingById = new HashMap<>();
    private final Map<String, Holding> held = new HashMap<>();
    private final List<PlaceListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<String> dirtyLines = new HashSet<>();
    private boolean rosterDirty;
    private long arrivals;
    private volatile Assignments assignments;
    private volatile Set<String> staffed = Set.of();
    private final QueueMetrics metrics;
    private volatile QueueSnapshot snapshot = QueueSnapshot.EMPTY;

    /** The queue for the configured queues and agents, on its own thread, with timers read from {@code clock}. */
    public HumanQueue(GatewayConfig config, Clock clock) {
        this(config, clock, QueueMetrics.NONE);
    }

    /** The same, telling {@code metrics} about waits, abandoned chats and SLA breaches. */
    public HumanQueue(GatewayConfig config, Clock clock, QueueMetrics metrics) {
        this.metrics = java.util.Objects.requireNonNull(metrics, "metrics");
        this.config = config;
        this.clock = clock;
        this.grace = Duration.ofSeconds(config.queues().graceSeconds());
        this.sla = Duration.ofMinutes(config.sla().waitMinutes());
        this.estimates = new WaitEstimates(config.queues().handleSeconds());
        for (GatewayConfig.QueueInfo q : config.queues().known()) {
            lines.put(q.id(), new WaitingLine(q));
        }
        for (Agent a : config.agents()) {
            AgentSeat seat = new AgentSeat(a);
            seats.put(a.id(), seat);
            desks.put(a.id(), new Desk(seat));
        }
        publish(); // no task has run yet: this thread may still read the state
        this.owner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "xiaoer-queue");
            t.setDaemon(true);
            return t;
        });
        long every = SWEEP_EVERY.toMillis();
        owner.scheduleWithFixedDelay(() -> run(this::due), every, every, TimeUnit.MILLISECONDS);
    }

    // ---- what the chat does ----

    @Override
    public void serve(Assignments a) {
        this.assignments = a;
    }

    @Override
    public CompletableFuture<Place> enqueue(Handoff handoff) {
        return call(() -> {
            WaitingLine.Waiting w = waitingById.get(handoff.conversationId());
            if (w == null) {
                w = add(handoff);
                // The caller tells the buyer this place with the handoff itself.
                w.told = placeOf(w);
            }
            Place p = placeOf(w);
            dispatch();
            return p;
        });
    }

    @Override
    public CompletableFuture<Optional<Place>> placeOf(String conversationId) {
        return call(() -> Optional.ofNullable(waitingById.get(conversationId)).map(this::placeOf));
    }

    @Override
    public CompletableFuture<Boolean> remove(String conversationId) {
        return call(() -> {
            WaitingLine.Waiting w = waitingById.get(conversationId);
            if (w == null) {
                return false;
            }
            leave(w);
            metrics.abandoned(w.handoff.queue());
            return true;
        });
    }

    @Override
    public CompletableFuture<List<Handoff>> waiting(String queue) {
        return call(() -> {
            List<Handoff> out = new ArrayList<>();
            WaitingLine line = lines.get(queue);
            if (line != null) {
                for (WaitingLine.Waiting w : line) {
                    out.add(w.handoff);
                }
            }
            return out;
        });
    }

    @Override
    public void onMove(PlaceListener listener) {
        listeners.add(listener);
    }

    @Override
    public boolean staffed(String queue) {
        return staffed.contains(queue);
    }

    @Override
    public Optional<AgentSeat> seat(String agentId) {
        return Optional.ofNullable(agentId == null ? null : seats.get(agentId));
    }

    @Override
    public void released(String conversationId, String agentId, boolean handled) {
        run(() -> {
            let(conversationId, agentId, handled);
            dispatch();
        });
    }

    @Override
    public CompletableFuture<Place> transferred(String conversationId, String agentId, Handoff handoff) {
        return call(() -> {
            let(conversationId, agentId, true);
            WaitingLine.Waiting w = waitingById.get(conversationId);
            if (w == null) {
                w = add(handoff);
                w.notTo = agentId;
                w.told = placeOf(w);
            }
            Place p = placeOf(w);
            dispatch();
            return p;
        });
    }

    @Override
    public void restoreHeld(String conversationId, String agentId, String queue, Instant since) {
        run(() -> {
            Holding h = new Holding(conversationId, agentId, queue, since);
            h.confirmed = true;
            held.put(conversationId, h);
            Desk d = desks.get(agentId);
            if (d == null) {
                LOG.warn("conversation {} was held by agent {}, who is no longer configured: back to its line",
                        conversationId, agentId);
                requeue(agentId, null, h, "agent_removed");
                return;
            }
            d.open.add(conversationId);
            d.graceUntil = now().plus(grace);
            rosterDirty = true;
        });
    }

    // ---- what agents do ----

    /**
     * An agent's console logged in on {@code link}: it gets the welcome (with {@code token}), the lines it may see,
     * the roster, and every chat the agent still holds. A previous connection of the same agent is told it was
     * replaced and closed. The agent starts {@code status} when given (a console reloaded while away stays away),
     * else available, or as they were when they come back within the grace period.
     */
    public void connect(AgentSeat seat, AgentLink link, String token, Duration tokenLife, AgentStatus status) {
        if (status == AgentStatus.OFFLINE) {
            throw new IllegalArgumentException("a console logs in available or away");
        }
        run(() -> {
            Desk d = desks.get(seat.id());
            if (d == null) {
                link.close("unknown agent");
                return;
            }
            AgentLink old = d.link;
            if (old != null && old != link) {
                old.send(new AgentFrame.Error(AgentErrorCode.REPLACED,
                        "this agent logged in on another connection", null, null));
                old.close("logged in elsewhere");
            }
            boolean resumed = old != null || !d.open.isEmpty();
            if (status != null) {
                d.chosen = status;
            } else if (!resumed) {
                d.chosen = AgentStatus.AVAILABLE;
            }
            d.link = link;
            if (d.chosen == AgentStatus.AVAILABLE) {
                d.idleSince = now();
            }
            checkGrace(d);
            rosterDirty = true;
            // Before the welcome: a buyer's handoff right after it must already see this agent's queues staffed.
            publishStaffed();
            link.send(new AgentFrame.Welcome(d.agent(), token, tokenLife.getSeconds(), d.status(),
                    config.queues().known(), config.quickReplies(), config.sla().waitMinutes(),
                    config.queues().graceSeconds(), resumed, now()));
            link.send(new AgentFrame.Lines(visibleLines(d.agent())));
            // Conversations reach the agent through the seat from now on: after the welcome, not before it.
            seat.attach(link);
            for (String id : d.open) {
                Holding h = held.get(id);
                if (h != null && h.confirmed && !h.leaving && h.agentId.equals(d.agent().id())) {
                    assignments.show(id, seat);
                }
            }
            dispatch();
        });
    }

    /** The agent's connection {@code link} closed; the grace period starts if it was their current one. */
    public void disconnected(String agentId, AgentLink link) {
        run(() -> {
            Desk d = desks.get(agentId);
            if (d == null || d.link != link) {
                return;
            }
            d.link = null;
            d.seat.detach(link);
            checkGrace(d);
            rosterDirty = true;
        });
    }

    /** The agent logged out: their chats go back to the head of their lines now. */
    public void logout(String agentId, AgentLink link) {
        run(() -> {
            Desk d = desks.get(agentId);
            if (d == null || d.link != link) {
                return;
            }
            d.link = null;
            d.seat.detach(link);
            d.graceUntil = now();
            rosterDirty = true;
            for (String id : List.copyOf(d.open)) {
                Holding h = held.get(id);
                if (h != null && h.confirmed && !h.leaving) {
                    requeue(agentId, d, h, "logout");
                }
            }
        });
    }

    /** The agent sets their status (available or away); away starts the grace period for the chats they hold. */
    public void status(String agentId, AgentLink link, AgentStatus status) {
        if (status == AgentStatus.OFFLINE) {
            throw new IllegalArgumentException("an agent chooses available or away; offline is being disconnected");
        }
        run(() -> {
            Desk d = desks.get(agentId);
            if (d == null || d.link != link) {
                return;
            }
            if (status == AgentStatus.AVAILABLE && d.chosen != AgentStatus.AVAILABLE) {
                d.idleSince = now();
            }
            d.chosen = status;
            checkGrace(d);
            rosterDirty = true;
            link.send(new AgentFrame.Status(d.status()));
            dispatch();
        });
    }

    /**
     * The agent asks for one waiting chat. Exactly one of several agents claiming the same chat gets it (an
     * {@code assigned} frame); the others get {@code claim_failed}.
     */
    public void claim(String agentId, AgentLink link, String conversationId) {
        run(() -> {
            Desk d = desks.get(agentId);
            if (d == null || d.link != link) {
                return;
            }
            String refused = null;
            WaitingLine.Waiting w = waitingById.get(conversationId);
            if (held.containsKey(conversationId)) {
                refused = "taken";
            } else if (w == null) {
                refused = "not_waiting";
            } else if (!d.agent().sees(w.handoff.queue())) {
                refused = "not_your_queue";
            } else if (!d.hasRoom()) {
                refused = "at_capacity";
            }
            if (refused != null) {
                d.send(new AgentFrame.ClaimFailed(conversationId, refused));
                return;
            }
            // Away but claiming: they are at the desk, or the chat they just took would go straight back to the
            // line (and every other chat they hold with it).
            atDesk(d);
            assign(w, d, "claim");
        });
    }

    /**
     * The agent did something in a chat they hold (wrote to the buyer): while away, that is an agent at the desk, so
     * their grace period counts from now and their chats stay with them.
     */
    public void atWork(String agentId, AgentLink link) {
        run(() -> {
            Desk d = desks.get(agentId);
            if (d != null && d.link == link) {
                atDesk(d);
            }
        });
    }

    /** An away agent acted: the grace period restarts (it runs out only after a grace period without action). */
    private void atDesk(Desk d) {
        if (!d.available() && d.link != null) {
            d.graceUntil = now().plus(grace);
        }
    }

    /** The agent {@code fromId} hands a chat they hold straight to agent {@code toId}, if available and below cap. */
    public void transferToAgent(String fromId, AgentLink link, String conversationId, String toId) {
        run(() -> {
            Desk from = desks.get(fromId);
            if (from == null || from.link != link) {
                return;
            }
            Holding h = held.get(conversationId);
            Desk to = desks.get(toId);
            AgentFrame.Error refused = null;
            if (h == null || !h.agentId.equals(fromId) || !h.confirmed || h.leaving) {
                refused = error(AgentErrorCode.NOT_YOURS, "you do not hold this chat", conversationId);
            } else if (to == null) {
                refused = error(AgentErrorCode.UNKNOWN_AGENT, "no agent has the id " + toId, conversationId);
            } else if (to == from) {
                refused = error(AgentErrorCode.INVALID_FIELD, "the chat is yours already", conversationId);
            } else if (!to.available() || !to.hasRoom()) {
                refused = error(AgentErrorCode.AGENT_UNAVAILABLE, to.agent().name()
                        + " is not available or has no room for another chat", conversationId);
            }
            if (refused != null) {
                from.send(refused);
                return;
            }
            to.open.add(conversationId);
            h.leaving = true;
            rosterDirty = true;
            assignments.handOver(conversationId, from.seat, to.seat).whenComplete((outcome, failure) ->
                    run(() -> handedOver(h, from, to, failure == null ? outcome : Assignments.Outcome.STORE_FAILED)));
        });
    }

    /** Runs what is due now (grace periods, SLA reminders, retries) and completes when done; tests call it. */
    public CompletableFuture<Void> sweep() {
        return call(() -> {
            due();
            return null;
        });
    }

    /**
     * The lines and the agents as of the last change, for metrics and reports on other threads: an immutable copy
     * published by the queue's thread, never its live state.
     */
    public QueueSnapshot snapshot() {
        return snapshot;
    }

    /** Whether {@code queue} is a queue of the rules. */
    public boolean knows(String queue) {
        return config.queues().queue(queue).isPresent();
    }

    @Override
    public void close() {
        owner.shutdown();
        try {
            if (!owner.awaitTermination(5, TimeUnit.SECONDS)) {
                owner.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- on the owner thread ----

    private Instant now() {
        return clock.instant();
    }

    private WaitingLine lineFor(Handoff h) {
        return lines.computeIfAbsent(h.queue(), q -> new WaitingLine(config.queues().queue(q)
                .orElse(new GatewayConfig.QueueInfo(q, h.queueName(), h.priority()))));
    }

    private WaitingLine.Waiting add(Handoff handoff) {
        WaitingLine.Waiting w = new WaitingLine.Waiting(handoff, arrivals++);
        lineFor(handoff).add(w);
        waitingById.put(handoff.conversationId(), w);
        dirtyLines.add(handoff.queue());
        return w;
    }

    private void leave(WaitingLine.Waiting w) {
        lines.get(w.handoff.queue()).remove(w);
        waitingById.remove(w.id());
        dirtyLines.add(w.handoff.queue());
    }

    private Place placeOf(WaitingLine.Waiting w) {
        WaitingLine line = lines.get(w.handoff.queue());
        int position = line.position(w);
        return new Place(w.handoff.queue(), position, estimates.eta(w.handoff.queue(), position,
                slots(w.handoff.queue())));
    }

    /** Chat slots (free or busy) of the agents available for {@code queue}. */
    private int slots(String queue) {
        int n = 0;
        for (Desk d : desks.values()) {
            if (d.available() && d.agent().serves(queue)) {
                n += d.agent().maxChats();
            }
        }
        return n;
    }

    /** The chat leaves its agent: frees the slot and, when it was handled to the end, feeds the estimate. */
    private void let(String conversationId, String agentId, boolean handled) {
        Holding h = held.get(conversationId);
        if (h != null && h.agentId.equals(agentId)) {
            held.remove(conversationId);
            if (handled && h.confirmed) {
                estimates.record(h.queue, Duration.between(h.since, now()));
            }
        }
        Desk d = desks.get(agentId);
        if (d != null && d.open.remove(conversationId)) {
            rosterDirty = true;
        }
    }

    /** Starts or ends an agent's grace period: it runs while they are offline or away. */
    private void checkGrace(Desk d) {
        if (d.available()) {
            d.graceUntil = null;
        } else if (d.graceUntil == null) {
            d.graceUntil = now().plus(grace);
        }
    }

    /** Gives waiting chats to available agents until no line head has an agent with room. */
    private void dispatch() {
        Assignments a = assignments;
        if (a == null) {
            return;
        }
        while (true) {
            WaitingLine.Waiting best = null;
            Desk bestDesk = null;
            for (WaitingLine line : lines.values()) {
                WaitingLine.Waiting head = line.head();
                if (head == null || (best != null && WaitingLine.ORDER.compare(head, best) >= 0)) {
                    continue;
                }
                Desk d = pickAgent(line.queue.id(), head.notTo);
                if (d != null) {
                    best = head;
                    bestDesk = d;
                }
            }
            if (best == null) {
                return;
            }
            assign(best, bestDesk, "auto");
        }
    }

    private Desk pickAgent(String queue, String notTo) {
        Desk best = null;
        for (Desk d : desks.values()) {
            if (!d.available() || !d.agent().serves(queue) || !d.hasRoom() || d.agent().id().equals(notTo)) {
                continue;
            }
            if (best == null || d.open.size() < best.open.size()
                    || (d.open.size() == best.open.size() && d.idleSince.isBefore(best.idleSince))) {
                best = d;
            }
        }
        return best;
    }

    private void assign(WaitingLine.Waiting w, Desk d, String how) {
        leave(w);
        String id = w.id();
        d.open.add(id);
        d.idleSince = now();
        rosterDirty = true;
        Holding h = new Holding(id, d.agent().id(), w.handoff.queue(), now());
        held.put(id, h);
        assignments.assign(id, d.seat, how).whenComplete((outcome, failure) ->
                run(() -> assigned(h, w, d, how, failure == null ? outcome : Assignments.Outcome.STORE_FAILED)));
    }

    private void assigned(Holding h, WaitingLine.Waiting w, Desk d, String how, Assignments.Outcome outcome) {
        if (outcome == Assignments.Outcome.DONE) {
            h.confirmed = true;
            metrics.waited(w.handoff.queue(), Duration.between(w.handoff.waitingSince(), h.since));
            if (!d.available() && d.graceUntil != null && !now().isBefore(d.graceUntil)) {
                requeue(d.agent().id(), d, h, d.link == null ? "disconnected" : "away");
            }
            return;
        }
        if (held.get(h.conversationId) == h) {
            held.remove(h.conversationId);
        }
        d.open.remove(h.conversationId);
        rosterDirty = true;
        if (outcome == Assignments.Outcome.REFUSED) {
            if (how.equals("claim")) {
                d.send(new AgentFrame.ClaimFailed(h.conversationId, "closed"));
            }
            dispatch();
        } else {
            // Back to the very place it had; the next sweep tries again (not at once: the store is failing).
            lineFor(w.handoff).add(w);
            waitingById.put(w.id(), w);
            dirtyLines.add(w.handoff.queue());
            if (how.equals("claim")) {
                d.send(new AgentFrame.ClaimFailed(h.conversationId, "store_unavailable"));
            }
        }
    }

    private void handedOver(Holding h, Desk from, Desk to, Assignments.Outcome outcome) {
        if (outcome == Assignments.Outcome.DONE) {
            let(h.conversationId, from.agent().id(), true);
            Holding next = new Holding(h.conversationId, to.agent().id(), h.queue, now());
            next.confirmed = true;
            held.put(h.conversationId, next);
            dispatch();
            return;
        }
        h.leaving = false;
        to.open.remove(h.conversationId);
        rosterDirty = true;
        from.send(outcome == Assignments.Outcome.REFUSED
                ? error(AgentErrorCode.NOT_YOURS, "the chat is no longer yours", h.conversationId)
                : error(AgentErrorCode.STORE_UNAVAILABLE, "the transfer could not be saved; try again",
                h.conversationId));
        dispatch();
    }

    /** Asks the conversation to let go of its agent, then puts it back at the head of its line. */
    private void requeue(String agentId, Desk d, Holding h, String reason) {
        h.leaving = true;
        assignments.takeBack(h.conversationId, agentId, reason).whenComplete((handoff, failure) -> run(() -> {
            if (failure != null) {
                h.leaving = false; // the store failed: the next sweep tries again
                return;
            }
            if (held.get(h.conversationId) == h) {
                held.remove(h.conversationId);
            }
            if (d != null && d.open.remove(h.conversationId)) {
                rosterDirty = true;
            }
            if (handoff.isPresent() && !waitingById.containsKey(h.conversationId)) {
                add(handoff.get());
            }
            dispatch();
        }));
    }

    /** Grace periods that ended, SLA reminders, and another try at assignments that failed. */
    private void due() {
        if (assignments == null) {
            return;
        }
        Instant now = now();
        for (Desk d : desks.values()) {
            if (d.available() || d.graceUntil == null || now.isBefore(d.graceUntil)) {
                continue;
            }
            for (String id : List.copyOf(d.open)) {
                Holding h = held.get(id);
                if (h != null && h.confirmed && !h.leaving && h.agentId.equals(d.agent().id())) {
                    requeue(d.agent().id(), d, h, d.link == null ? "disconnected" : "away");
                }
            }
        }
        for (WaitingLine line : lines.values()) {
            for (WaitingLine.Waiting w : line) {
                remindIfLate(w, now);
            }
        }
        dispatch();
    }

    /**
     * A chat past the SLA rings its queue's agents and the supervisors, again every SLA period while it waits, and
     * the buyer hears once that someone is coming. Messages left out of hours or with nobody online are not late:
     * the buyer was told they would be answered later.
     */
    private void remindIfLate(WaitingLine.Waiting w, Instant now) {
        if (w.handoff.leaveMessage()) {
            return;
        }
        Duration waited = Duration.between(w.handoff.waitingSince(), now);
        if (waited.compareTo(sla) < 0 || (w.reminded != null && Duration.between(w.reminded, now).compareTo(sla) < 0)) {
            return;
        }
        boolean first = w.reminded == null;
        w.reminded = now;
        AgentFrame breach = new AgentFrame.SlaBreach(w.id(), w.handoff.queue(), waited.getSeconds());
        for (Desk d : desks.values()) {
            if (d.link != null && d.agent().sees(w.handoff.queue())) {
                d.send(breach);
            }
        }
        if (first) {
            dirtyLines.add(w.handoff.queue());
            metrics.slaBreached(w.handoff.queue());
            assignments.stillWaiting(w.id());
        }
    }

    private List<AgentFrame.LineView> visibleLines(Agent agent) {
        List<AgentFrame.LineView> out = new ArrayList<>();
        for (WaitingLine line : lines.values()) {
            if (agent.sees(line.queue.id())) {
                out.add(view(line));
            }
        }
        return out;
    }

    private AgentFrame.LineView view(WaitingLine line) {
        List<AgentFrame.WaitingView> waiting = new ArrayList<>(line.size());
        int position = 0;
        for (WaitingLine.Waiting w : line) {
            Handoff h = w.handoff;
            waiting.add(new AgentFrame.WaitingView(h.conversationId(), h.queue(), h.priority(), h.waitingSince(),
                    h.trigger(), h.preview(), h.leaveMessage(), h.front(), w.reminded != null, ++position));
        }
        return new AgentFrame.LineView(line.queue, waiting, availableFor(line.queue.id()));
    }

    private List<AgentFrame.AgentView> roster() {
        List<AgentFrame.AgentView> out = new ArrayList<>(desks.size());
        for (Desk d : desks.values()) {
            out.add(new AgentFrame.AgentView(d.agent().id(), d.agent().name(), d.agent().role(), d.status(),
                    d.open.size(), d.agent().maxChats()));
        }
        return out;
    }

    /**
     * Sends what the last task changed: the roster and the set of staffed queues when agents changed (which also
     * changes wait estimates), each changed line to the agents who see it, and new places to the buyers.
     */
    private void flush() {
        if (rosterDirty || !dirtyLines.isEmpty()) {
            publish();
        }
        Set<String> places = new HashSet<>(dirtyLines);
        if (rosterDirty) {
            rosterDirty = false;
            for (WaitingLine line : lines.values()) {
                int available = availableFor(line.queue.id());
                if (available != line.shownAvailable) {
                    line.shownAvailable = available;
                    dirtyLines.add(line.queue.id());
                }
            }
            publishStaffed();
            AgentFrame roster = new AgentFrame.Roster(roster());
            for (Desk d : desks.values()) {
                d.send(roster);
            }
            places.addAll(lines.keySet());
        }
        for (String q : places) {
            WaitingLine line = lines.get(q);
            if (line == null || line.isEmpty()) {
                continue;
            }
            int slots = slots(q);
            int position = 0;
            for (WaitingLine.Waiting w : line) {
                position++;
                Place p = new Place(q, position, estimates.eta(q, position, slots));
                if (!p.equals(w.told)) {
                    w.told = p;
                    for (PlaceListener l : listeners) {
                        l.moved(w.id(), p);
                    }
                }
            }
        }
        if (dirtyLines.isEmpty()) {
            return;
        }
        List<String> changed = new ArrayList<>(dirtyLines);
        dirtyLines.clear();
        changed.sort(Comparator.naturalOrder());
        for (String q : changed) {
            WaitingLine line = lines.get(q);
            if (line == null) {
                continue;
            }
            AgentFrame.Line frame = new AgentFrame.Line(view(line));
            for (Desk d : desks.values()) {
                if (d.link != null && d.agent().sees(q)) {
                    d.send(frame);
                }
            }
        }
    }

    /** Copies the lines and the agents for readers on other threads. */
    private void publish() {
        List<QueueSnapshot.LineState> lineStates = new ArrayList<>(lines.size());
        for (WaitingLine line : lines.values()) {
            WaitingLine.Waiting head = null;
            int breached = 0;
            for (WaitingLine.Waiting w : line) {
                if (head == null || w.handoff.waitingSince().isBefore(head.handoff.waitingSince())) {
                    head = w;
                }
                if (w.reminded != null) {
                    breached++;
                }
            }
            lineStates.add(new QueueSnapshot.LineState(line.queue.id(), line.size(),
                    head == null ? null : head.handoff.waitingSince(), breached));
        }
        List<QueueSnapshot.AgentState> agentStates = new ArrayList<>(desks.size());
        for (Desk d : desks.values()) {
            agentStates.add(new QueueSnapshot.AgentState(d.agent().id(), d.agent().role(), d.status(),
                    d.open.size(), d.agent().maxChats()));
        }
        snapshot = new QueueSnapshot(lineStates, agentStates);
    }

    /** Publishes which queues have an agent logged in, for {@link #staffed} on other threads. */
    private void publishStaffed() {
        Set<String> now = new HashSet<>();
        for (WaitingLine line : lines.values()) {
            if (onlineFor(line.queue.id())) {
                now.add(line.queue.id());
            }
        }
        staffed = Set.copyOf(now);
    }

    /** Whether an agent who serves {@code queue} is logged in, available or away. */
    private boolean onlineFor(String queue) {
        for (Desk d : desks.values()) {
            if (d.link != null && d.agent().serves(queue)) {
                return true;
            }
        }
        return false;
    }

    private int availableFor(String queue) {
        int n = 0;
        for (Desk d : desks.values()) {
            if (d.available() && d.agent().serves(queue)) {
                n++;
            }
        }
        return n;
    }

    private static AgentFrame.Error error(AgentErrorCode code, String message, String conversationId) {
        return new AgentFrame.Error(code, message, conversationId, null);
    }

    /** Runs {@code task} on the owner thread, then sends what it changed; a bug is logged, never kills the thread. */
    private void run(Runnable task) {
        try {
            owner.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("queue task failed", e);
                } finally {
                    flushSafely();
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("queue task after shutdown dropped");
        }
    }

    private <T> CompletableFuture<T> call(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            owner.execute(() -> {
                try {
                    result.complete(work.get());
                } catch (RuntimeException e) {
                    LOG.error("queue task failed", e);
                    result.completeExceptionally(e);
                } finally {
                    flushSafely();
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    private void flushSafely() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.error("queue flush failed", e);
        }
    }
}
