package dev.xiaoer.gateway.store;

import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.EventBody;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The schema's versions and how to reach the latest from any earlier one. Each migration is a script on the
 * classpath ({@code migrations/V<n>__<what>.sql}), optionally followed by a step in Java that fills new columns
 * from what is already stored, and runs in one transaction with the row that records it in {@code schema_version}:
 * a migration either happens entirely or not at all.
 */
final class Migrations {

    /** One version of the schema. */
    record Migration(int version, String script, Backfill backfill) {
        String description() {
            return script.substring(script.indexOf("__") + 2, script.length() - ".sql".length()).replace('_', ' ');
        }
    }

    /** Fills what a migration's script added, from the data already stored. */
    @FunctionalInterface
    interface Backfill {
        void run(Connection db) throws SQLException;

        Backfill NONE = db -> { };
    }

    /** Every version, oldest first; a new version is a new script here and an entry in this list. */
    static final List<Migration> ALL = List.of(
            new Migration(1, "V1__base_tables.sql", Backfill.NONE),
            new Migration(2, "V2__queue_and_report_columns.sql", Migrations::fillQueueAndReportColumns));

    static final String RESOURCE_DIR = "migrations/";

    private static final int PAGE = 1_000;

    private Migrations() {
    }

    /** The version this code writes. */
    static int latest() {
        return ALL.get(ALL.size() - 1).version();
    }

    /**
     * The schema version of the database behind {@code db}: 0 when it holds no table at all (a new file).
     *
     * @throws StoreOpenException when it holds tables but is not a Xiaoer store
     */
    static int versionOf(Connection db, Path file) throws SQLException {
        Set<String> tables = new TreeSet<>();
        try (ResultSet rs = db.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                String name = rs.getString("TABLE_NAME");
                if (!name.startsWith("sqlite_")) {
                    tables.add(name);
                }
            }
        }
        if (tables.isEmpty()) {
            return 0;
        }
        if (!tables.contains("schema_version")) {
            throw new StoreOpenException(StoreOpenException.Problem.FOREIGN, file, file + " is an SQLite database "
                    + "but not a Xiaoer store (it has the tables " + tables + " and no schema_version). Point the "
                    + "gateway at another data folder; this file was not changed.", null);
        }
        try (Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT MAX(version) FROM schema_version")) {
            int version = rs.next() ? rs.getInt(1) : 0;
            if (version <= 0) {
                throw new StoreOpenException(StoreOpenException.Problem.FOREIGN, file, file + " has an empty "
                        + "schema_version table: it is not a store this gateway wrote. This file was not changed.",
                        null);
            }
            return version;
        }
    }

    /**
     * Applies every migration above {@code from} up to {@code to}, each in its own transaction.
     *
     * @throws StoreOpenException naming the file and the version when one fails; earlier ones stay applied
     */
    static void migrate(Connection db, Path file, int from, int to, long now) {
        for (Migration m : ALL) {
            if (m.version() <= from || m.version() > to) {
                continue;
            }
            try (Statement st = db.createStatement()) {
                st.execute("BEGIN IMMEDIATE");
                try {
                    for (String sql : statements(m.script())) {
                        st.execute(sql);
                    }
                    m.backfill().run(db);
                    try (PreparedStatement insert = db.prepareStatement(
                            "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
                        insert.setInt(1, m.version());
                        insert.setString(2, m.description());
                        insert.setLong(3, now);
                        insert.executeUpdate();
                    }
                    st.execute("COMMIT");
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(st);
                    throw e;
                }
            } catch (SQLException | RuntimeException e) {
                int at = m.version() - 1;
                throw new StoreOpenException(StoreOpenException.Problem.MIGRATION_FAILED, file, "Could not migrate "
                        + file + " from schema version " + at + " to " + m.version() + " (" + m.description()
                        + "): " + e.getMessage() + ". The file was left at version " + at + ".", e);
            }
        }
    }

    /** The statements of a migration script: {@code --} comment lines dropped, split at semicolons. */
    static List<String> statements(String script) {
        String text = read(RESOURCE_DIR + script);
        StringBuilder code = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.strip().startsWith("--")) {
                code.append(line).append('\n');
            }
        }
        List<String> out = new ArrayList<>();
        for (String sql : code.toString().split(";")) {
            if (!sql.isBlank()) {
                out.add(sql.strip());
            }
        }
        return out;
    }

    private static String read(String resource) {
        try (InputStream in = Migrations.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("migration script " + resource + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read migration script " + resource, e);
        }
    }

    /**
     * V2: fills {@code events.label}, {@code events.ref_seq} and the conversations' queue, agent and waiting time
     * for everything written under V1, by folding each conversation's events in order. Reads a page of events at a
     * time so that a large store does not need to fit in memory.
     */
    private static void fillQueueAndReportColumns(Connection db) throws SQLException {
        Map<String, Long> createdAt = new HashMap<>();
        try (Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, created_at FROM conversations")) {
            while (rs.next()) {
                createdAt.put(rs.getString(1), rs.getLong(2));
            }
        }
        try (PreparedStatement page = db.prepareStatement("SELECT conversation_id, seq, at, type, payload FROM events"
                + " WHERE conversation_id > ? OR (conversation_id = ? AND seq > ?)"
                + " ORDER BY conversation_id, seq LIMIT " + PAGE);
             PreparedStatement label = db.prepareStatement(
                     "UPDATE events SET label = ?, ref_seq = ? WHERE conversation_id = ? AND seq = ?");
             PreparedStatement row = db.prepareStatement(
                     "UPDATE conversations SET queue = ?, agent_id = ?, waiting_since = ? WHERE id = ?")) {
            String lastId = "";
            long lastSeq = 0;
            String current = null;
            ConversationRow folded = null;
            while (true) {
                page.setString(1, lastId);
                page.setString(2, lastId);
                page.setLong(3, lastSeq);
                List<ConversationEvent> events = new ArrayList<>(PAGE);
                try (ResultSet rs = page.executeQuery()) {
                    while (rs.next()) {
                        String id = rs.getString(1);
                        long seq = rs.getLong(2);
                        EventBody body = EventCodec.body(rs.getString(4), rs.getString(5));
                        events.add(new ConversationEvent(id, seq, Instant.ofEpochMilli(rs.getLong(3)), body));
                    }
                }
                for (ConversationEvent e : events) {
                    String l = EventCodec.label(e.body());
                    Long ref = EventCodec.refSeq(e.body());
                    label.setString(1, l);
                    label.setObject(2, ref);
                    label.setString(3, e.conversationId());
                    label.setLong(4, e.seq());
                    label.addBatch();
                    if (!e.conversationId().equals(current)) {
                        updateRow(row, current, folded);
                        current = e.conversationId();
                        Long created = createdAt.get(current);
                        folded = ConversationRow.opened(created == null ? e.at().toEpochMilli() : created);
                    }
                    folded = folded.after(e);
                }
                label.executeBatch();
                if (events.size() < PAGE) {
                    break;
                }
                ConversationEvent last = events.get(events.size() - 1);
                lastId = last.conversationId();
                lastSeq = last.seq();
            }
            updateRow(row, current, folded);
        }
    }

    private static void updateRow(PreparedStatement update, String id, ConversationRow row) throws SQLException {
        if (id == null) {
            return;
        }
        update.setString(1, row.queue());
        update.setString(2, row.agentId());
        update.setObject(3, row.waitingSince());
        update.setString(4, id);
        update.executeUpdate();
    }

    private static void rollbackQuietly(Statement st) {
        try {
            st.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // SQLite may already have rolled back (after SQLITE_FULL, for one); the original failure is what counts.
        }
    }
}
