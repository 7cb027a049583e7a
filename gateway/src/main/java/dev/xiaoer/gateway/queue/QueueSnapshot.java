package dev.xiaoer.gateway.queue;

import dev.xiaoer.gateway.agent.Agent;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The waiting lines and the agents as the queue's thread last published them: an immutable copy that any thread
 * (a metrics scrape, a report) may read without touching the queue's state.
 */
public record QueueSnapshot(List<LineState> lines, List<AgentState> agents) {

    /** Before the queue has published anything. */
    public static final QueueSnapshot EMPTY = new QueueSnapshot(List.of(), List.of());

    public QueueSnapshot {
        lines = List.copyOf(lines);
        agents = List.copyOf(agents);
    }

    /**
     * One waiting line: how many chats wait, since when the one waiting longest waits (null when none), and how many
     * have waited past the SLA.
     */
    public record LineState(String queue, int waiting, Instant oldestWaitingSince, int slaBreached) {
        public LineState {
            Objects.requireNonNull(queue, "queue");
        }
    }

    /** One configured agent: their status, the chats they hold (or are being given) and their cap. */
    public record AgentState(String id, Agent.Role role, AgentStatus status, int openChats, int maxChats) {
        public AgentState {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(status, "status");
        }
    }
}
