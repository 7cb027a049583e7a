package dev.xiaoer.gateway.store;

import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.ConversationState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store's one writer: a thread that owns the write connection, takes every write waiting in its queue, commits
 * them in one transaction (group commit: one sync of the log for many writes), and only then completes their
 * futures — on a separate completion thread, so that no caller's callback can ever hold up the next commit.
 *
 * <p>Writes are applied in the order they were queued. Each write runs inside a savepoint, so a write that breaks
 * the rules (a seq that is not after the last one) is refused alone while the rest of its batch commits. A failure
 * of the place the store lives (disk full, locked, I/O error) fails the whole batch: nothing of it is reported as
 * committed. The store then calls itself unwritable, logs that once, keeps trying with each new batch and with a
 * small probe transaction while idle, and logs once more when it can write again.
 */
final class GroupCommitWriter implements Runnable {

    static final String THREAD_NAME = "xiaoer-store-writer";

    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

    /** Larger than any ordinary batch, so that a probe that fits means a batch of buyer messages fits too. */
    private static final String PROBE_FILLER = "x".repeat(64 * 1024);

    /** Something for the writer thread to do. */
    sealed interface Write permits OpenWrite, AppendWrite, Task, Stop {
        /** How much of a batch's event budget this write takes. */
        default int size() {
            return 1;
        }
    }

    record OpenWrite(NewConversation conversation, CompletableFuture<Void> done) implements Write {
    }

    record AppendWrite(List<EncodedEvent> events, CompletableFuture<Void> done) implements Write {
        @Override
        public int size() {
            return events.size();
        }
    }

    /**
     * Work that runs alone between batches: in a transaction of its own (retention), or, when not
     * {@code transactional}, straight on the connection (connection settings); the latter says nothing about
     * whether the store can write and leaves {@link #writable()} alone.
     */
    record Task<T>(Work<T> work, boolean transactional, CompletableFuture<T> done) implements Write {
    }

    /** Flushes what was queued before it, then ends the writer. */
    enum Stop implements Write {
        STOP
    }

    /** SQL run inside a transaction the writer opened. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection db) throws SQLException;
    }

    /** A write that broke the rules: it alone fails, with {@link IllegalArgumentException}. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** Every statement the writer runs, prepared on its connection. */
    private static final class Statements {
        final PreparedStatement begin;
        final PreparedStatement commit;
        final PreparedStatement savepoint;
        final PreparedStatement release;
        final PreparedStatement rollbackToSavepoint;
        final PreparedStatement insertConversation;
        final PreparedStatement selectRow;
        final PreparedStatement updateRow;
        final PreparedStatement insertEvent;
        final PreparedStatement insertProbe;
        final PreparedStatement deleteProbe;
        private final List<PreparedStatement> all = new ArrayList<>();

        Statements(Connection db) throws SQLException {
            try {
                begin = prepare(db, "BEGIN IMMEDIATE");
                commit = prepare(db, "COMMIT");
                savepoint = prepare(db, "SAVEPOINT write");
                release = prepare(db, "RELEASE write");
                rollbackToSavepoint = prepare(db, "ROLLBACK TO write");
                insertConversation = prepare(db, "INSERT INTO conversations (id, token_hash, state, last_seq, "
                        + "created_at, updated_at, closed_at, queue, agent_id, waiting_since) "
                        + "VALUES (?, ?, ?, 0, ?, ?, NULL, NULL, NULL, NULL)");
                selectRow = prepare(db, "SELECT state, last_seq, updated_at, closed_at, queue, agent_id, "
                        + "waiting_since FROM conversations WHERE id = ?");
                updateRow = prepare(db, "UPDATE conversations SET state = ?, last_seq = ?, updated_at = ?, "
                        + "closed_at = ?, queue = ?, agent_id = ?, waiting_since = ? WHERE id = ?");
                insertEvent = prepare(db, "INSERT INTO events (conversation_id, seq, at, type, payload, label, "
                        + "ref_seq) VALUES (?, ?, ?, ?, ?, ?, ?)");
                insertProbe = prepare(db, "INSERT INTO store_probe (id, filler) VALUES (1, ?)");
                deleteProbe = prepare(db, "DELETE FROM store_probe WHERE id = 1");
            } catch (SQLException e) {
                close();
                throw e;
            }
        }

        private PreparedStatement prepare(Connection db, String statement) throws SQLException {
            PreparedStatement ps = db.prepareStatement(statement);
            all.add(ps);
            return ps;
        }

