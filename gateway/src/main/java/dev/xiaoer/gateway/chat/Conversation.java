package dev.xiaoer.gateway.chat;

import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.event.Audience;
import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.ConversationState;
import dev.xiaoer.gateway.event.EventBody;
import dev.xiaoer.gateway.queue.AgentErrorCode;
import dev.xiaoer.gateway.queue.AgentFrame;
import dev.xiaoer.gateway.queue.AgentSeat;
import dev.xiaoer.gateway.queue.Assignments;
import dev.xiaoer.gateway.queue.Handoff;
import dev.xiaoer.gateway.queue.Place;
import dev.xiaoer.intents.Decision;
import dev.xiaoer.intents.DialogState;
import dev.xiaoer.intents.Flag;
import dev.xiaoer.intents.Turn;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One conversation's state, touched only by its lane (one single-threaded executor chosen by its id), so it needs
 * no locks. Everything that writes events — buyer messages, agent messages, assignments, closing, rating — is done
 * one write at a time: the next waits until the previous one is stored, which keeps the id→seq maps, the dialog
 * state, who holds the chat and the frames in one order even when the store fails.
 *
 * <p>Who holds the chat is decided by its events (the last {@code agent_joined} not followed by
 * {@code agent_left} or {@code closed}), here on the lane: an agent's message, close or transfer is refused unless
 * the events say the chat is theirs at that moment.
 */
final class Conversation {

    /** Writes that arrive while one is being stored wait here, up to this many; more is a {@code busy} error. */
    private static final int MAX_BACKLOG = 32;
    /** How much of the buyer's request agents see in the waiting line. */
    private static final int PREVIEW_CHARS = 80;

    private final Conversations desk;
    final String id;
    private final String tokenHash;
    final Executor lane;

    private final List<ConversationEvent> events = new ArrayList<>();
    private final Map<String, Long> accepted = new HashMap<>();
    private final Map<String, Long> agentAccepted = new HashMap<>();
    private final List<BuyerLink> links = new ArrayList<>(2);
    private final ArrayDeque<Runnable> backlog = new ArrayDeque<>();

    private ConversationState state = ConversationState.BOT;
    private long lastSeq;
    private DialogState dialog = DialogState.START;
    private Place place;
    private String lang = GatewayConfig.DEFAULT_LANG;
    private Instant lastActivity;
    private boolean busy;
    private boolean gone;

    // Derived from the events by record(): the same live and after a restart.
    private EventBody.HandedOff route;
    private String preview = "";
    private String lastBuyerText = "";
    private String buyerTextBefore = "";
    private Instant waitingSince;
    private boolean front;
    private String agentId;
    private String agentName;
    private Instant agentSince;
    private String lastAgentId;
    private boolean rated;
    private boolean toldStillWaiting;
    // For metrics, derived like the rest so that a restart neither counts a first answer twice nor forgets a handoff.
    private boolean buyerSpoke;
    private boolean answered;
    private boolean agentAnswered;
    private boolean everWithAgent;
    private Instant firstHandoffAt;

    Conversation(Conversations desk, String id, String tokenHash, Executor lane, Instant createdAt) {
        this.desk = desk;
        this.id = id;
        this.tokenHash = tokenHash;
        this.lane = lane;
        this.lastActivity = createdAt;
    }

    // ---- restore ----

    /** Rebuilds the state from stored events (before the conversation is published; no lane needed yet). */
    void restore(long storedLastSeq, List<ConversationEvent> stored) {
        for (ConversationEvent e : stored) {
            record(e);
            if (e.body() instanceof EventBody.BuyerSaid said) {
                accepted.put(said.messageId(), e.seq());
            }
            lastActivity = e.at();
        }
        lastSeq = Math.max(storedLastSeq, stored.isEmpty() ? 0 : stored.get(stored.size() - 1).seq());
        dialog = BotFlow.dialogOf(stored);
    }

    /**
     * The handoff this conversation waits for, if it waits: its line, priority and trigger from the last handoff,
     * and its waiting time as the events tell it (a transfer keeps the time the buyer started waiting; a chat an
     * agent let go of waits from then, at the head of its line).
     */
    Optional<Handoff> waitingHandoff() {
        if (state != ConversationState.WAITING || route == null) {
            return Optional.empty();
        }
        return Optional.of(handoff(route));
    }

