package dev.xiaoer.gateway.chat;

import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.ConversationState;
import dev.xiaoer.gateway.event.EventBody;
import dev.xiaoer.intents.Candidate;
import dev.xiaoer.intents.Decision;
import dev.xiaoer.intents.DialogState;
import dev.xiaoer.intents.Route;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The rules of what the bot says: turns the engine's decision, the conversation's state and the business hours
 * into the events that follow a buyer message. No I/O, no state of its own.
 */
final class BotFlow {

    /** Stable codes of the system notices the bot flow writes (documented in docs/protocol.md). */
    static final String HUMAN_OFFERED = "human_offered";
    static final String ALREADY_WAITING = "already_waiting";
    static final String WITH_AGENT = "with_agent";
    static final String LEAVE_MESSAGE = "leave_message";
    static final String NO_AGENTS = "no_agents";
    static final String STILL_WAITING = "still_waiting";

    private BotFlow() {
    }

    /**
     * The events answering the buyer message numbered {@code buyerSeq}: a bot reply, and for a handoff the
     * {@link EventBody.HandedOff} (last, so that it is the event the waiting line hears about). Out of hours, or
     * when no agent of the queue is available ({@code staffed} says which queues have one), the chat waits as a
     * message for later and the buyer is told so.
     */
    static List<EventBody> respond(Decision decision, long buyerSeq, ConversationState state, boolean open,
                                   String backAt, GatewayConfig.Texts texts, Predicate<String> staffed) {
        List<EventBody> out = new ArrayList<>(2);
        if (decision instanceof Decision.Answer a) {
            out.add(new EventBody.BotReplied(buyerSeq, a.band(), a.answer(), a.faqId(), a.confidence(), List.of()));
        } else if (decision instanceof Decision.Suggest s) {
            List<EventBody.Suggestion> suggestions = new ArrayList<>(s.candidates().size());
            for (Candidate c : s.candidates()) {
                suggestions.add(new EventBody.Suggestion(c.faqId(), c.question()));
            }
            out.add(new EventBody.BotReplied(buyerSeq, s.band(), texts.suggest(), null, s.confidence(), suggestions));
        } else if (decision instanceof Decision.Unknown u) {
            out.add(new EventBody.BotReplied(buyerSeq, u.band(), texts.unknown(), null, u.confidence(), List.of()));
            if (u.offerHuman() && state == ConversationState.BOT) {
                out.add(new EventBody.SystemNotice(HUMAN_OFFERED, texts.offerHuman()));
            }
        } else if (decision instanceof Decision.Smalltalk st) {
            out.add(new EventBody.BotReplied(buyerSeq, st.band(), st.reply(), null, 1.0, List.of()));
        } else if (decision instanceof Decision.Handoff h) {
            if (state == ConversationState.WAITING) {
                out.add(new EventBody.SystemNotice(ALREADY_WAITING, texts.alreadyWaiting()));
            } else {
                Route r = h.route();
                boolean nobody = open && !staffed.test(r.queue());
                if (!open) {
                    out.add(new EventBody.SystemNotice(LEAVE_MESSAGE,
                            texts.leaveMessage().replace("{backAt}", backAt)));
                } else if (nobody) {
                    out.add(new EventBody.SystemNotice(NO_AGENTS, texts.noAgents()));
                }
                out.add(new EventBody.HandedOff(r.queue(), r.queueName(), r.priority(), r.trigger(),
                        reason(r.reason()), !open || nobody));
            }
        } else {
            throw new IllegalStateException("a decision the bot flow does not know: " + decision);
        }
        return out;
    }

    private static String reason(Route.Reason reason) {
        return reason == Route.Reason.ACCEPTED_OFFER ? "accepted_offer" : "keyword";
    }

    /**
     * What the engine remembered of a conversation, rebuilt from its events at restart: the unknown answers in a
     * row since the last other reply or handoff, and whether a human was offered during that run.
     */
    static DialogState dialogOf(List<ConversationEvent> events) {
        int unknowns = 0;
        boolean offered = false;
        for (ConversationEvent e : events) {
            EventBody b = e.body();
            if (b instanceof EventBody.BotReplied r) {
                if ("unknown".equals(r.band())) {
                    unknowns++;
                } else {
                    unknowns = 0;
                    offered = false;
                }
            } else if (b instanceof EventBody.SystemNotice n && HUMAN_OFFERED.equals(n.code())) {
                offered = true;
            } else if (b instanceof EventBody.HandedOff) {
                unknowns = 0;
                offered = false;
            }
        }
        return new DialogState(unknowns, offered);
    }
}
