package dev.xiaoer.gateway.store;

import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.ConversationState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ConversationStore} held in memory, for tests and for running without a disk. It keeps the contract of
 * the durable store: writes are applied in submission order by one writer thread ({@code xiaoer-store-memory}),
 * futures complete on that thread after the write is applied, seq order is enforced per conversation, and
 * {@link #openConversations()} returns what was written. Nothing survives the JVM; {@link #reopen()} simulates a
 * restart over the same data.
 */
public final class InMemoryConversationStore implements ConversationStore {

    /** What survives a {@link #reopen()}: the data, guarded by its own monitor. */
    private static final class Data {
        final Map<String, Row> rows = new LinkedHashMap<>();
    }

    private static final class Row {
        final String id;
        final String tokenHash;
        final Instant createdAt;
        final List<ConversationEvent> events = new ArrayList<>();
        ConversationState state = ConversationState.BOT;
        long lastSeq;
        Instant updatedAt;
        Instant closedAt;

        Row(NewConversation c) {
            this.id = c.conversationId();
            this.tokenHash = c.tokenHash();
            this.createdAt = c.createdAt();
            this.updatedAt = c.createdAt();
        }

        ConversationSummary summary() {
            return new ConversationSummary(id, tokenHash, state, lastSeq, createdAt, updatedAt, closedAt);
        }
    }

    private final Data data;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "xiaoer-store-memory");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    /** An empty store. */
    public InMemoryConversationStore() {
        this(new Data());
    }

    private InMemoryConversationStore(Data data) {
        this.data = data;
    }

    /** A new store over the same data, as if the process restarted; this store should be closed first. */
    public InMemoryConversationStore reopen() {
        return new InMemoryConversationStore(data);
    }

    @Override
    public CompletableFuture<Void> open(NewConversation conversation) {
        return write(() -> {
            if (data.rows.containsKey(conversation.conversationId())) {
                throw new IllegalArgumentException("conversation " + conversation.conversationId() + " already exists");
            }
            data.rows.put(conversation.conversationId(), new Row(conversation));
        });
    }

    @Override
    public CompletableFuture<Void> append(List<ConversationEvent> events) {
        List<ConversationEvent> batch = List.copyOf(events);
        return write(() -> {
            // Validate the whole batch before applying any of it: no half batch is ever committed.
            Map<String, Long> last = new HashMap<>();
            for (ConversationEvent e : batch) {
                Row row = data.rows.get(e.conversationId());
                if (row == null) {
                    throw new IllegalArgumentException("unknown conversation " + e.conversationId());
                }
                long previous = last.getOrDefault(e.conversationId(), row.lastSeq);
                if (e.seq() <= previous) {
                    throw new IllegalArgumentException("seq " + e.seq() + " of " + e.conversationId()
                            + " is not after " + previous);
                }
                last.put(e.conversationId(), e.seq());
            }
            for (ConversationEvent e : batch) {
                Row row = data.rows.get(e.conversationId());
                row.events.add(e);
                row.lastSeq = e.seq();
                row.updatedAt = e.at();
                Optional<ConversationState> next = e.body().leadsTo();
                if (next.isPresent()) {
                    row.state = next.get();
                    row.closedAt = row.state == ConversationState.CLOSED ? e.at() : null;
                }
            }
        });
    }

    @Override
    public List<StoredConversation> openConversations() {
        synchronized (data) {
            List<StoredConversation> out = new ArrayList<>();
            for (Row row : data.rows.values()) {
                if (row.state != ConversationState.CLOSED) {
                    out.add(new StoredConversation(row.summary(), row.events));
                }
            }
            return out;
        }
    }

    @Override
    public Optional<ConversationSummary> conversation(String conversationId) {
        synchronized (data) {
            Row row = data.rows.get(conversationId);
            return row == null ? Optional.empty() : Optional.of(row.summary());
        }
    }

    @Override
    public List<ConversationEvent> events(String conversationId, long afterSeq, int limit) {
        synchronized (data) {
            Row row = data.rows.get(conversationId);
            List<ConversationEvent> out = new ArrayList<>();
            if (row != null) {
                for (ConversationEvent e : row.events) {
                    if (e.seq() > afterSeq && out.size() < limit) {
                        out.add(e);
                    }
                }
            }
            return out;
        }
    }

    @Override
    public int deleteClosedBefore(Instant cutoff) {
        synchronized (data) {
            int n = 0;
            for (Iterator<Row> it = data.rows.values().iterator(); it.hasNext(); ) {
                Row row = it.next();
                if (row.closedAt != null && row.closedAt.isBefore(cutoff)) {
                    it.remove();
                    n++;
                }
            }
            return n;
        }
    }

    @Override
    public boolean writable() {
        return !closed;
    }

    @Override
    public void close() {
        closed = true;
        writer.shutdown();
        try {
            writer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private CompletableFuture<Void> write(Runnable change) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new StoreUnavailableException("the store is closed", null));
            return done;
        }
        try {
            writer.execute(() -> {
                try {
                    synchronized (data) {
                        change.run();
                    }
                    done.complete(null);
                } catch (RuntimeException e) {
                    // IllegalArgumentException is a programming error (duplicate id, seq out of order), refused
                    // whole; retrying will not help.
                    done.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(new StoreUnavailableException("the store is closed", e));
        }
        return done;
    }
}
