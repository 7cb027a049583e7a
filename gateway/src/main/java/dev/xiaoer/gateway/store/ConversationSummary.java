package dev.xiaoer.gateway.store;

import dev.xiaoer.gateway.event.ConversationState;

import java.time.Instant;
import java.util.Objects;

/**
 * A conversation's row: its state as derived from its events, its last seq, and when it started and closed.
 *
 * <p>{@code queue}, {@code agentId} and {@code waitingSince} are derived from the events too, for the waiting-line
 * and agent views: the queue of the latest handoff (null before any), the agent who holds the chat or held it when
 * it closed (null when none), and when the conversation last started waiting (a handoff or an agent letting go;
 * null unless it is {@code WAITING}). Times are kept to the millisecond.
 */
public record ConversationSummary(String conversationId, String tokenHash, ConversationState state, long lastSeq,
                                  Instant createdAt, Instant updatedAt, Instant closedAt,
                                  String queue, String agentId, Instant waitingSince) {
    public ConversationSummary {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** A summary without the queue view (no queue, no agent, not waiting). */
    public ConversationSummary(String conversationId, String tokenHash, ConversationState state, long lastSeq,
                               Instant createdAt, Instant updatedAt, Instant closedAt) {
        this(conversationId, tokenHash, state, lastSeq, createdAt, updatedAt, closedAt, null, null, null);
    }
}
