package dev.xiaoer.gateway.queue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The waiting lines the chat hands conversations to: one line per queue, served by priority, then by waiting time.
 *
 * <p>Every method may be called from any thread and never blocks: the lines are owned by one thread and the
 * futures complete on it, so callers must move to their own executor before doing real work.
 */
public interface WaitingLines extends AutoCloseable {

    /**
     * Puts a conversation in its line (or returns its current place if it already waits there) and returns its
     * place. Conversations restored at start are enqueued with their original {@link Handoff#waitingSince()}.
     */
    CompletableFuture<Place> enqueue(Handoff handoff);

    /** The conversation's current place, or empty if it does not wait. */
    CompletableFuture<Optional<Place>> placeOf(String conversationId);

    /** Takes the head of a line (for an agent), or empty if nobody waits there; everyone behind moves up. */
    CompletableFuture<Optional<Handoff>> takeNext(String queue);

    /** Removes a conversation from its line (the buyer closed it); everyone behind moves up. */
    CompletableFuture<Boolean> remove(String conversationId);

    /** The conversations waiting in one line, head first. */
    CompletableFuture<List<Handoff>> waiting(String queue);

    /** Registers a listener for places that change because a line moved. */
    void onMove(PlaceListener listener);

    /** Stops the owning thread; pending calls complete first. */
    @Override
    void close();
}
