package dev.xiaoer.gateway.agent;

import java.util.Objects;
import java.util.Set;

/**
 * A person who answers buyers, as configured: id (what they log in with), display name (what buyers see), the
 * queues they serve ({@code allQueues} for "*"), how many chats they hold at most, their role, and their secret's
 * hash.
 */
public record Agent(String id, String name, Set<String> queues, boolean allQueues, int maxChats, Role role,
                    SecretHash secret) {

    /** What an agent may see: supervisors see every line and every conversation. */
    public enum Role {
        AGENT,
        SUPERVISOR;

        /** The name used in config files and on the wire. */
        public String wire() {
            return this == AGENT ? "agent" : "supervisor";
        }
    }

    public Agent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        queues = Set.copyOf(queues);
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(secret, "secret");
        if (maxChats < 1) {
            throw new IllegalArgumentException("maxChats must be >= 1, was " + maxChats);
        }
    }

    /** Whether this agent takes chats of {@code queue} (auto-assignment and claims). */
    public boolean serves(String queue) {
        return allQueues || queues.contains(queue);
    }

    /** Whether this agent may see the waiting line of {@code queue} and its conversations. */
    public boolean sees(String queue) {
        return role == Role.SUPERVISOR || serves(queue);
    }

    public boolean supervisor() {
        return role == Role.SUPERVISOR;
    }

    @Override
    public String toString() {
        // Never the secret's hash: records print all components by default.
        return "Agent[" + id + "]";
    }
}
