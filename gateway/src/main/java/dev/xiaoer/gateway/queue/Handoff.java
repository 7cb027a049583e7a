package dev.xiaoer.gateway.queue;

import java.time.Instant;
import java.util.Objects;

/**
 * A conversation put in a waiting line: which line, its priority (higher is served first), since when it waits
 * (kept across restarts), and whether it waits as a message left out of hours.
 */
public record Handoff(String conversationId, String queue, String queueName, int priority, Instant waitingSince,
                      boolean leaveMessage) {
    public Handoff {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(queueName, "queueName");
        Objects.requireNonNull(waitingSince, "waitingSince");
    }
}
