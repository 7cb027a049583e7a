package dev.xiaoer.gateway.store;

import dev.xiaoer.gateway.event.ConversationEvent;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Where conversations live: every SQL statement of the gateway sits behind this interface, so that the embedded
 * SQLite store can later be replaced by PostgreSQL.
 *
 * <p>Writes are asynchronous and durable: a returned future completes only after the data is committed, and
 * completes exceptionally with {@link StoreUnavailableException} when it could not be (disk full, database
 * locked). Writes are applied in the order they were submitted. Reads may be called from any thread except a Netty
 * event loop (they may touch the disk).
 *
 * <p>Callbacks chained on a returned future without an executor may run on a thread of the store: keep them
 * short and never wait there for another store future (hand work to an executor instead).
 */
public interface ConversationStore extends AutoCloseable {

    /**
     * Records a new conversation (state {@code BOT}, last seq 0) and its buyer's session token hash. An id that is
     * already stored is a programming error and fails the future with {@link IllegalArgumentException}.
     */
    CompletableFuture<Void> open(NewConversation conversation);

    /**
     * Appends events. Within one conversation, events must come in increasing {@code seq}; an event whose
     * {@code (conversationId, seq)} is already stored is a programming error and fails the future.
     *
     * <p>More precisely: each event's seq must be greater than the last seq stored for its conversation (so a
     * duplicate or an older seq is refused), and its conversation must have been {@link #open opened}. Breaking
     * either fails the future with {@link IllegalArgumentException} (retrying will not help). One append is all or
     * nothing: when it fails, none of its events is stored. The conversation's last seq and derived state move in
     * the same commit as its events.
     */
    CompletableFuture<Void> append(List<ConversationEvent> events);

    /** Every conversation that is not closed, with its events, for restoring state at start. */
    List<StoredConversation> openConversations();

    /** One conversation's summary, open or closed. */
    Optional<ConversationSummary> conversation(String conversationId);

    /** Events of one conversation with {@code seq > afterSeq}, in order, at most {@code limit}. */
    List<ConversationEvent> events(String conversationId, long afterSeq, int limit);

    /**
     * One conversation, open or closed, with every event in seq order: an agent's history and the transcript
     * endpoint. Empty when no such conversation is stored.
     */
    default Optional<StoredConversation> transcript(String conversationId) {
        return conversation(conversationId)
                .map(summary -> new StoredConversation(summary, events(conversationId, 0, Integer.MAX_VALUE)));
    }

    /**
     * The buyer questions that the bot answered with the band {@value UnansweredQuestion#BAND}, asked in
     * {@code [from, to)}, newest first, at most {@code limit}: the unanswered-question report.
     *
     * @throws UnsupportedOperationException by a store that does not serve reports
     */
    default List<UnansweredQuestion> unansweredQuestions(Instant from, Instant to, int limit) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not serve reports");
    }

    /**
     * Hands every event with {@code at} in {@code [from, to)} whose {@link dev.xiaoer.gateway.event.EventBody#type()}
     * is in {@code types} (every type when {@code types} is empty) to {@code action}, ordered by time, then
     * conversation, then seq: the raw material of daily summaries. {@code action} runs on the calling thread while
     * the store reads; it must not call back into the store.
     *
     * @throws UnsupportedOperationException by a store that does not serve reports
     */
    default void forEachEventBetween(Instant from, Instant to, Set<String> types,
                                     Consumer<? super ConversationEvent> action) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not serve reports");
    }

    /**
     * Deletes closed conversations (and their events) closed before {@code cutoff}; returns how many. It may take a
     * while on a large store (it deletes in small transactions, letting other writes through between them): call
     * it from a background thread.
     */
    int deleteClosedBefore(Instant cutoff);

    /** Whether a write would succeed right now (for {@code /ready}). */
    boolean writable();

    /** Writes submitted and not yet committed, for a metrics gauge; 0 for a store that does not queue them. */
    default int queuedWrites() {
        return 0;
    }

    /** Flushes pending writes and closes. */
    @Override
    void close();
}
