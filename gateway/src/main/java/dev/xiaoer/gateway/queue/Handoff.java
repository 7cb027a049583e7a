package dev.xiaoer.gateway.queue;

import java.time.Instant;
import java.util.Objects;

/**
 * A conversation put in a waiting line: which line, its priority (higher is served first), since when it waits
 * (kept across restarts and transfers), whether it goes to the head of the line ({@code front}: an agent let it
 * go), whether it waits as a message left out of hours or with nobody online, and what the agents see of it in
 * the line: the word that triggered the handoff and the first words of the buyer's request.
 */
public record Handoff(String conversationId, String queue, String queueName, int priority, Instant waitingSince,
                      boolean leaveMessage, boolean front, String trigger, String preview) {
    public Handoff {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(queueName, "queueName");
        Objects.requireNonNull(waitingSince, "waitingSince");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(preview, "preview");
    }

    /** A plain handoff at the back of its line, with nothing to show agents but the ids (tests, restores). */
    public Handoff(String conversationId, String queue, String queueName, int priority, Instant waitingSince,
                   boolean leaveMessage) {
        this(conversationId, queue, queueName, priority, waitingSince, leaveMessage, false, "", "");
    }
}
