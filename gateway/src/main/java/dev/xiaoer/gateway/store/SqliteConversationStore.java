package dev.xiaoer.gateway.store;

import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.ConversationState;
import dev.xiaoer.gateway.event.EventBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The conversation store of a gateway on one machine: an SQLite database ({@value DataFolder#DATABASE}) in a data
 * folder, written by one thread with group commit and read through a few concurrent read connections.
 *
 * <p><b>Durable before acknowledged.</b> The database runs in WAL mode with {@code synchronous=FULL}: every commit
 * syncs the write-ahead log to disk before the commit returns, so a completed future survives a crash of the
 * process and a power cut. ({@code NORMAL} would only sync at checkpoints: a power cut could then take back commits
 * that buyers were told about.) The cost of that sync is shared by every write of a batch, which is what group
 * commit is for.
 *
 * <p><b>Threads.</b> {@value GroupCommitWriter#THREAD_NAME} owns the write connection; futures are completed on
 * {@value #COMPLETION_THREAD}, in submission order, so callbacks never run on — or delay — the writer. Reads run on
 * the calling thread.
 *
 * <p>Open one with {@link #open(Path)}; it migrates the schema on the way and refuses, with a {@link
 * StoreOpenException} naming the file, a database that is damaged, foreign, newer than this code, or in use.
 */
public final class SqliteConversationStore implements ConversationStore {

    static final String COMPLETION_THREAD = "xiaoer-store-ack";

    private static final Logger log = LoggerFactory.getLogger(SqliteConversationStore.class);

    private static final String SUMMARY_COLUMNS = "id, token_hash, state, last_seq, created_at, updated_at, "
            + "closed_at, queue, agent_id, waiting_since";
    private static final String OPEN_STATES = "('" + ConversationState.BOT + "', '" + ConversationState.WAITING
            + "', '" + ConversationState.WITH_AGENT + "')";
    private static final long WAL_SIZE_LIMIT_BYTES = 64L * 1024 * 1024;
    /**
     * Log pages after which a commit copies the log into the file (SQLite's default is 1,000). Each checkpoint
     * copies every page the log holds once, however often it changed since: the same hot pages (the ends of the
     * events table and its indexes, the rows of busy conversations) change in nearly every commit, so a longer
     * log copies far fewer pages per event. 4,000 pages is 16 MiB of log at most between checkpoints.
     */
    private static final int WAL_CHECKPOINT_PAGES = 4_000;

    private final DataFolder folder;
    private final Path file;
    private final StoreOptions options;
    private final Connection writeConnection;
    private final GroupCommitWriter writer;
    private final Thread writerThread;
    private final ExecutorService completions;
    private final ReadConnections readers;
    /** Submissions hold it shared; close holds it alone, so no write can slip in behind the stop. */
    private final ReadWriteLock submitLock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private SqliteConversationStore(DataFolder folder, StoreOptions options, Connection writeConnection,
                                    List<Connection> readConnections) throws SQLException {
        this.folder = folder;
        this.file = folder.database();
        this.options = options;
        this.writeConnection = writeConnection;
        this.completions = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, COMPLETION_THREAD);
            t.setDaemon(true);
            return t;
        });
        this.writer = new GroupCommitWriter(writeConnection, file, options, completions);
        this.readers = new ReadConnections(file, readConnections);
        // Daemon: an acknowledged write is already on disk, so nothing acknowledged is lost if the JVM exits
        // without closing the store; close() is still what flushes writes that are not acknowledged yet.
        this.writerThread = new Thread(writer, GroupCommitWriter.THREAD_NAME);
        this.writerThread.setDaemon(true);
        this.writerThread.start();
    }

    /** Opens (creating it if needed) the store in {@code dataDir} with the default options. */
    public static SqliteConversationStore open(Path dataDir) {
        return open(dataDir, StoreOptions.defaults());
    }

    /**
     * Opens the store in {@code dataDir}, creating the folder and the database if missing and migrating an older
     * schema to the current one.
     *
     * @throws StoreOpenException naming the file and what to do, when it cannot
     */
    public static SqliteConversationStore open(Path dataDir, StoreOptions options) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(options, "options");
        DataFolder folder = DataFolder.claim(dataDir);
        Connection writeConnection = null;
        List<Connection> readConnections = new ArrayList<>();
        try {
            folder.checkDatabaseFile();
            Path file = folder.database();
            writeConnection = openWriteConnection(file, options);
            for (int i = 0; i < options.readConnections(); i++) {
                readConnections.add(connect(file, options));
            }
            SqliteConversationStore store = new SqliteConversationStore(folder, options, writeConnection,
                    readConnections);
            log.info("Store {} open (schema version {}, WAL, synchronous=FULL)", file, Migrations.latest());
            return store;
        } catch (SQLException e) {
            closeAll(writeConnection, readConnections);
            folder.close();
            throw openFailure(folder.database(), e);
        } catch (RuntimeException | Error e) {
            closeAll(writeConnection, readConnections);
            folder.close();
            throw e;
        }
    }

    private static Connection openWriteConnection(Path file, StoreOptions options) throws SQLException {
        Connection db = connect(file, options);
        try {
            int version = Migrations.versionOf(db, file);
            if (version > Migrations.latest()) {
                throw new StoreOpenException(StoreOpenException.Problem.NEWER_SCHEMA, file, file + " has schema "
                        + "version " + version + ", but this gateway knows versions up to " + Migrations.latest()
                        + ": it was written by a newer Xiaoer. Run that version (or newer), or restore a backup "
                        + "made for this one. The file was not changed.", null);
            }
            // Only now that the file is known to be ours may it be changed (WAL mode is recorded in the file).
            try (Statement st = db.createStatement()) {
                try (ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
                    String mode = rs.next() ? rs.getString(1) : "?";
                    if (!"wal".equalsIgnoreCase(mode)) {
                        throw new StoreOpenException(StoreOpenException.Problem.UNREADABLE, file, "Could not switch "
                                + file + " to WAL mode (it stayed in '" + mode + "' mode). Is the folder on a "
                                + "network file system? Use a local disk.", null);
                    }
                }
                st.execute("PRAGMA synchronous = FULL");
                st.execute("PRAGMA journal_size_limit = " + WAL_SIZE_LIMIT_BYTES);
                st.execute("PRAGMA wal_autocheckpoint = " + WAL_CHECKPOINT_PAGES);
            }
            if (version < Migrations.latest()) {
                Migrations.migrate(db, file, version, Migrations.latest(), System.currentTimeMillis());
                if (version > 0) {
                    log.info("Store {} migrated from schema version {} to {}", file, version, Migrations.latest());
                }
            }
            return db;
        } catch (SQLException | RuntimeException e) {
            closeAll(db, List.of());
            throw e;
        }
    }

    private static Connection connect(Path file, StoreOptions options) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout((int) options.busyTimeout().toMillis());
        // Nothing here reads generated keys; left on, the driver runs "SELECT last_insert_rowid()" after every
        // INSERT, which cost the writer about a quarter of its time per event under load (loadtest/README.md).
        config.setGetGeneratedKeys(false);
        return config.createConnection("jdbc:sqlite:" + file);
    }

    private static StoreOpenException openFailure(Path file, SQLException e) {
        int code = SqliteFailure.primaryCode(e);
        if (code == SqliteFailure.NOTADB || code == SqliteFailure.CORRUPT) {
            return DataFolder.corrupt(file, file + " is damaged: SQLite says \"" + e.getMessage() + "\".", e);
        }
        return new StoreOpenException(StoreOpenException.Problem.UNREADABLE, file, "Could not open " + file + ": "
                + SqliteFailure.describe(e) + ": " + e.getMessage() + ". The file was not changed.", e);
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    @Override
    public CompletableFuture<Void> open(NewConversation conversation) {
        Objects.requireNonNull(conversation, "conversation");
        return submit(new GroupCommitWriter.OpenWrite(conversation, new CompletableFuture<>()));
    }

    @Override
    public CompletableFuture<Void> append(List<ConversationEvent> events) {
        Objects.requireNonNull(events, "events");
        if (events.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<EncodedEvent> encoded = new ArrayList<>(events.size());
        try {
            for (ConversationEvent e : events) {
                encoded.add(EncodedEvent.of(Objects.requireNonNull(e, "event")));
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return submit(new GroupCommitWriter.AppendWrite(List.copyOf(encoded), new CompletableFuture<>()));
    }

    private <T> CompletableFuture<T> submit(GroupCommitWriter.Write write) {
        @SuppressWarnings("unchecked")
        CompletableFuture<T> done = (CompletableFuture<T>) futureOf(write);
        submitLock.readLock().lock();
        try {
            if (closed) {
                return CompletableFuture.failedFuture(
                        new StoreUnavailableException("the store " + file + " is closed", null));
            }
            if (!writerThread.isAlive()) {
                return CompletableFuture.failedFuture(new StoreUnavailableException("the writer of the store "
                        + file + " has stopped (see the log); restart the gateway", null));
            }
            if (!writer.offer(write)) {
                return CompletableFuture.failedFuture(new StoreUnavailableException("the store " + file + " has "
                        + options.writeQueueLimit() + " writes waiting for the disk; try again shortly", null));
            }
        } finally {
            submitLock.readLock().unlock();
        }
        return done;
    }

    private static CompletableFuture<?> futureOf(GroupCommitWriter.Write write) {
        if (write instanceof GroupCommitWriter.OpenWrite w) {
            return w.done();
        } else if (write instanceof GroupCommitWriter.AppendWrite w) {
            return w.done();
        } else if (write instanceof GroupCommitWriter.Task<?> w) {
            return w.done();
        }
        throw new IllegalArgumentException("nothing to wait for in " + write);
    }

    /** Runs {@code work} on the writer thread in a transaction of its own, after every write queued before it. */
    <T> CompletableFuture<T> onWriter(GroupCommitWriter.Work<T> work) {
        return submit(new GroupCommitWriter.Task<>(work, true, new CompletableFuture<>()));
    }

    /**
     * Runs {@code work} on the writer's connection outside any transaction, after every write queued before it:
     * for connection settings ({@code PRAGMA max_page_count} in the disk-full tests).
     */
    <T> CompletableFuture<T> onWriterConnection(GroupCommitWriter.Work<T> work) {
        return submit(new GroupCommitWriter.Task<>(work, false, new CompletableFuture<>()));
    }

    /** Writes waiting for the writer thread right now (for a metrics gauge). */
    @Override
    public int queuedWrites() {
        return writer.queued();
    }

    /** How many batches of opens and appends the writer committed so far. */
    long batchesCommitted() {
        return writer.batchesCommitted();
    }

    /** How many transactions of their own (retention chunks) the writer committed so far. */
    long tasksCommitted() {
        return writer.tasksCommitted();
    }

    @Override
    public List<StoredConversation> openConversations() {
        return readers.read("the open conversations", db -> {
            Map<String, ConversationSummary> summaries = new LinkedHashMap<>();
            try (Statement st = db.createStatement();
                 ResultSet rs = st.executeQuery("SELECT " + SUMMARY_COLUMNS + " FROM conversations WHERE state IN "
                         + OPEN_STATES + " ORDER BY created_at, id")) {
                while (rs.next()) {
                    ConversationSummary s = summary(rs);
                    summaries.put(s.conversationId(), s);
                }
            }
            Map<String, List<ConversationEvent>> events = new HashMap<>();
            try (Statement st = db.createStatement();
                 ResultSet rs = st.executeQuery("SELECT e.conversation_id, e.seq, e.at, e.type, e.payload "
                         + "FROM events e JOIN conversations c ON c.id = e.conversation_id "
                         + "WHERE c.state IN " + OPEN_STATES + " ORDER BY e.conversation_id, e.seq")) {
                while (rs.next()) {
                    ConversationEvent e = event(rs);
                    events.computeIfAbsent(e.conversationId(), id -> new ArrayList<>()).add(e);
                }
            }
            List<StoredConversation> out = new ArrayList<>(summaries.size());
            for (ConversationSummary s : summaries.values()) {
                out.add(new StoredConversation(s, events.getOrDefault(s.conversationId(), List.of())));
            }
            return out;
        });
    }

    @Override
    public Optional<ConversationSummary> conversation(String conversationId) {
        Objects.requireNonNull(conversationId, "conversationId");
        return readers.read("conversation " + conversationId, db -> Optional.ofNullable(summary(db, conversationId)));
    }

    @Override
    public List<ConversationEvent> events(String conversationId, long afterSeq, int limit) {
        Objects.requireNonNull(conversationId, "conversationId");
        requireLimit(limit);
        return readers.read("the events of conversation " + conversationId,
                db -> events(db, conversationId, afterSeq, limit));
    }

    @Override
    public Optional<StoredConversation> transcript(String conversationId) {
        Objects.requireNonNull(conversationId, "conversationId");
        return readers.read("the transcript of conversation " + conversationId, db -> {
            ConversationSummary s = summary(db, conversationId);
            if (s == null) {
                return Optional.empty();
            }
            return Optional.of(new StoredConversation(s, events(db, conversationId, 0, Integer.MAX_VALUE)));
        });
    }

    @Override
    public List<UnansweredQuestion> unansweredQuestions(Instant from, Instant to, int limit) {
        requireWindow(from, to);
        requireLimit(limit);
        return readers.read("unanswered questions", db -> {
            List<UnansweredQuestion> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement("SELECT r.conversation_id, r.seq, q.seq, q.at, "
                    + "q.type, q.payload FROM events r JOIN events q "
                    + "ON q.conversation_id = r.conversation_id AND q.seq = r.ref_seq "
                    + "WHERE r.type = 'bot_reply' AND r.label = ? AND r.at >= ? AND r.at < ? "
                    + "AND q.type = 'buyer_message' "
                    + "ORDER BY r.at DESC, r.conversation_id, r.seq DESC LIMIT ?")) {
                ps.setString(1, UnansweredQuestion.BAND);
                ps.setLong(2, from.toEpochMilli());
                ps.setLong(3, to.toEpochMilli());
                ps.setInt(4, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String id = rs.getString(1);
                        long questionSeq = rs.getLong(3);
                        EventBody body = decode(id, questionSeq, rs.getString(5), rs.getString(6));
                        out.add(new UnansweredQuestion(id, questionSeq, Instant.ofEpochMilli(rs.getLong(4)),
                                ((EventBody.BuyerSaid) body).text(), rs.getLong(2)));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void forEachEventBetween(Instant from, Instant to, Set<String> types,
                                    Consumer<? super ConversationEvent> action) {
        requireWindow(from, to);
        Objects.requireNonNull(types, "types");
        Objects.requireNonNull(action, "action");
        // Naming every type when none is asked for lets the (type, at) index serve the query either way.
        List<String> wanted = new ArrayList<>(types.isEmpty() ? EventCodec.TYPES : types);
        Collections.sort(wanted);
        String marks = wanted.stream().map(t -> "?").collect(Collectors.joining(", "));
        readers.read("events between " + from + " and " + to, db -> {
            try (PreparedStatement ps = db.prepareStatement("SELECT conversation_id, seq, at, type, payload "
                    + "FROM events WHERE type IN (" + marks + ") AND at >= ? AND at < ? "
                    + "ORDER BY at, conversation_id, seq")) {
                int i = 1;
                for (String type : wanted) {
                    ps.setString(i++, type);
                }
                ps.setLong(i++, from.toEpochMilli());
                ps.setLong(i, to.toEpochMilli());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        action.accept(event(rs));
                    }
                }
            }
            return null;
        });
    }

    @Override
    public int deleteClosedBefore(Instant cutoff) {
        Objects.requireNonNull(cutoff, "cutoff");
        int chunk = options.deleteChunk();
        int total = 0;
        while (true) {
            int deleted = await(onWriter(db -> deleteChunk(db, cutoff.toEpochMilli(), chunk)));
            total += deleted;
            if (deleted < chunk) {
                return total;
            }
        }
    }

    /** Deletes up to {@code chunk} conversations closed before {@code cutoff}, events first, in the caller's transaction. */
    private static int deleteChunk(Connection db, long cutoff, int chunk) throws SQLException {
        List<String> ids = new ArrayList<>(chunk);
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT id FROM conversations WHERE closed_at < ? ORDER BY closed_at LIMIT ?")) {
            ps.setLong(1, cutoff);
            ps.setInt(2, chunk);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        if (ids.isEmpty()) {
            return 0;
        }
        try (PreparedStatement events = db.prepareStatement("DELETE FROM events WHERE conversation_id = ?");
             PreparedStatement conversations = db.prepareStatement("DELETE FROM conversations WHERE id = ?")) {
            for (String id : ids) {
                events.setString(1, id);
                events.addBatch();
                conversations.setString(1, id);
                conversations.addBatch();
            }
            events.executeBatch();
            conversations.executeBatch();
        }
        return ids.size();
    }

    @Override
    public boolean writable() {
        return !closed && writer.writable() && writerThread.isAlive();
    }

    /**
     * Refuses new writes, commits every write submitted before, then closes the database and releases the folder.
     * Safe to call more than once.
     */
    @Override
    public void close() {
        submitLock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (writerThread.isAlive()) {
                writer.stop();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            submitLock.writeLock().unlock();
        }
        try {
            writerThread.join();
            completions.shutdown();
            if (!completions.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("Store {}: callbacks of completed writes still running after 10 s", file);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            readers.close();
            closeAll(writeConnection, List.of());
            folder.close();
            log.info("Store {} closed", file);
        }
    }

    private static ConversationSummary summary(Connection db, String conversationId) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT " + SUMMARY_COLUMNS + " FROM conversations WHERE id = ?")) {
            ps.setString(1, conversationId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? summary(rs) : null;
            }
        }
    }

    private static List<ConversationEvent> events(Connection db, String conversationId, long afterSeq, int limit)
            throws SQLException {
        List<ConversationEvent> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT conversation_id, seq, at, type, payload FROM events "
                + "WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?")) {
            ps.setString(1, conversationId);
            ps.setLong(2, afterSeq);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(event(rs));
                }
            }
        }
        return out;
    }

    /** A summary from the columns {@link #SUMMARY_COLUMNS}, in that order. */
    private static ConversationSummary summary(ResultSet rs) throws SQLException {
        return new ConversationSummary(rs.getString(1), rs.getString(2), ConversationState.valueOf(rs.getString(3)),
                rs.getLong(4), Instant.ofEpochMilli(rs.getLong(5)), Instant.ofEpochMilli(rs.getLong(6)),
                instantOrNull(rs, 7), rs.getString(8), rs.getString(9), instantOrNull(rs, 10));
    }

    /** An event from the columns conversation_id, seq, at, type, payload, in that order. */
    private static ConversationEvent event(ResultSet rs) throws SQLException {
        String id = rs.getString(1);
        long seq = rs.getLong(2);
        EventBody body = decode(id, seq, rs.getString(4), rs.getString(5));
        return new ConversationEvent(id, seq, Instant.ofEpochMilli(rs.getLong(3)), body);
    }

    private static EventBody decode(String conversationId, long seq, String type, String payload) {
        try {
            return EventCodec.body(type, payload);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("conversation " + conversationId + ", event " + seq + ": "
                    + e.getMessage(), e);
        }
    }

    private static Instant instantOrNull(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static void requireLimit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, was " + limit);
        }
    }

    private static void requireWindow(Instant from, Instant to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("the window ends (" + to + ") before it starts (" + from + ")");
        }
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for the store", e);
        }
    }

    private static void closeAll(Connection writeConnection, List<Connection> others) {
        List<Connection> all = new ArrayList<>(others);
        if (writeConnection != null) {
            all.add(writeConnection);
        }
        for (Connection c : all) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing after a failure; the failure is what gets reported
            }
        }
    }
}
