package dev.xiaoer.gateway.queue;

import dev.xiaoer.gateway.agent.Agent;

import java.util.Objects;

/**
 * Where frames for one agent go, whichever console connection they use now: conversations hold the seat of the
 * agent who holds them, and the queue swaps the connection underneath when the agent reconnects. Frames sent
 * while the agent has no connection are dropped; a reconnecting console gets the whole of each chat again.
 */
public final class AgentSeat {

    private final Agent agent;
    private volatile AgentLink link;

    AgentSeat(Agent agent) {
        this.agent = Objects.requireNonNull(agent, "agent");
    }

    public Agent agent() {
        return agent;
    }

    public String id() {
        return agent.id();
    }

    public String name() {
        return agent.name();
    }

    /** Sends a frame to the agent's current connection, if they have one. Thread-safe, never blocks. */
    public void send(AgentFrame frame) {
        AgentLink l = link;
        if (l != null) {
            l.send(frame);
        }
    }

    /** Whether {@code l} is the agent's current connection. */
    public boolean isCurrent(AgentLink l) {
        return l != null && l == link;
    }

    void attach(AgentLink l) {
        link = l;
    }

    void detach(AgentLink l) {
        if (link == l) {
            link = null;
        }
    }

    @Override
    public String toString() {
        return "seat of " + agent.id();
    }
}