    private Handoff handoff(EventBody.HandedOff h) {
        return new Handoff(id, h.queue(), h.queueName(), h.priority(), waitingSince, h.leaveMessage(), front,
                h.trigger(), preview);
    }

    /** The agent who held this chat when the gateway stopped, and since when; empty unless it is with an agent. */
    Optional<String> holder() {
        return state == ConversationState.WITH_AGENT ? Optional.ofNullable(agentId) : Optional.empty();
    }

    Instant holderSince() {
        return agentSince;
    }

    String queue() {
        return route == null ? null : route.queue();
    }

    // ---- sessions (on the lane) ----

    /** A new conversation's first connection. */
    void welcome(BuyerLink link, String token, Hello hello) {
        lang = desk.language(hello.lang());
        links.add(link);
        link.attached(id, false, 0);
        link.send(welcomeFrame(token, false));
    }

    /** A reconnect: check the token, then welcome, replay what was missed and attach, in one task. */
    void resume(BuyerLink link, Hello hello) {
        if (gone) {
            desk.refuse(link, ErrorCode.SESSION_NOT_FOUND, "this session has ended; send hello without a session");
            return;
        }
        if (!SessionKeys.matches(hello.token(), tokenHash)) {
            desk.refuse(link, ErrorCode.BAD_TOKEN, "the token does not match this session");
            return;
        }
        if (links.size() >= desk.config().limits().maxTabsPerSession()) {
            desk.refuse(link, ErrorCode.TOO_MANY_TABS, "this session has too many open connections; close one");
            return;
        }
        if (hello.lang() != null) {
            lang = desk.language(hello.lang());
        }
        links.add(link);
        lastActivity = desk.now();
        int from = firstAfter(hello.lastSeq());
        int replayed = 0;
        for (int i = from; i < events.size(); i++) {
            if (events.get(i).body().audience() == Audience.EVERYONE) {
                replayed++;
            }
        }
        // Attached before the welcome goes out, so that a message sent right after it is accepted.
        link.attached(id, true, replayed);
        link.send(welcomeFrame(hello.token(), true));
        ConversationEvent lastHandoff = lastHandoffEvent();
        for (int i = from; i < events.size(); i++) {
            ConversationEvent e = events.get(i);
            if (e.body().audience() == Audience.EVERYONE) {
                boolean waitingHere = e == lastHandoff && state == ConversationState.WAITING;
                link.send(new BuyerFrame.Event(e, waitingHere ? place : null));
            }
        }
        if (place != null && state == ConversationState.WAITING) {
            link.send(new BuyerFrame.Position(place));
        }
    }

