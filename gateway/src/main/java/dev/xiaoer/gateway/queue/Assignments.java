package dev.xiaoer.gateway.queue;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the queue asks of the conversations it hands out. The queue decides (on its one thread) who gets a chat;
 * the conversation records the decision as an event (on its own lane) and answers whether it could. The chat
 * implements this; futures may complete on any thread.
 */
public interface Assignments {

    /** How a request to a conversation ended. */
    enum Outcome {
        /** Recorded: the buyer and the agents have been told. */
        DONE,
        /** The conversation is not in a state that allows it (closed meanwhile, no longer the agent's). */
        REFUSED,
        /** The event could not be stored; nothing changed. */
        STORE_FAILED
    }

    /** The waiting chat goes to {@code agent} ({@code how}: {@code auto} or {@code claim}). */
    CompletableFuture<Outcome> assign(String conversationId, AgentSeat agent, String how);

    /** The chat {@code from} holds goes straight to {@code to}. */
    CompletableFuture<Outcome> handOver(String conversationId, AgentSeat from, AgentSeat to);

    /**
     * The agent {@code agentId} lets go of the chat ({@code reason}: {@code disconnected}, {@code away},
     * {@code logout}, {@code agent_removed}): completes with the handoff that puts it back at the head of its
     * line, or empty when the chat is no longer theirs. Fails when the event could not be stored.
     */
    CompletableFuture<Optional<Handoff>> takeBack(String conversationId, String agentId, String reason);

    /** Sends the agent who holds the chat its whole history again (their console reconnected). */
    void show(String conversationId, AgentSeat agent);

    /** Tells a waiting buyer, once per conversation, that someone is coming. */
    void stillWaiting(String conversationId);
}
