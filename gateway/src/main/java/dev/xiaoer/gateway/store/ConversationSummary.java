package dev.xiaoer.gateway.store;

import dev.xiaoer.gateway.event.ConversationState;

import java.time.Instant;
import java.util.Objects;

/** A conversation's row: its state as derived from its events, its last seq, and when it started and closed. */
public record ConversationSummary(String conversationId, String tokenHash, ConversationState state, long lastSeq,
                                  Instant createdAt, Instant updatedAt, Instant closedAt) {
    public ConversationSummary {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
