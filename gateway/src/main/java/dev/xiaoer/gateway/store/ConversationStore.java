package dev.xiaoer.gateway.store;

import dev.xiaoer.gateway.event.ConversationEvent;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where conversations live: every SQL statement of the gateway sits behind this interface, so that the embedded
 * SQLite store can later be replaced by PostgreSQL.
 *
 * <p>Writes are asynchronous and durable: a returned future completes only after the data is committed, and
 * completes exceptionally with {@link StoreUnavailableException} when it could not be (disk full, database
 * locked). Writes are applied in the order they were submitted. Reads may be called from any thread except a Netty
 * event loop (they may touch the disk).
 */
public interface ConversationStore extends AutoCloseable {

    /** Records a new conversation and its buyer's session token hash. */
    CompletableFuture<Void> open(NewConversation conversation);

    /**
     * Appends events. Within one conversation, events must come in increasing {@code seq}; an event whose
     * {@code (conversationId, seq)} is already stored is a programming error and fails the future.
     */
    CompletableFuture<Void> append(List<ConversationEvent> events);

    /** Every conversation that is not closed, with its events, for restoring state at start. */
    List<StoredConversation> openConversations();

    /** One conversation's summary, open or closed. */
    Optional<ConversationSummary> conversation(String conversationId);

    /** Events of one conversation with {@code seq > afterSeq}, in order, at most {@code limit}. */
    List<ConversationEvent> events(String conversationId, long afterSeq, int limit);

    /** Deletes closed conversations (and their events) closed before {@code cutoff}; returns how many. */
    int deleteClosedBefore(Instant cutoff);

    /** Whether a write would succeed right now (for {@code /ready}). */
    boolean writable();

    /** Flushes pending writes and closes. */
    @Override
    void close();
}
