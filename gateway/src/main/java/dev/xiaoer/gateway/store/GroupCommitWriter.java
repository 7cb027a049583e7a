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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * <p>Writes are applied in the order they were queued. Each write is checked against the conversations' rows as the
 * batch has left them before it touches the database, so a write that breaks the rules (a seq that is not after the
 * last one) is refused alone while the rest of its batch commits; should SQLite refuse a write all the same, the
 * batch is retried one write per transaction so that only that write fails. Per batch the writer runs one insert
 * per event and one update per conversation, reading a conversation's row only when it is not in memory. A failure
 * of the place the store lives (disk full, locked, I/O error) fails the whole batch: nothing of it is reported as
 * committed. The store then calls itself unwritable, logs that once, keeps trying with each new batch and with a
 * small probe transaction while idle, and logs once more when it can write again.
 */
final class GroupCommitWriter implements Runnable {

    static final String THREAD_NAME = "xiaoer-store-writer";

    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

    /** Conversations whose rows the writer keeps in memory (a few MB). */
    private static final int ROWS_REMEMBERED = 20_000;

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
        final PreparedStatement insertConversation;
        final PreparedStatement selectRow;
        final PreparedStatement updateRow;
        final PreparedStatement updateProgress;
        final PreparedStatement insertEvent;
        final PreparedStatement insertProbe;
        final PreparedStatement deleteProbe;
        private final List<PreparedStatement> all = new ArrayList<>();

