package dev.xiaoer.gateway.queue;

import java.util.Locale;

/** Whether an agent takes chats: available (connected, takes new chats), away (connected, takes none), offline. */
public enum AgentStatus {
    AVAILABLE,
    AWAY,
    OFFLINE;

    /** The name on the wire: {@code available}, {@code away}, {@code offline}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
