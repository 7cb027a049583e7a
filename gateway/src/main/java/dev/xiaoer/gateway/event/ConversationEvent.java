package dev.xiaoer.gateway.event;

import java.time.Instant;
import java.util.Objects;

/**
 * One thing that happened in a conversation, numbered by {@code seq}: strictly increasing within the conversation
 * (not necessarily contiguous). The store appends events; every frame a buyer or agent sees of a conversation is a
 * view of one event, so a resume is "every event after lastSeq" and a transcript is "every event".
 */
public record ConversationEvent(String conversationId, long seq, Instant at, EventBody body) {
    public ConversationEvent {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(body, "body");
        if (seq <= 0) {
            throw new IllegalArgumentException("seq must be positive, was " + seq);
        }
    }
}
