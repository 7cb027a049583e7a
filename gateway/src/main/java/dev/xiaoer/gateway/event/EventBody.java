package dev.xiaoer.gateway.event;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an event says: the closed vocabulary that chat, queue and store all speak. {@link #type()} is the stable
 * name used in storage and on the wire; {@link #leadsTo()} is the conversation state the event moves to, if any,
 * so that state is derived from events and never stored apart from them.
 */
public sealed interface EventBody {

    /** Stable snake_case name, used as the stored event type. */
    String type();

    /** Who may see this event. */
    default Audience audience() {
        return Audience.EVERYONE;
    }

    /** The state the conversation is in after this event, or empty when the event does not change it. */
    default Optional<ConversationState> leadsTo() {
        return Optional.empty();
    }

    /** A suggestion shown to the buyer as a button: an FAQ entry id and its question. */
    record Suggestion(String faqId, String question) {
        public Suggestion {
            Objects.requireNonNull(faqId, "faqId");
            Objects.requireNonNull(question, "question");
        }
    }

    /** The buyer wrote something; {@code messageId} is the client's id (unique per conversation), {@code faqId} is set when a suggestion was clicked. */
    record BuyerSaid(String messageId, String text, String faqId) implements EventBody {
        public BuyerSaid {
            Objects.requireNonNull(messageId, "messageId");
            Objects.requireNonNull(text, "text");
        }

        @Override
        public String type() {
            return "buyer_message";
        }
    }

    /**
     * The bot answered the buyer message numbered {@code inReplyTo}: {@code band} is the decision band
     * (answer, suggest, unknown, smalltalk), {@code faqId} the answered entry or null.
     */
    record BotReplied(long inReplyTo, String band, String text, String faqId, double confidence,
                      List<Suggestion> suggestions) implements EventBody {
        public BotReplied {
            Objects.requireNonNull(band, "band");
            Objects.requireNonNull(text, "text");
            suggestions = List.copyOf(suggestions);
        }

        @Override
        public String type() {
            return "bot_reply";
        }
    }

    /** A person replied; {@code messageId} is the agent console's id for the message. */
    record AgentSaid(String agentId, String agentName, String messageId, String text) implements EventBody {
        public AgentSaid {
            Objects.requireNonNull(agentId, "agentId");
            Objects.requireNonNull(agentName, "agentName");
            Objects.requireNonNull(messageId, "messageId");
            Objects.requireNonNull(text, "text");
        }

        @Override
        public String type() {
            return "agent_message";
        }
    }

    /** A message from the system to the buyer (out of hours, human offered, still waiting …), with a stable code. */
    record SystemNotice(String code, String text) implements EventBody {
        public SystemNotice {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(text, "text");
        }

        @Override
        public String type() {
            return "system_notice";
        }
    }

    /**
     * The chat was handed to a human queue. {@code reason} is {@code keyword}, {@code accepted_offer},
     * {@code button} or {@code requeued}; {@code leaveMessage} is set out of hours or with no agent online, when the
     * chat waits as a message for later.
     */
    record HandedOff(String queue, String queueName, int priority, String trigger, String reason,
                     boolean leaveMessage) implements EventBody {
        public HandedOff {
            Objects.requireNonNull(queue, "queue");
            Objects.requireNonNull(queueName, "queueName");
            Objects.requireNonNull(trigger, "trigger");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String type() {
            return "handoff";
        }

        @Override
        public Optional<ConversationState> leadsTo() {
            return Optional.of(ConversationState.WAITING);
        }
    }

    /** An agent took the chat (by auto-assignment, claim or transfer). */
    record AgentJoined(String agentId, String agentName, String how) implements EventBody {
        public AgentJoined {
            Objects.requireNonNull(agentId, "agentId");
            Objects.requireNonNull(agentName, "agentName");
            Objects.requireNonNull(how, "how");
        }

        @Override
        public String type() {
            return "agent_joined";
        }

        @Override
        public Optional<ConversationState> leadsTo() {
            return Optional.of(ConversationState.WITH_AGENT);
        }
    }

    /** The agent holding the chat let go of it (dropped past the grace period, went away, transferred); the chat waits again. */
    record AgentLeft(String agentId, String agentName, String reason) implements EventBody {
        public AgentLeft {
            Objects.requireNonNull(agentId, "agentId");
            Objects.requireNonNull(agentName, "agentName");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String type() {
            return "agent_left";
        }

        @Override
        public Optional<ConversationState> leadsTo() {
            return Optional.of(ConversationState.WAITING);
        }
    }

    /** The conversation ended; {@code by} is {@code buyer}, {@code agent} or {@code system}. */
    record Closed(String by, String reason) implements EventBody {
        public Closed {
            Objects.requireNonNull(by, "by");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String type() {
            return "closed";
        }

        @Override
        public Optional<ConversationState> leadsTo() {
            return Optional.of(ConversationState.CLOSED);
        }
    }

    /** The buyer rated the conversation 1–5, with an optional comment (empty string when none). */
    record Rated(int score, String comment) implements EventBody {
        public Rated {
            if (score < 1 || score > 5) {
                throw new IllegalArgumentException("score must be 1..5, was " + score);
            }
            Objects.requireNonNull(comment, "comment");
        }

        @Override
        public String type() {
            return "rating";
        }
    }

    /** A supervisor flag (abuse, threat) raised by the buyer message numbered {@code messageSeq}; never shown to the buyer. */
    record Flagged(long messageSeq, String rule, String ruleName, String trigger) implements EventBody {
        public Flagged {
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(ruleName, "ruleName");
            Objects.requireNonNull(trigger, "trigger");
        }

        @Override
        public String type() {
            return "flag";
        }

        @Override
        public Audience audience() {
            return Audience.AGENTS_ONLY;
        }
    }
}