        Statements(Connection db) throws SQLException {
            try {
                begin = prepare(db, "BEGIN IMMEDIATE");
                commit = prepare(db, "COMMIT");
                insertConversation = prepare(db, "INSERT INTO conversations (id, token_hash, state, last_seq, "
                        + "created_at, updated_at, closed_at, queue, agent_id, waiting_since) "
                        + "VALUES (?, ?, ?, 0, ?, ?, NULL, NULL, NULL, NULL)");
                selectRow = prepare(db, "SELECT state, last_seq, updated_at, closed_at, queue, agent_id, "
                        + "waiting_since FROM conversations WHERE id = ?");
                updateRow = prepare(db, "UPDATE conversations SET state = ?, last_seq = ?, updated_at = ?, "
                        + "closed_at = ?, queue = ?, agent_id = ?, waiting_since = ? WHERE id = ?");
                // Most batches move only these two columns; leaving the others out of the SET list spares SQLite
                // the upkeep of the state and closed_at indexes (it rewrites an index entry whenever a column of
                // it is set, even to the same value): about half the cost of the update.
                updateProgress = prepare(db, "UPDATE conversations SET last_seq = ?, updated_at = ? WHERE id = ?");
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

    /**
     * The derived columns of recently written conversations as last committed, so that an append needs no read:
     * the writer is the only one who changes them. Emptied after any failure or transaction of its own (retention
     * deletes rows), when it can no longer be sure.
     */
    private final Map<String, ConversationRow> committedRows = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ConversationRow> eldest) {
            return size() > ROWS_REMEMBERED;
        }
    };

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
        } catch (RuntimeException | Error e) {
            log.error("Store writer for {} stopped; writes are refused until the gateway restarts", file, e);
            writable = false;
            throw e;
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
        Map<String, ConversationRow> changed = new HashMap<>();
        int events = 0;
        try {
            Statements q = sql();
            q.begin.execute();
            for (int i = 0; i < batch.size(); i++) {
                Write write = batch.get(i);
                events += write.size();
                try {
                    apply(write, changed);
                } catch (Refused r) {
                    refusals[i] = new IllegalArgumentException(r.getMessage());
                }
            }
            writeRows(changed);
            q.commit.execute();
        } catch (SQLException e) {
            rollbackQuietly();
            if (SqliteFailure.isEnvironmental(e)) {
                cannotWrite(e, batch.size());
                failAll(batch, unavailable(e));
            } else {
                // SQLite refused something the checks did not foresee: find the write at fault, one at a time.
                log.warn("Store {} refused a batch ({}); committing its {} writes one by one", file, e.getMessage(),
                        batch.size());
                commitOneByOne(batch);
            }
            return;
        } catch (RuntimeException | Error e) {
            rollbackQuietly();
            log.error("Store writer failed on a batch of {} writes to {}", batch.size(), file, e);
            failAll(batch, e);
            return;
        }
        long nanos = System.nanoTime() - start;
        committedRows.putAll(changed);
        batchesCommitted.incrementAndGet();
        canWriteAgain();
        tellListener(batch.size(), events, nanos);
        complete(batch, refusals);
    }

    /** The slow path after a surprise: each write in a transaction of its own, so that only the culprit fails. */
    private void commitOneByOne(List<Write> batch) {
        Throwable[] outcomes = new Throwable[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            Write write = batch.get(i);
            Map<String, ConversationRow> changed = new HashMap<>();
            try {
                Statements q = sql();
                q.begin.execute();
                apply(write, changed);
                writeRows(changed);
                q.commit.execute();
                committedRows.putAll(changed);
                batchesCommitted.incrementAndGet();
                canWriteAgain();
            } catch (Refused r) {
                rollbackQuietly();
                outcomes[i] = new IllegalArgumentException(r.getMessage());
            } catch (SQLException e) {
                rollbackQuietly();
                if (SqliteFailure.isEnvironmental(e)) {
                    cannotWrite(e, batch.size() - i);
                    StoreUnavailableException unavailable = unavailable(e);
                    for (int j = i; j < batch.size(); j++) {
                        outcomes[j] = unavailable;
                    }
                    break;
                }
                log.warn("Store {} refused a write: {}", file, e.getMessage());
                outcomes[i] = new IllegalArgumentException("the store refused this write: " + e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                rollbackQuietly();
                log.error("Store writer failed on a write to {}", file, e);
                outcomes[i] = e;
            }
        }
        complete(batch, outcomes);
    }

    /** Completes the futures of a batch, in order, on the completion thread; a null outcome is a success. */
    private void complete(List<Write> batch, Throwable[] outcomes) {
        completions.execute(() -> {
            for (int i = 0; i < batch.size(); i++) {
                CompletableFuture<?> done = futureOf(batch.get(i));
                if (outcomes[i] == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(outcomes[i]);
                }
            }
        });
    }

    /**
     * Checks a write against the rows as this batch has left them so far, then inserts its rows; the conversations'
     * new derived columns go into {@code changed}, written once per batch by {@link #writeRows}. A write that breaks
     * the rules is refused before it touches the database.
     */
    private void apply(Write write, Map<String, ConversationRow> changed) throws SQLException, Refused {
        if (write instanceof OpenWrite open) {
            openConversation(open.conversation(), changed);
        } else if (write instanceof AppendWrite append) {
            appendEvents(append.events(), changed);
        } else {
            throw new IllegalStateException("not a batch write: " + write);
        }
    }

    private void openConversation(NewConversation c, Map<String, ConversationRow> changed)
            throws SQLException, Refused {
        if (row(c.conversationId(), changed) != null) {
            throw new Refused("conversation " + c.conversationId() + " is already stored");
        }
        Statements q = sql();
        long created = c.createdAt().toEpochMilli();
        q.insertConversation.setString(1, c.conversationId());
        q.insertConversation.setString(2, c.tokenHash());
        q.insertConversation.setString(3, ConversationState.BOT.name());
        q.insertConversation.setLong(4, created);
        q.insertConversation.setLong(5, created);
        q.insertConversation.executeUpdate();
        changed.put(c.conversationId(), ConversationRow.opened(created));
    }

    private void appendEvents(List<EncodedEvent> events, Map<String, ConversationRow> changed)
            throws SQLException, Refused {
        // Almost always one conversation; the map keeps several apart when an append spans them.
        Map<String, ConversationRow> after = new HashMap<>(4);
        for (EncodedEvent encoded : events) {
            ConversationEvent e = encoded.event();
            String id = e.conversationId();
            ConversationRow row = after.get(id);
            if (row == null) {
                row = row(id, changed);
                if (row == null) {
                    throw new Refused("conversation " + id + " was never opened");
                }
            }
            if (e.seq() <= row.lastSeq()) {
                throw new Refused("event seq " + e.seq() + " of conversation " + id + " is not after its last seq "
                        + row.lastSeq());
            }
            after.put(id, row.after(e));
        }
        Statements q = sql();
        for (EncodedEvent encoded : events) {
            ConversationEvent e = encoded.event();
            q.insertEvent.setString(1, e.conversationId());
            q.insertEvent.setLong(2, e.seq());
            q.insertEvent.setLong(3, e.at().toEpochMilli());
            q.insertEvent.setString(4, e.body().type());
            q.insertEvent.setString(5, encoded.payload());
            q.insertEvent.setString(6, encoded.label());
            q.insertEvent.setObject(7, encoded.refSeq());
            q.insertEvent.executeUpdate();
        }
        changed.putAll(after);
    }

    /** Writes the derived columns of every conversation the batch changed: one update each, however many events. */
    private void writeRows(Map<String, ConversationRow> changed) throws SQLException {
        if (changed.isEmpty()) {
            return;
        }
        Statements q = sql();
        for (Map.Entry<String, ConversationRow> entry : changed.entrySet()) {
            ConversationRow row = entry.getValue();
            // The row as last committed (cached or read by this batch), or null for one this batch opened.
            ConversationRow before = committedRows.get(entry.getKey());
            if (before != null && onlyProgressed(before, row)) {
                q.updateProgress.setLong(1, row.lastSeq());
                q.updateProgress.setLong(2, row.updatedAt());
                q.updateProgress.setString(3, entry.getKey());
                q.updateProgress.executeUpdate();
                continue;
            }
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

    /** Whether {@code after} differs from {@code before} in its seq and time only. */
    private static boolean onlyProgressed(ConversationRow before, ConversationRow after) {
        return before.state() == after.state() && Objects.equals(before.closedAt(), after.closedAt())
                && Objects.equals(before.queue(), after.queue()) && Objects.equals(before.agentId(), after.agentId())
                && Objects.equals(before.waitingSince(), after.waitingSince());
    }

    /** The row of {@code id} as this batch sees it: changed by it, or as committed (cached, or read); null if none. */
    private ConversationRow row(String id, Map<String, ConversationRow> changed) throws SQLException {
        ConversationRow row = changed.get(id);
        if (row != null) {
            return row;
        }
        row = committedRows.get(id);
        if (row != null) {
            return row;
        }
        Statements q = sql();
        q.selectRow.setString(1, id);
        try (ResultSet rs = q.selectRow.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            row = new ConversationRow(ConversationState.valueOf(rs.getString(1)), rs.getLong(2), rs.getLong(3),
                    nullableLong(rs, 4), rs.getString(5), rs.getString(6), nullableLong(rs, 7));
        }
        committedRows.put(id, row);
        return row;
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
        committedRows.clear();
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
        committedRows.clear();
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