        void close() {
            for (PreparedStatement ps : all) {
                try {
                    ps.close();
                } catch (SQLException ignored) {
                    // already finalized by the driver
                }
            }
        }
    }

    private final Connection db;
    private final Path file;
    private final StoreOptions options;
    private final BlockingQueue<Write> queue;
    private final ExecutorService completions;
    private final long maxDelayNanos;

    /** Prepared once, dropped after any failed transaction: the driver finalizes a statement that hit SQLITE_FULL. */
    private Statements statements;

    private final AtomicLong batchesCommitted = new AtomicLong();
    private final AtomicLong tasksCommitted = new AtomicLong();
    private volatile boolean writable = true;
    /** Set by the writer thread only. */
    private String failureReason;
    private long unwritableSinceNanos;
    private long refusedWhileUnwritable;
    private Write carried;
    private boolean listenerFailed;

    GroupCommitWriter(Connection db, Path file, StoreOptions options, ExecutorService completions)
            throws SQLException {
        this.db = db;
        this.file = file;
        this.options = options;
        this.queue = new LinkedBlockingQueue<>(options.writeQueueLimit());
        this.completions = completions;
        this.maxDelayNanos = options.maxBatchDelay().toNanos();
        this.statements = new Statements(db);
    }

    /** Queues a write; false when the queue is full. */
    boolean offer(Write write) {
        return queue.offer(write);
    }

    /** Queues the stop, waiting for room if the queue is full (the writer is draining it). */
    void stop() throws InterruptedException {
        queue.put(Stop.STOP);
    }

    boolean writable() {
        return writable;
    }

    long batchesCommitted() {
        return batchesCommitted.get();
    }

    long tasksCommitted() {
        return tasksCommitted.get();
    }

    int queued() {
        return queue.size();
    }

    @Override
    public void run() {
        try {
            while (true) {
                Write first = next();
                if (first == Stop.STOP) {
                    break;
                }
                if (first instanceof Task<?> task) {
                    runTask(task);
                } else {
                    commitBatch(gather(first));
                }
            }
        } catch (InterruptedException e) {
            log.error("Store writer for {} was interrupted; refusing the writes still queued", file);
            Thread.currentThread().interrupt();
        } finally {
            refuseRemaining();
        }
    }

    /** The next write to handle; while the store cannot write and nothing comes, probes it now and then. */
    private Write next() throws InterruptedException {
        if (carried != null) {
            Write w = carried;
            carried = null;
            return w;
        }
        while (true) {
            Write w = writable ? queue.take() : queue.poll(options.probeInterval().toNanos(), TimeUnit.NANOSECONDS);
            if (w != null) {
                return w;
            }
            probe();
        }
    }

