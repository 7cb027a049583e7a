package dev.xiaoer.gateway.store;

import dev.xiaoer.gateway.event.ConversationEvent;

import java.util.List;
import java.util.Objects;

/**
 * A conversation as read back: its summary and all its events in seq order (an open conversation restored at
 * start, or any conversation's transcript).
 */
public record StoredConversation(ConversationSummary summary, List<ConversationEvent> events) {
    public StoredConversation {
        Objects.requireNonNull(summary, "summary");
        events = List.copyOf(events);
    }
}
