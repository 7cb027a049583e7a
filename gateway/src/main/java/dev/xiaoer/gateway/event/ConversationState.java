package dev.xiaoer.gateway.event;

/** Where a conversation stands: the bot talks, it waits for a person, a person holds it, or it is over. */
public enum ConversationState {
    BOT,
    WAITING,
    WITH_AGENT,
    CLOSED
}