    /** {@code first} and what follows it in the queue, up to the event budget and the batch delay. */
    private List<Write> gather(Write first) {
        List<Write> batch = new ArrayList<>();
        batch.add(first);
        int events = first.size();
        long deadline = System.nanoTime() + maxDelayNanos;
        while (events < options.maxBatchEvents()) {
            Write next = queue.poll();
            if (next == null && maxDelayNanos > 0) {
                long wait = deadline - System.nanoTime();
                if (wait > 0) {
                    try {
                        next = queue.poll(wait, TimeUnit.NANOSECONDS);
                    } catch (InterruptedException e) {
                        // Commit what is held; the next wait for work sees the interrupt and ends the writer.
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            if (next == null) {
                break;
            }
            if (next instanceof Task || next == Stop.STOP || events + next.size() > options.maxBatchEvents()) {
                carried = next;
                break;
            }
            batch.add(next);
            events += next.size();
        }
        return batch;
    }

    private void commitBatch(List<Write> batch) {
        long start = System.nanoTime();
        Exception[] refusals = new Exception[batch.size()];
        int events = 0;
        try {
            Statements q = sql();
            q.begin.execute();
            for (int i = 0; i < batch.size(); i++) {
                Write write = batch.get(i);
                events += write.size();
                q.savepoint.execute();
                try {
                    apply(write);
                    q.release.execute();
                } catch (Refused r) {
                    undoWrite();
                    refusals[i] = new IllegalArgumentException(r.getMessage());
                } catch (SQLException e) {
                    if (SqliteFailure.isEnvironmental(e)) {
                        throw e;
                    }
                    // A constraint the checks above did not foresee: a bug, but only this write's.
                    undoWrite();
                    log.warn("Store {} refused a write: {}", file, e.getMessage());
                    refusals[i] = new IllegalArgumentException("the store refused this write: " + e.getMessage(), e);
                }
            }
            q.commit.execute();
        } catch (SQLException e) {
            rollbackQuietly();
            cannotWrite(e, batch.size());
            failAll(batch, unavailable(e));
            return;
        } catch (RuntimeException | Error e) {
            rollbackQuietly();
            log.error("Store writer failed on a batch of {} writes to {}", batch.size(), file, e);
            failAll(batch, e);
            return;
        }
        long nanos = System.nanoTime() - start;
        batchesCommitted.incrementAndGet();
        canWriteAgain();
        tellListener(batch.size(), events, nanos);
        completions.execute(() -> {
            for (int i = 0; i < batch.size(); i++) {
                CompletableFuture<?> done = futureOf(batch.get(i));
                if (refusals[i] == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(refusals[i]);
                }
            }
        });
    }

    private void apply(Write write) throws SQLException, Refused {
        if (write instanceof OpenWrite open) {
            openConversation(open.conversation());
        } else if (write instanceof AppendWrite append) {
            appendEvents(append.events());
        } else {
            throw new IllegalStateException("not a batch write: " + write);
        }
    }

    private void openConversation(NewConversation c) throws SQLException, Refused {
        Statements q = sql();
        q.selectRow.setString(1, c.conversationId());
        try (ResultSet rs = q.selectRow.executeQuery()) {
            if (rs.next()) {
                throw new Refused("conversation " + c.conversationId() + " is already stored");
            }
        }
        long created = c.createdAt().toEpochMilli();
        q.insertConversation.setString(1, c.conversationId());
        q.insertConversation.setString(2, c.tokenHash());
        q.insertConversation.setString(3, ConversationState.BOT.name());
        q.insertConversation.setLong(4, created);
        q.insertConversation.setLong(5, created);
        q.insertConversation.executeUpdate();
    }

    private void appendEvents(List<EncodedEvent> events) throws SQLException, Refused {
        Statements q = sql();
        // Almost always one conversation; the map keeps several apart when an append spans them.
        Map<String, ConversationRow> rows = new HashMap<>(4);
        for (EncodedEvent encoded : events) {
            ConversationEvent e = encoded.event();
            String id = e.conversationId();
            ConversationRow row = rows.get(id);
            if (row == null) {
                row = loadRow(id);
            }
            if (e.seq() <= row.lastSeq()) {
                throw new Refused("event seq " + e.seq() + " of conversation " + id + " is not after its last seq "
                        + row.lastSeq());
            }
            q.insertEvent.setString(1, id);
            q.insertEvent.setLong(2, e.seq());
            q.insertEvent.setLong(3, e.at().toEpochMilli());
            q.insertEvent.setString(4, e.body().type());
            q.insertEvent.setString(5, encoded.payload());
            q.insertEvent.setString(6, encoded.label());
            q.insertEvent.setObject(7, encoded.refSeq());
            q.insertEvent.executeUpdate();
            rows.put(id, row.after(e));
        }
        for (Map.Entry<String, ConversationRow> entry : rows.entrySet()) {
            ConversationRow row = entry.getValue();
            q.updateRow.setString(1, row.state().name());
            q.updateRow.setLong(2, row.lastSeq());
            q.updateRow.setLong(3, row.updatedAt());
            q.updateRow.setObject(4, row.closedAt());
            q.updateRow.setString(5, row.queue());
            q.updateRow.setString(6, row.agentId());
            q.updateRow.setObject(7, row.waitingSince());
            q.updateRow.setString(8, entry.getKey());
            q.updateRow.executeUpdate();
        }
    }

    private ConversationRow loadRow(String id) throws SQLException, Refused {
        Statements q = sql();
        q.selectRow.setString(1, id);
        try (ResultSet rs = q.selectRow.executeQuery()) {
            if (!rs.next()) {
                throw new Refused("conversation " + id + " was never opened");
            }
            return new ConversationRow(ConversationState.valueOf(rs.getString(1)), rs.getLong(2), rs.getLong(3),
                    nullableLong(rs, 4), rs.getString(5), rs.getString(6), nullableLong(rs, 7));
        }
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private <T> void runTask(Task<T> task) {
        if (!task.transactional()) {
            try {
                T result = task.work().run(db);
                completions.execute(() -> task.done().complete(result));
            } catch (SQLException | RuntimeException e) {
                completions.execute(() -> task.done().completeExceptionally(e));
            }
            return;
        }
        T result;
        try {
            Statements q = sql();
            q.begin.execute();
            try {
                result = task.work().run(db);
                q.commit.execute();
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly();
                throw e;
            }
        } catch (SQLException e) {
            if (SqliteFailure.isEnvironmental(e)) {
                cannotWrite(e, 1);
                completions.execute(() -> task.done().completeExceptionally(unavailable(e)));
            } else {
                completions.execute(() -> task.done().completeExceptionally(
                        new IllegalStateException("store task failed: " + e.getMessage(), e)));
            }
            return;
        } catch (RuntimeException | Error e) {
            completions.execute(() -> task.done().completeExceptionally(e));
            return;
        }
        tasksCommitted.incrementAndGet();
        canWriteAgain();
        completions.execute(() -> task.done().complete(result));
    }

    /** While idle and unwritable: a small transaction that needs new pages and a sync, like a real batch does. */
    private void probe() {
        try {
            Statements q = sql();
            q.begin.execute();
            q.insertProbe.setString(1, PROBE_FILLER);
            q.insertProbe.executeUpdate();
            q.deleteProbe.executeUpdate();
            q.commit.execute();
            canWriteAgain();
        } catch (SQLException e) {
            rollbackQuietly();
            cannotWrite(e, 0);
        } catch (RuntimeException e) {
            rollbackQuietly();
            log.error("Store probe of {} failed", file, e);
        }
    }

    /** Marks the store unwritable; logs when it was writable or the reason changed, never once per write. */
    private void cannotWrite(SQLException e, int writes) {
        String reason = SqliteFailure.describe(e);
        if (writable) {
            unwritableSinceNanos = System.nanoTime();
            refusedWhileUnwritable = 0;
            log.error("Store {} cannot write: {}. Buyers' messages get a retryable error, not an ack, until it can; "
                    + "trying again with each write and every {} ms meanwhile.", file, reason,
                    options.probeInterval().toMillis());
        } else if (!reason.equals(failureReason)) {
            log.error("Store {} still cannot write, now because {}.", file, reason);
        }
        failureReason = reason;
        refusedWhileUnwritable += writes;
        writable = false;
    }

    private void canWriteAgain() {
        if (writable) {
            return;
        }
        Duration down = Duration.ofNanos(System.nanoTime() - unwritableSinceNanos);
        log.warn("Store {} can write again after {} s (writes refused meanwhile: {}).", file,
                down.toMillis() / 1000.0, refusedWhileUnwritable);
        failureReason = null;
        writable = true;
    }

    private StoreUnavailableException unavailable(SQLException e) {
        return new StoreUnavailableException("could not commit to " + file + ": " + SqliteFailure.describe(e), e);
    }

    private void undoWrite() throws SQLException {
        Statements q = sql();
        q.rollbackToSavepoint.execute();
        q.release.execute();
    }

    /** Ends whatever transaction a failure left open, and drops the statements it may have broken. */
    private void rollbackQuietly() {
        try (Statement st = db.createStatement()) {
            st.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // SQLite rolls back by itself after some failures (SQLITE_FULL): there may be nothing left to undo.
        }
        if (statements != null) {
            statements.close();
            statements = null;
        }
    }

    private Statements sql() throws SQLException {
        if (statements == null) {
            statements = new Statements(db);
        }
        return statements;
    }

    private void tellListener(int writes, int events, long nanos) {
        try {
            options.commitListener().committed(writes, events, nanos);
        } catch (RuntimeException e) {
            if (!listenerFailed) {
                listenerFailed = true;
                log.warn("Store commit listener failed (reported once): {}", e.toString());
            }
        }
    }

    private void failAll(List<Write> batch, Throwable failure) {
        completions.execute(() -> {
            for (Write w : batch) {
                futureOf(w).completeExceptionally(failure);
            }
        });
    }

    /** After the stop: anything queued behind it was submitted while closing and is refused. */
    private void refuseRemaining() {
        List<Write> left = new ArrayList<>();
        if (carried != null) {
            left.add(carried);
            carried = null;
        }
        queue.drainTo(left);
        StoreUnavailableException closed = new StoreUnavailableException("the store " + file + " is closed", null);
        for (Write w : left) {
            if (w != Stop.STOP) {
                completions.execute(() -> futureOf(w).completeExceptionally(closed));
            }
        }
    }

    private static CompletableFuture<?> futureOf(Write w) {
        if (w instanceof OpenWrite open) {
            return open.done();
        } else if (w instanceof AppendWrite append) {
            return append.done();
        } else if (w instanceof Task<?> task) {
            return task.done();
        }
        throw new IllegalStateException("no future for " + w);
    }
}
