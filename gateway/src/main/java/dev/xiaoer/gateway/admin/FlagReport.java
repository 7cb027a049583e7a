package dev.xiaoer.gateway.admin;

import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.EventBody;
import dev.xiaoer.gateway.store.ConversationStore;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * The conversations the flag rules of the routing file caught (abuse, threats, 差评 blackmail) in a window, newest
 * first, each with the buyer's message that raised it: what a supervisor looks at.
 */
public final class FlagReport {

    /** Flags reported at most. */
    public static final int MAX_FLAGS = 500;

    private final ConversationStore store;

    public FlagReport(ConversationStore store) {
        this.store = store;
    }

    /** The newest {@code limit} flags raised in {@code [from, to)}. Reads the store: never on an event loop. */
    public List<FlaggedMessage> recent(Instant from, Instant to, int limit) {
        if (limit < 1 || limit > MAX_FLAGS) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_FLAGS + ", was " + limit);
        }
        Deque<ConversationEvent> newest = new ArrayDeque<>(limit);
        store.forEachEventBetween(from, to, Set.of("flag"), e -> { // oldest first
            if (newest.size() == limit) {
                newest.removeLast();
            }
            newest.addFirst(e);
        });
        List<FlaggedMessage> out = new ArrayList<>(newest.size());
        for (ConversationEvent e : newest) {
            EventBody.Flagged f = (EventBody.Flagged) e.body();
            String text = "";
            for (ConversationEvent m : store.events(e.conversationId(), f.messageSeq() - 1, 1)) {
                if (m.seq() == f.messageSeq() && m.body() instanceof EventBody.BuyerSaid said) {
                    text = said.text();
                }
            }
            out.add(new FlaggedMessage(e.conversationId(), e.at(), f.rule(), f.ruleName(), f.trigger(), text));
        }
        return out;
    }

    /** The newest {@code limit} flags of {@code [from, to)}, as a result to send. */
    public Result report(Instant from, Instant to, int limit) {
        return new Result(from, to, recent(from, to, limit));
    }

    /** Flags raised in a window, newest first. */
    public record Result(Instant from, Instant to, List<FlaggedMessage> flags) {
        public Result {
            flags = List.copyOf(flags);
        }
    }

    /** One flag: the conversation, when, the rule (id and name), the word that fired and the buyer's message. */
    public record FlaggedMessage(String conversation, Instant at, String rule, String ruleName, String trigger,
                                 String text) {
    }
}
