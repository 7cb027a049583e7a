package dev.xiaoer.gateway.queue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The waiting lines as the chat sees them: one line per queue, served by priority, then by waiting time; the chat
 * hands conversations in and tells the lines when a chat leaves its agent. {@link HumanQueue} is the real thing.
 *
 * <p>Every method may be called from any thread and never blocks: the lines are owned by one thread and the
 * futures complete on it, so callers must move to their own executor before doing real work.
 */
public interface WaitingLines extends AutoCloseable {

    /** Connects the conversations the lines hand out; call once, before anything is enqueued. */
    void serve(Assignments assignments);

    /**
     * Puts a conversation in its line (or returns its current place if it already waits there) and returns its
     * place. Conversations restored at start are enqueued with their original {@link Handoff#waitingSince()}.
     */
    CompletableFuture<Place> enqueue(Handoff handoff);

    /** The conversation's current place, or empty if it does not wait. */
    CompletableFuture<Optional<Place>> placeOf(String conversationId);

    /** Removes a conversation from its line (the buyer closed it); everyone behind moves up. */
    CompletableFuture<Boolean> remove(String conversationId);

    /** The conversations waiting in one line, head first. */
    CompletableFuture<List<Handoff>> waiting(String queue);

    /** Registers a listener for places that change because a line moved. */
    void onMove(PlaceListener listener);

    /**
     * Whether an agent who serves {@code queue} is logged in right now, available or away (a snapshot, for the
     * no-agents notice: with nobody logged in, a handoff waits as a message for later).
     */
    boolean staffed(String queue);

    /** The seat of a configured agent. */
    Optional<AgentSeat> seat(String agentId);

    /** The chat left agent {@code agentId} for good (closed); {@code handled} counts it in the wait estimates. */
    void released(String conversationId, String agentId, boolean handled);

    /** Agent {@code agentId} sent the chat to another line: it waits there now, at the returned place. */
    CompletableFuture<Place> transferred(String conversationId, String agentId, Handoff handoff);

    /**
     * At start: agent {@code agentId} held this chat since {@code since} when the gateway stopped. They get it back
     * if they log in within the grace period; otherwise it goes back to the head of its line.
     */
    void restoreHeld(String conversationId, String agentId, String queue, Instant since);

    /** Stops the owning thread; pending calls complete first. */
    @Override
    void close();
}
