package dev.xiaoer.gateway.store;

import dev.xiaoer.gateway.event.ConversationEvent;

import java.util.List;
import java.util.Objects;

/** An open conversation as read back at start: its summary and all its events in seq order. */
public record StoredConversation(ConversationSummary summary, List<ConversationEvent> events) {
    public StoredConversation {
        Objects.requireNonNull(summary, "summary");
        events = List.copyOf(events);
    }
}
