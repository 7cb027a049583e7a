package dev.xiaoer.gateway.store;

import java.time.Instant;
import java.util.Objects;

/** A conversation about to be created: its id, the hash of its buyer's session token, and when it started. */
public record NewConversation(String conversationId, String tokenHash, Instant createdAt) {
    public NewConversation {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
