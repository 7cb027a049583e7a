package dev.xiaoer.gateway.queue;

import dev.xiaoer.gateway.config.GatewayConfig;

import java.time.Instant;
import java.util.Comparator;
import java.util.Iterator;
import java.util.TreeSet;

/**
 * One queue's line, owned by the queue's thread: chats an agent let go of first ({@code front}), then by priority
 * (higher first), then by waiting time (oldest first), then by arrival.
 */
final class WaitingLine implements Iterable<WaitingLine.Waiting> {

    /** One waiting chat and what the queue remembers about it. */
    static final class Waiting {
        final Handoff handoff;
        final long arrival;
        /** The place the buyer was last told, to tell them only when it changes. */
        Place told;
        /** When agents were last reminded that this chat is past the SLA. */
        Instant reminded;
        /** The agent who sent it here (a transfer): auto-assignment does not hand it straight back to them. */
        String notTo;

        Waiting(Handoff handoff, long arrival) {
            this.handoff = handoff;
            this.arrival = arrival;
        }

        String id() {
            return handoff.conversationId();
        }
    }

    static final Comparator<Waiting> ORDER = Comparator
            .comparing((Waiting w) -> !w.handoff.front())
            .thenComparingInt(w -> -w.handoff.priority())
            .thenComparing(w -> w.handoff.waitingSince())
            .thenComparingLong(w -> w.arrival);

    final GatewayConfig.QueueInfo queue;
    /** How many available agents the agents' view of this line last showed. */
    int shownAvailable = -1;
    private final TreeSet<Waiting> waiting = new TreeSet<>(ORDER);

    WaitingLine(GatewayConfig.QueueInfo queue) {
        this.queue = queue;
    }

    void add(Waiting w) {
        waiting.add(w);
    }

    void remove(Waiting w) {
        waiting.remove(w);
    }

    Waiting head() {
        return waiting.isEmpty() ? null : waiting.first();
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    int size() {
        return waiting.size();
    }

    /** The 1-based position of a chat in this line. */
    int position(Waiting w) {
        return waiting.headSet(w, true).size();
    }

    @Override
    public Iterator<Waiting> iterator() {
        return waiting.iterator();
    }
}
