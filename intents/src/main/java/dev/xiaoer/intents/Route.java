package dev.xiaoer.intents;

import java.util.Objects;

/**
 * Why and where a chat goes to people: the queue, its priority, and the rule word that fired at which offset of the
 * buyer's original text (offset -1 when no word fired, for example when the buyer accepted an offer of a human).
 */
public record Route(String queue, String queueName, int priority, String trigger, int offset, Reason reason) {

    /** What caused the handoff. */
    public enum Reason {
        /** A trigger word of the rules file matched. */
        KEYWORD,
        /** The bot offered a human after repeated unknowns and the buyer accepted. */
        ACCEPTED_OFFER
    }

    public Route {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(queueName, "queueName");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(reason, "reason");
    }
}
