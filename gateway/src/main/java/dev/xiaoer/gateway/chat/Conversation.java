package dev.xiaoer.gateway.chat;

import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.event.Audience;
import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.ConversationState;
import dev.xiaoer.gateway.event.EventBody;
import dev.xiaoer.gateway.queue.Handoff;
import dev.xiaoer.gateway.queue.Place;
import dev.xiaoer.intents.Decision;
import dev.xiaoer.intents.DialogState;
import dev.xiaoer.intents.Flag;
import dev.xiaoer.intents.Turn;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * One conversation's state, touched only by its lane (one single-threaded executor chosen by its id), so it needs
 * no locks. Buyer messages are handled one at a time: the next waits until the previous one's events are stored,
 * which keeps the id→seq map, the dialog state and the frames in one order even when the store fails.
 */
final class Conversation {

    /** Messages that arrive while one is being stored wait here, up to this many; more is a {@code busy} error. */
    private static final int MAX_BACKLOG = 32;

    private final Conversations desk;
    final String id;
    private final String tokenHash;
    final Executor lane;

    private final List<ConversationEvent> events = new ArrayList<>();
    private final Map<String, Long> accepted = new HashMap<>();
    private final List<BuyerLink> links = new ArrayList<>(2);
    private final ArrayDeque<Pending> backlog = new ArrayDeque<>();

    private ConversationState state = ConversationState.BOT;
    private long lastSeq;
    private DialogState dialog = DialogState.START;
    private Place place;
    private String lang = GatewayConfig.DEFAULT_LANG;
    private Instant lastActivity;
    private boolean busy;
    private boolean gone;

    private record Pending(BuyerLink link, BuyerMessage message) {
    }

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

    /** The handoff this conversation waits for, if it waits: its last handoff event, with its original time. */
    Optional<Handoff> waitingHandoff() {
        if (state != ConversationState.WAITING) {
            return Optional.empty();
        }
        for (int i = events.size() - 1; i >= 0; i--) {
            ConversationEvent e = events.get(i);
            if (e.body() instanceof EventBody.HandedOff h) {
                return Optional.of(new Handoff(id, h.queue(), h.queueName(), h.priority(), e.at(), h.leaveMessage()));
            }
        }
        return Optional.empty();
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
        for (int i = from; i < events.size(); i++) {
            ConversationEvent e = events.get(i);
            if (e.body().audience() == Audience.EVERYONE) {
                boolean waitingHere = e.body() instanceof EventBody.HandedOff && state == ConversationState.WAITING;
                link.send(new BuyerFrame.Event(e, waitingHere ? place : null));
            }
        }
        if (place != null && state == ConversationState.WAITING) {
            link.send(new BuyerFrame.Position(place));
        }
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
        }
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
            if (backlog.size() >= MAX_BACKLOG) {
                link.send(new BuyerFrame.Error(ErrorCode.BUSY, "too many messages at once; send it again", m.id()));
            } else {
                backlog.add(new Pending(link, m));
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
        List<ConversationEvent> batch;
        DialogState next = dialog;
        try {
            Instant now = desk.now();
            lastActivity = now;
            batch = new ArrayList<>(4);
            long buyerSeq = ++lastSeq;
            batch.add(new ConversationEvent(id, buyerSeq, now, new EventBody.BuyerSaid(m.id(), m.text(), m.faqId())));
            if (state != ConversationState.WITH_AGENT) {
                Turn turn = decide(m);
                next = turn.next();
                for (Flag f : turn.flags()) {
                    batch.add(new ConversationEvent(id, ++lastSeq, now,
                            new EventBody.Flagged(buyerSeq, f.rule(), f.ruleName(), f.trigger())));
                }
                boolean open = desk.hours().isOpen(now);
                GatewayConfig.Texts texts = desk.config().textsFor(lang);
                String backAt = open ? "" : desk.hours().backAt(now, texts);
                for (EventBody body : BotFlow.respond(turn.decision(), buyerSeq, state, open, backAt, texts)) {
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
        desk.store(batch).whenCompleteAsync((ok, failure) -> {
            if (failure != null) {
                desk.storeFailed(id, failure);
                link.send(new BuyerFrame.Error(ErrorCode.STORE_UNAVAILABLE,
                        "your message could not be saved; send it again", m.id()));
                done();
            } else {
                committed(link, m, batch, decided);
            }
        }, lane);
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
        sender.send(new BuyerFrame.Ack(m.id(), said.seq(), false));
        BuyerFrame.Event echo = new BuyerFrame.Event(said, null);
        for (BuyerLink l : links) {
            if (l != sender) {
                l.send(echo);
            }
        }
        for (int i = 1; i < shown; i++) {
            broadcast(batch.get(i), null);
        }
        if (!handsOff) {
            done();
            return;
        }
        EventBody.HandedOff h = (EventBody.HandedOff) last.body();
        Handoff handoff = new Handoff(id, h.queue(), h.queueName(), h.priority(), last.at(), h.leaveMessage());
        desk.waitingLines().enqueue(handoff).whenCompleteAsync((p, failure) -> {
            if (failure != null) {
                desk.queueFailed(id, failure);
            } else {
                place = p;
            }
            record(last);
            broadcast(last, place);
            done();
        }, lane);
    }

    private void record(ConversationEvent e) {
        events.add(e);
        Optional<ConversationState> next = e.body().leadsTo();
        if (next.isPresent()) {
            state = next.get();
        }
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
            Pending p = backlog.poll();
            receive(p.link, p.message);
        }
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
        busy = true;
        ConversationEvent closed = new ConversationEvent(id, ++lastSeq, desk.now(),
                new EventBody.Closed("system", "idle"));
        desk.store(List.of(closed)).whenCompleteAsync((ok, failure) -> {
            if (failure == null) {
                record(closed);
                // A buyer who came back while the close was being stored sees it happen.
                broadcast(closed, null);
                gone = true;
                desk.forget(this);
            } else {
                desk.storeFailed(id, failure);
            }
            done();
        }, lane);
    }
}