    private ConversationEvent lastHandoffEvent() {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).body() instanceof EventBody.HandedOff) {
                return events.get(i);
            }
        }
        return null;
    }

    private int firstAfter(long seq) {
        int lo = 0;
        int hi = events.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (events.get(mid).seq() <= seq) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private BuyerFrame.Welcome welcomeFrame(String token, boolean resumed) {
        Instant now = desk.now();
        GatewayConfig.Texts texts = desk.config().textsFor(lang);
        boolean open = desk.hours().isOpen(now);
        String backAt = open ? null : desk.hours().backAt(now, texts);
        String notice = open ? null : texts.outOfHours().replace("{backAt}", backAt);
        return new BuyerFrame.Welcome(id, token, resumed, shownSeq(), state, texts.greeting(),
                desk.hotQuestions(), open, backAt, notice, state == ConversationState.WAITING ? place : null);
    }

    void detach(BuyerLink link) {
        if (links.remove(link)) {
            lastActivity = desk.now();
            if (links.isEmpty() && agentId != null) {
                // The buyer's widget is gone: whatever they were typing, they are not any more.
                seat().ifPresent(s -> s.send(new AgentFrame.Typing(id, false)));
            }
        }
    }

    // ---- one write at a time (on the lane) ----

    /** Runs a write now, or after the writes in flight; a refusal when too many wait. */
    private boolean step(Runnable write, boolean mayRefuse) {
        if (!busy) {
            write.run();
            return true;
        }
        if (mayRefuse && backlog.size() >= MAX_BACKLOG) {
            return false;
        }
        backlog.add(write);
        return true;
    }

    /**
     * Stores {@code batch} and calls {@code then} on the lane with the failure, or null once stored; the
     * conversation stays busy until {@code then} has run, unless {@code then} returns false, in which case it
     * calls {@link #done()} itself later.
     */
    private void write(List<ConversationEvent> batch, AfterWrite then) {
        busy = true;
        desk.store(batch).whenCompleteAsync((ok, failure) -> {
            boolean finished = true;
            try {
                if (failure != null) {
                    desk.storeFailed(id, failure);
                }
                finished = then.run(failure);
            } catch (RuntimeException e) {
                desk.bug(id, e);
            } finally {
                if (finished) {
                    done();
                }
            }
        }, lane);
    }

    /** What follows a write; returns whether the write is finished (false: it calls done() itself later). */
    @FunctionalInterface
    private interface AfterWrite {
        boolean run(Throwable failure);
    }

    private ConversationEvent next(EventBody body) {
        return new ConversationEvent(id, ++lastSeq, desk.now(), body);
    }

    // ---- buyer messages (on the lane) ----

    void receive(BuyerLink link, BuyerMessage m) {
        if (gone) {
            link.send(new BuyerFrame.Error(ErrorCode.SESSION_NOT_FOUND, "this session has ended", m.id()));
            return;
        }
        Long seq = accepted.get(m.id());
        if (seq != null) {
            link.send(new BuyerFrame.Ack(m.id(), seq, true));
            return;
        }
        if (busy) {
            if (!step(() -> receive(link, m), true)) {
                link.send(new BuyerFrame.Error(ErrorCode.BUSY, "too many messages at once; send it again", m.id()));
            }
            return;
        }
        if (desk.stopping()) {
            link.send(new BuyerFrame.Error(ErrorCode.SHUTTING_DOWN, "the gateway is restarting; send it again",
                    m.id()));
            return;
        }
        if (state == ConversationState.CLOSED) {
            link.send(new BuyerFrame.Error(ErrorCode.CONVERSATION_CLOSED,
                    "this conversation is closed; send hello without a session to start a new one", m.id()));
            return;
        }
        process(link, m);
    }

    private void process(BuyerLink link, BuyerMessage m) {
        busy = true;
        long started = System.nanoTime();
        boolean firstAnswer = !answered && state != ConversationState.WITH_AGENT;
        List<ConversationEvent> batch;
        DialogState next = dialog;
        String band = null;
        try {
            Instant now = desk.now();
            lastActivity = now;
            batch = new ArrayList<>(4);
            long buyerSeq = ++lastSeq;
            batch.add(new ConversationEvent(id, buyerSeq, now, new EventBody.BuyerSaid(m.id(), m.text(), m.faqId())));
            // While a person holds the chat the bot is silent: the message is the agent's to answer.
            if (state != ConversationState.WITH_AGENT) {
                Turn turn = decide(m);
                next = turn.next();
                band = turn.decision().band();
                for (Flag f : turn.flags()) {
                    batch.add(new ConversationEvent(id, ++lastSeq, now,
                            new EventBody.Flagged(buyerSeq, f.rule(), f.ruleName(), f.trigger())));
                }
                boolean open = desk.hours().isOpen(now);
                GatewayConfig.Texts texts = desk.config().textsFor(lang);
                String backAt = open ? "" : desk.hours().backAt(now, texts);
                for (EventBody body : BotFlow.respond(turn.decision(), buyerSeq, state, open, backAt, texts,
                        desk.waitingLines()::staffed)) {
                    batch.add(new ConversationEvent(id, ++lastSeq, now, body));
                }
            }
        } catch (RuntimeException e) {
            // A bug must not wedge the conversation: the buyer may send again, nothing was stored.
            busy = false;
            desk.bug(id, e);
            link.send(new BuyerFrame.Error(ErrorCode.INTERNAL_ERROR, "something went wrong; send it again", m.id()));
            return;
        }
        DialogState decided = next;
        String decidedBand = band;
        desk.store(batch).whenCompleteAsync((ok, failure) -> {
            if (failure != null) {
                desk.storeFailed(id, failure);
                link.send(new BuyerFrame.Error(ErrorCode.STORE_UNAVAILABLE,
                        "your message could not be saved; send it again", m.id()));
                done();
            } else {
                count(batch, decidedBand, firstAnswer ? System.nanoTime() - started : -1);
                committed(link, m, batch, decided);
            }
        }, lane);
    }

    /** Tells the metrics what a stored buyer-message batch holds: the decision, a handoff, flags, a first answer. */
    private void count(List<ConversationEvent> batch, String band, long firstAnswerNanos) {
        ChatMetrics metrics = desk.metrics();
        if (band != null) {
            metrics.decided(band);
        }
        for (ConversationEvent e : batch) {
            if (e.body() instanceof EventBody.Flagged f) {
                metrics.flagged(f.rule());
            } else if (e.body() instanceof EventBody.HandedOff h) {
                metrics.handedOff(h.queue(), h.trigger(), h.reason(), h.leaveMessage());
            }
        }
        if (firstAnswerNanos >= 0 && batch.size() > 1) {
            metrics.firstResponse(ChatMetrics.Responder.BOT, Duration.ofNanos(firstAnswerNanos));
        }
    }

    /** How this conversation ended up, for the metrics: derived from its events. */
    private ChatMetrics.Outcome outcome() {
        if (everWithAgent) {
            return ChatMetrics.Outcome.HUMAN;
        }
        if (firstHandoffAt != null) {
            return ChatMetrics.Outcome.UNATTENDED;
        }
        return buyerSpoke ? ChatMetrics.Outcome.BOT : ChatMetrics.Outcome.EMPTY;
    }

    private Turn decide(BuyerMessage m) {
        try {
            if (m.faqId() != null) {
                Optional<Decision.Answer> answer = desk.engine().answer(m.faqId());
                if (answer.isPresent()) {
                    return new Turn(answer.get(), List.of(), DialogState.START);
                }
            }
            return desk.engine().decide(m.text(), dialog);
        } catch (RuntimeException e) {
            // The engine promises never to throw; if it does, the bot admits it does not know rather than going mute.
            desk.bug(id, e);
            return new Turn(new Decision.Unknown(0, List.of(), false), List.of(), dialog);
        }
    }

    private void committed(BuyerLink sender, BuyerMessage m, List<ConversationEvent> batch, DialogState decided) {
        dialog = decided;
        ConversationEvent said = batch.get(0);
        accepted.put(m.id(), said.seq());
        ConversationEvent last = batch.get(batch.size() - 1);
        boolean handsOff = last.body() instanceof EventBody.HandedOff;
        // A handoff joins the history only once the waiting line has it, so that a resume in between gets its
        // frame exactly once: live, with the place in line.
        int shown = handsOff ? batch.size() - 1 : batch.size();
        for (int i = 0; i < shown; i++) {
            record(batch.get(i));
        }
        // Each connection gets its frames of this turn in one go (the sender: the ack, then the replies; the
        // buyer's other connections: the message, then the replies), so each costs one write to its socket.
        List<BuyerFrame> replies = new ArrayList<>(shown);
        for (int i = 1; i < shown; i++) {
            if (batch.get(i).body().audience() == Audience.EVERYONE) {
                replies.add(new BuyerFrame.Event(batch.get(i), null));
            }
        }
        BuyerFrame.Event echo = new BuyerFrame.Event(said, null);
        for (BuyerLink l : links) {
            List<BuyerFrame> frames = new ArrayList<>(replies.size() + 1);
            frames.add(l == sender ? new BuyerFrame.Ack(m.id(), said.seq(), false) : echo);
            frames.addAll(replies);
            l.sendTogether(frames);
        }
        if (!links.contains(sender)) {
            sender.send(new BuyerFrame.Ack(m.id(), said.seq(), false));
        }
        if (state == ConversationState.WITH_AGENT) {
            seat().ifPresent(s -> s.send(new AgentFrame.Event(id, said)));
        }
        if (!handsOff) {
            done();
            return;
        }
        joinLine(last);
    }

    /** Puts the conversation in the line of the handoff {@code e} (stored, not yet recorded), then shows it. */
    private void joinLine(ConversationEvent e) {
        Handoff handoff = withheld(e);
        desk.waitingLines().enqueue(handoff).whenCompleteAsync((p, failure) -> shown(e, p, failure), lane);
    }

    /**
     * Applies a stored handoff's derived fields (route, waiting time, preview) and returns what the line needs,
     * but keeps the event out of the history and the state as it was until {@link #shown} has the place.
     */
    private Handoff withheld(ConversationEvent e) {
        ConversationState before = state;
        record(e);
        events.remove(events.size() - 1);
        state = before;
        return handoff((EventBody.HandedOff) e.body());
    }

    /** The line has the handoff {@code e}: it joins the history and goes out with the place. */
    private void shown(ConversationEvent e, Place p, Throwable failure) {
        try {
            if (failure != null) {
                desk.queueFailed(id, failure);
            } else {
                place = p;
            }
            events.add(e);
            state = ConversationState.WAITING;
            broadcast(e, place);
        } finally {
            done();
        }
    }

    /** Records an event and everything that follows from it. Used live and when restoring, so both agree. */
    private void record(ConversationEvent e) {
        events.add(e);
        EventBody b = e.body();
        Optional<ConversationState> next = b.leadsTo();
        if (next.isPresent()) {
            state = next.get();
        }
        if (b instanceof EventBody.BuyerSaid s) {
            buyerTextBefore = lastBuyerText;
            lastBuyerText = s.text();
            buyerSpoke = true;
        } else if (b instanceof EventBody.BotReplied) {
            answered = true;
        } else if (b instanceof EventBody.HandedOff h) {
            answered = true;
            if (firstHandoffAt == null) {
                firstHandoffAt = e.at();
            }
            boolean transfer = "transfer".equals(h.reason());
            if (!transfer || waitingSince == null) {
                waitingSince = e.at();
                // After "好的" to an offered human, the question before it is what the buyer wants.
                String words = "accepted_offer".equals(h.reason()) && !buyerTextBefore.isEmpty()
                        ? buyerTextBefore : lastBuyerText;
                preview = words.length() > PREVIEW_CHARS ? words.substring(0, PREVIEW_CHARS) + "…" : words;
            }
            front = false;
            route = h;
        } else if (b instanceof EventBody.AgentJoined j) {
            everWithAgent = true;
            agentId = j.agentId();
            agentName = j.agentName();
            agentSince = e.at();
        } else if (b instanceof EventBody.AgentLeft l) {
            if (!"transfer".equals(l.reason())) {
                waitingSince = e.at();
                front = true;
            }
            agentId = null;
        } else if (b instanceof EventBody.AgentSaid a) {
            agentAccepted.put(a.messageId(), e.seq());
            agentAnswered = true;
        } else if (b instanceof EventBody.Closed) {
            if (agentId != null) {
                lastAgentId = agentId;
            }
            agentId = null;
        } else if (b instanceof EventBody.Rated) {
            rated = true;
        } else if (b instanceof EventBody.SystemNotice n && BotFlow.STILL_WAITING.equals(n.code())) {
            toldStillWaiting = true;
        }
    }

    /** The seat of the agent holding the chat. */
    private Optional<AgentSeat> seat() {
        return agentId == null ? Optional.empty() : desk.waitingLines().seat(agentId);
    }

    /** The seq of the last event buyers can have seen (in-flight writes excluded). */
    private long shownSeq() {
        return events.isEmpty() ? 0 : events.get(events.size() - 1).seq();
    }

    private void broadcast(ConversationEvent e, Place p) {
        if (e.body().audience() != Audience.EVERYONE) {
            return;
        }
        BuyerFrame.Event frame = new BuyerFrame.Event(e, p);
        for (BuyerLink l : links) {
            l.send(frame);
        }
    }

    private void done() {
        busy = false;
        desk.settled();
        while (!busy && !backlog.isEmpty()) {
            backlog.poll().run();
        }
    }

    // ---- what else the buyer does (on the lane) ----

    /** The buyer ends the chat ({@code close {}}): from any state but closed. */
    void closeByBuyer(BuyerLink link) {
        if (busy) {
            if (!step(() -> closeByBuyer(link), true)) {
                link.send(new BuyerFrame.Error(ErrorCode.BUSY, "too many messages at once; send it again", null));
            }
            return;
        }
        if (gone || state == ConversationState.CLOSED) {
            link.send(new BuyerFrame.Error(ErrorCode.CONVERSATION_CLOSED, "this conversation is already closed", null));
            return;
        }
        ConversationState before = state;
        String holder = agentId;
        ConversationEvent closed = next(new EventBody.Closed("buyer", "buyer_closed"));
        write(List.of(closed), failure -> {
            if (failure != null) {
                link.send(new BuyerFrame.Error(ErrorCode.STORE_UNAVAILABLE, "could not close; send it again", null));
                return true;
            }
            ended(closed, before, holder);
            return true;
        });
    }

    /** A closing is stored: tell everyone, free the agent or the place in line. */
    private void ended(ConversationEvent closed, ConversationState before, String holder) {
        Optional<AgentSeat> agent = seat();
        record(closed);
        desk.metrics().closed(outcome());
        place = null;
        // The agent hears of the close before the queue frees their slot: the queue's thread may assign them the
        // next chat at once, and a console should see this one end before the next one arrives.
        broadcast(closed, null);
        agent.ifPresent(s -> s.send(new AgentFrame.Event(id, closed)));
        if (before == ConversationState.WAITING) {
            desk.waitingLines().remove(id);
        } else if (holder != null) {
            desk.waitingLines().released(id, holder, true);
        }
    }

    /** The buyer rates the closed chat, once. */
    void rate(BuyerLink link, int score, String comment) {
        if (busy) {
            if (!step(() -> rate(link, score, comment), true)) {
                link.send(new BuyerFrame.Error(ErrorCode.BUSY, "too many messages at once; send it again", null));
            }
            return;
        }
        if (state != ConversationState.CLOSED) {
            link.send(new BuyerFrame.Error(ErrorCode.NOT_CLOSED, "a chat is rated once it is closed", null));
            return;
        }
        if (rated) {
            link.send(new BuyerFrame.Error(ErrorCode.ALREADY_RATED, "this chat has been rated already", null));
            return;
        }
        ConversationEvent rating = next(new EventBody.Rated(score, comment == null ? "" : comment));
        write(List.of(rating), failure -> {
            if (failure != null) {
                link.send(new BuyerFrame.Error(ErrorCode.STORE_UNAVAILABLE, "the rating could not be saved; send it"
                        + " again", null));
                return true;
            }
            record(rating);
            desk.metrics().rated(score);
            broadcast(rating, null);
            if (lastAgentId != null) {
                desk.waitingLines().seat(lastAgentId).ifPresent(s -> s.send(new AgentFrame.Event(id, rating)));
            }
            return true;
        });
    }

    /** The buyer started or stopped typing: the agent holding the chat sees it (nothing is stored). */
    void buyerTyping(boolean active) {
        if (state == ConversationState.WITH_AGENT) {
            seat().ifPresent(s -> s.send(new AgentFrame.Typing(id, active)));
        }
    }

    // ---- what the agent holding the chat does (on the lane) ----

    private boolean heldBy(AgentSeat seat) {
        return state == ConversationState.WITH_AGENT && seat.id().equals(agentId);
    }

    private void refuseAgent(AgentSeat seat, String messageId) {
        if (gone || state == ConversationState.CLOSED) {
            seat.send(new AgentFrame.Error(AgentErrorCode.CONVERSATION_CLOSED, "this chat is closed", id, messageId));
        } else {
            seat.send(new AgentFrame.Error(AgentErrorCode.NOT_YOURS, "you do not hold this chat", id, messageId));
        }
    }

    /** The agent writes to the buyer; a resent message id is acked again with its first seq. */
    void agentSays(AgentSeat seat, String messageId, String text) {
        if (busy) {
            if (!step(() -> agentSays(seat, messageId, text), true)) {
                seat.send(new AgentFrame.Error(AgentErrorCode.BUSY, "too many messages at once; send it again", id,
                        messageId));
            }
            return;
        }
        Long seq = agentAccepted.get(messageId);
        if (seq != null) {
            seat.send(new AgentFrame.Ack(id, messageId, seq, true));
            return;
        }
        if (!heldBy(seat)) {
            refuseAgent(seat, messageId);
            return;
        }
        if (desk.stopping()) {
            seat.send(new AgentFrame.Error(AgentErrorCode.SHUTTING_DOWN, "the gateway is restarting; send it again",
                    id, messageId));
            return;
        }
        ConversationEvent said = next(new EventBody.AgentSaid(seat.id(), seat.name(), messageId, text));
        write(List.of(said), failure -> {
            if (failure != null) {
                seat.send(new AgentFrame.Error(AgentErrorCode.STORE_UNAVAILABLE,
                        "your message could not be saved; send it again", id, messageId));
                return true;
            }
            if (!agentAnswered && firstHandoffAt != null) {
                desk.metrics().firstResponse(ChatMetrics.Responder.HUMAN, Duration.between(firstHandoffAt, said.at()));
            }
            record(said);
            seat.send(new AgentFrame.Ack(id, messageId, said.seq(), false));
            broadcast(said, null);
            return true;
        });
    }

    /** The agent's typing indicator, shown to the buyer (nothing is stored). */
    void agentTyping(AgentSeat seat, boolean active) {
        if (heldBy(seat)) {
            BuyerFrame.Typing frame = new BuyerFrame.Typing(seat.name(), active);
            for (BuyerLink l : links) {
                l.send(frame);
            }
        }
    }

    /** The agent ends the chat: the buyer sees it closed and is asked for a rating. */
    void closeByAgent(AgentSeat seat) {
        if (busy) {
            if (!step(() -> closeByAgent(seat), true)) {
                seat.send(new AgentFrame.Error(AgentErrorCode.BUSY, "too busy; send it again", id, null));
            }
            return;
        }
        if (!heldBy(seat)) {
            refuseAgent(seat, null);
            return;
        }
        String holder = agentId;
        ConversationEvent closed = next(new EventBody.Closed("agent", "agent_closed"));
        write(List.of(closed), failure -> {
            if (failure != null) {
                seat.send(new AgentFrame.Error(AgentErrorCode.STORE_UNAVAILABLE, "could not close; send it again", id,
                        null));
                return true;
            }
            ended(closed, ConversationState.WITH_AGENT, holder);
            return true;
        });
    }

    /**
     * The agent sends the chat to another queue's line: the buyer sees the agent leave and their new place; the
     * chat keeps the time the buyer started waiting, so they do not queue behind people who came later.
     */
    void transferToQueue(AgentSeat seat, GatewayConfig.QueueInfo queue) {
        if (busy) {
            if (!step(() -> transferToQueue(seat, queue), true)) {
                seat.send(new AgentFrame.Error(AgentErrorCode.BUSY, "too busy; send it again", id, null));
            }
            return;
        }
        if (!heldBy(seat)) {
            refuseAgent(seat, null);
            return;
        }
        String trigger = route == null ? "" : route.trigger();
        ConversationEvent left = next(new EventBody.AgentLeft(seat.id(), seat.name(), "transfer"));
        ConversationEvent handedOff = next(new EventBody.HandedOff(queue.id(), queue.name(), queue.priority(),
                trigger, "transfer", false));
        write(List.of(left, handedOff), failure -> {
            if (failure != null) {
                seat.send(new AgentFrame.Error(AgentErrorCode.STORE_UNAVAILABLE,
                        "the transfer could not be saved; try again", id, null));
                return true;
            }
            record(left);
            place = null;
            desk.metrics().handedOff(queue.id(), trigger, "transfer", false);
            broadcast(left, null);
            seat.send(new AgentFrame.Released(id, "transferred"));
            Handoff handoff = withheld(handedOff);
            desk.waitingLines().transferred(id, seat.id(), handoff)
                    .whenCompleteAsync((p, qFailure) -> shown(handedOff, p, qFailure), lane);
            return false;
        });
    }

    // ---- what the queue asks (on the lane) ----

    /** The queue gives this waiting chat to {@code seat}. */
    void assign(AgentSeat seat, String how, CompletableFuture<Assignments.Outcome> result) {
        step(() -> {
            if (gone || state != ConversationState.WAITING) {
                result.complete(Assignments.Outcome.REFUSED);
                return;
            }
            ConversationEvent joined = next(new EventBody.AgentJoined(seat.id(), seat.name(), how));
            write(List.of(joined), failure -> {
                if (failure != null) {
                    result.complete(Assignments.Outcome.STORE_FAILED);
                    return true;
                }
                record(joined);
                place = null;
                broadcast(joined, null);
                seat.send(new AgentFrame.Assigned(id, events, route, how, false));
                result.complete(Assignments.Outcome.DONE);
                return true;
            });
        }, false);
    }

    /** The queue hands the chat straight from one agent to another. */
    void handOver(AgentSeat from, AgentSeat to, CompletableFuture<Assignments.Outcome> result) {
        step(() -> {
            if (!heldBy(from)) {
                result.complete(Assignments.Outcome.REFUSED);
                return;
            }
            ConversationEvent left = next(new EventBody.AgentLeft(from.id(), from.name(), "transfer"));
            ConversationEvent joined = next(new EventBody.AgentJoined(to.id(), to.name(), "transfer"));
            write(List.of(left, joined), failure -> {
                if (failure != null) {
                    result.complete(Assignments.Outcome.STORE_FAILED);
                    return true;
                }
                record(left);
                record(joined);
                broadcast(left, null);
                broadcast(joined, null);
                from.send(new AgentFrame.Released(id, "transferred"));
                to.send(new AgentFrame.Assigned(id, events, route, "transfer", false));
                result.complete(Assignments.Outcome.DONE);
                return true;
            });
        }, false);
    }

    /** The queue takes the chat back from an agent who went away: it goes back to the head of its line. */
    void takeBack(String fromAgentId, String reason, CompletableFuture<Optional<Handoff>> result) {
        step(() -> {
            if (state != ConversationState.WITH_AGENT || !fromAgentId.equals(agentId) || route == null) {
                result.complete(Optional.empty());
                return;
            }
            Optional<AgentSeat> seat = seat();
            ConversationEvent left = next(new EventBody.AgentLeft(fromAgentId, agentName, reason));
            write(List.of(left), failure -> {
                if (failure != null) {
                    result.completeExceptionally(failure);
                    return true;
                }
                record(left);
                broadcast(left, null);
                seat.ifPresent(s -> s.send(new AgentFrame.Released(id, reason)));
                result.complete(Optional.of(handoff(route)));
                return true;
            });
        }, false);
    }

    /** The agent's console reconnected: it gets the chat's whole history again. */
    void show(AgentSeat seat) {
        if (heldBy(seat)) {
            seat.send(new AgentFrame.Assigned(id, events, route, "resume", true));
        }
    }

    /** The chat is past the SLA: the buyer hears once (per conversation) that someone is coming. */
    void stillWaiting() {
        step(() -> {
            if (state != ConversationState.WAITING || toldStillWaiting || gone) {
                return;
            }
            ConversationEvent notice = next(new EventBody.SystemNotice(BotFlow.STILL_WAITING,
                    desk.config().textsFor(lang).stillWaiting()));
            write(List.of(notice), failure -> {
                if (failure == null) {
                    record(notice);
                    broadcast(notice, null);
                }
                return true;
            });
        }, false);
    }

    // ---- the waiting line and housekeeping (on the lane) ----

    void moved(Place p) {
        if (state != ConversationState.WAITING) {
            return;
        }
        place = p;
        BuyerFrame.Position frame = new BuyerFrame.Position(p);
        for (BuyerLink l : links) {
            l.send(frame);
        }
    }

    /** Restored conversations learn their place once the waiting line has them again. */
    void placed(Place p) {
        place = p;
    }

    /**
     * Whether this conversation may be closed for idleness: the bot holds it, nobody is attached, nothing is
     * pending, and it has been quiet since {@code cutoff} — or since {@code emptyCutoff} when the buyer never said
     * anything (a page view that opened the widget), so that those do not pile up in memory.
     */
    private boolean idle(Instant cutoff, Instant emptyCutoff) {
        return !gone && !busy && links.isEmpty()
                && lastActivity.isBefore(events.isEmpty() ? emptyCutoff : cutoff)
                && (state == ConversationState.BOT || state == ConversationState.CLOSED);
    }

    /** Closes an idle conversation: a {@code closed} event when it is still open, then it leaves memory. */
    void closeIdle(Instant cutoff, Instant emptyCutoff) {
        if (!idle(cutoff, emptyCutoff)) {
            return;
        }
        if (state == ConversationState.CLOSED) {
            gone = true;
            desk.forget(this);
            return;
        }
        ConversationEvent closed = next(new EventBody.Closed("system", "idle"));
        write(List.of(closed), failure -> {
            if (failure == null) {
                record(closed);
                desk.metrics().closed(outcome());
                // A buyer who came back while the close was being stored sees it happen.
                broadcast(closed, null);
                gone = true;
                desk.forget(this);
            }
            return true;
        });
    }
}
