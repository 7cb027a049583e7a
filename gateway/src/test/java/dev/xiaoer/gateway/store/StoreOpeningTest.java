package dev.xiaoer.gateway.store;

import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.ConversationState;
import dev.xiaoer.gateway.event.EventBody;
import dev.xiaoer.gateway.event.EventBody.BotReplied;
import dev.xiaoer.gateway.event.EventBody.BuyerSaid;
import dev.xiaoer.gateway.event.EventBody.Closed;
import dev.xiaoer.gateway.event.EventBody.HandedOff;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Opening a data folder: a new one, one written by the previous schema version, and the files a store must refuse
 * (damaged, truncated, foreign, newer) without changing a byte of them.
 */
class StoreOpeningTest {

    private static final Instant MORNING = Instant.parse("2025-03-01T09:00:00Z");

    @TempDir
    Path dataDir;

    private Path db() {
        return dataDir.resolve("xiaoer.db");
    }

    @Test
    void anEmptyFolderGetsTheLatestSchema() throws Exception {
        SqliteConversationStore.open(dataDir).close();

        try (Connection c = connect()) {
            assertEquals(List.of(1, 2), appliedVersions(c));
            assertTrue(columns(c, "conversations").containsAll(Set.of("queue", "agent_id", "waiting_since")));
            assertTrue(columns(c, "events").containsAll(Set.of("label", "ref_seq")));
        }
    }

    @Test
    void aVersion1StoreIsMigratedKeepingEveryConversationAndFillingTheNewColumns() throws Exception {
        try (Connection c = connect()) {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA journal_mode = WAL");
            }
            Migrations.migrate(c, db(), 0, 1, MORNING.toEpochMilli());
            // What the V1 writer stored: a buyer who waits for the refunds team, one the bot could not answer, and
            // one who is done.
            insertV1Conversation(c, "waiting", ConversationState.WAITING, 2, null);
            insertV1Event(c, "waiting", 1, 1, new BuyerSaid("m1", "我要退款", null));
            insertV1Event(c, "waiting", 2, 2, new HandedOff("refunds", "退款组", 1, "退款", "keyword", false));
            insertV1Conversation(c, "puzzled", ConversationState.BOT, 2, null);
            insertV1Event(c, "puzzled", 1, 3, new BuyerSaid("m1", "能开发票吗", null));
            insertV1Event(c, "puzzled", 2, 3, new BotReplied(1, "unknown", "抱歉", null, 0.1, List.of()));
            insertV1Conversation(c, "done", ConversationState.CLOSED, 2, minute(5));
            insertV1Event(c, "done", 1, 4, new BuyerSaid("m1", "谢谢", null));
            insertV1Event(c, "done", 2, 5, new Closed("buyer", "bye"));
        }

        try (SqliteConversationStore store = SqliteConversationStore.open(dataDir)) {
            List<StoredConversation> open = store.openConversations();
            assertEquals(Set.of("waiting", "puzzled"),
                    open.stream().map(s -> s.summary().conversationId()).collect(Collectors.toSet()));
            StoredConversation restored = open.stream()
                    .filter(s -> s.summary().conversationId().equals("waiting")).findFirst().orElseThrow();
            ConversationSummary waiting = restored.summary();
            assertEquals(ConversationState.WAITING, waiting.state());
            assertEquals("refunds", waiting.queue());
            assertEquals(at(2), waiting.waitingSince());
            assertEquals(new BuyerSaid("m1", "我要退款", null), restored.events().get(0).body());

            assertEquals(List.of(new UnansweredQuestion("puzzled", 1, at(3), "能开发票吗", 2)),
                    store.unansweredQuestions(MORNING, at(60), 10));
            assertEquals(ConversationState.CLOSED, store.transcript("done").orElseThrow().summary().state());

            // And the migrated store carries on where V1 stopped.
            store.append(List.of(new ConversationEvent("waiting", 3, at(9),
                    new EventBody.AgentJoined("a1", "小李", "auto")))).get(30, TimeUnit.SECONDS);
            assertEquals("a1", store.conversation("waiting").orElseThrow().agentId());
        }
        try (Connection c = connect()) {
            assertEquals(List.of(1, 2), appliedVersions(c));
        }
    }

    @Test
    void aMigrationThatFailsLeavesTheStoreAtItsPreviousVersion() throws Exception {
        try (Connection c = connect()) {
            Migrations.migrate(c, db(), 0, 1, MORNING.toEpochMilli());
            insertV1Conversation(c, "c1", ConversationState.BOT, 1, null);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO events (conversation_id, seq, at, type, "
                    + "payload) VALUES ('c1', 1, 0, 'buyer_message', 'this is not json')")) {
                ps.executeUpdate();
            }
        }

        StoreOpenException e = assertThrows(StoreOpenException.class, () -> SqliteConversationStore.open(dataDir));

        assertEquals(StoreOpenException.Problem.MIGRATION_FAILED, e.problem());
        assertTrue(e.getMessage().contains(db().toString()) && e.getMessage().contains("version 1 to 2"),
                e.getMessage());
        try (Connection c = connect()) {
            assertEquals(List.of(1), appliedVersions(c));
            assertFalse(columns(c, "events").contains("label"), "the V2 columns were rolled back with it");
        }
    }

    @Test
    void aStoreFromANewerXiaoerIsRefusedNamingTheFileAndLeftUntouched() throws Exception {
        SqliteConversationStore.open(dataDir).close();
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO schema_version (version, description, applied_at) VALUES (7, 'future', 0)");
        }
        String before = sha256(db());

        StoreOpenException e = assertThrows(StoreOpenException.class, () -> SqliteConversationStore.open(dataDir));

        assertEquals(StoreOpenException.Problem.NEWER_SCHEMA, e.problem());
        assertEquals(db(), e.file());
        assertTrue(e.getMessage().contains(db().toString()) && e.getMessage().contains("version 7"), e.getMessage());
        assertEquals(before, sha256(db()));
    }

    @Test
    void aFileThatIsNotADatabaseIsRefusedAndNeverRecreated() throws Exception {
        Files.writeString(db(), "买家的订单备忘录，不是数据库。".repeat(100));
        String before = sha256(db());

        StoreOpenException e = assertThrows(StoreOpenException.class, () -> SqliteConversationStore.open(dataDir));

        assertEquals(StoreOpenException.Problem.CORRUPT, e.problem());
        assertTrue(e.getMessage().contains(db().toString()), e.getMessage());
        assertEquals(before, sha256(db()));
    }

    @Test
    void aTruncatedDatabaseIsRefusedAndNeverRecreated() throws Exception {
        try (SqliteConversationStore store = SqliteConversationStore.open(dataDir)) {
            store.open(new NewConversation("c1", "h", MORNING)).get(30, TimeUnit.SECONDS);
            for (long seq = 1; seq <= 400; seq++) {
                store.append(List.of(new ConversationEvent("c1", seq, MORNING,
                        new BuyerSaid("m" + seq, "一段很长的留言 ".repeat(20), null))));
            }
            store.append(List.of(new ConversationEvent("c1", 401, MORNING, new Closed("buyer", "bye"))))
                    .get(30, TimeUnit.SECONDS);
        }
        assertFalse(Files.exists(dataDir.resolve("xiaoer.db-wal")), "closing checkpoints the log into the file");
        long size = Files.size(db());
        try (FileChannel file = FileChannel.open(db(), StandardOpenOption.WRITE)) {
            file.truncate(size / 2);
        }
        String before = sha256(db());

        StoreOpenException e = assertThrows(StoreOpenException.class, () -> SqliteConversationStore.open(dataDir));

        assertEquals(StoreOpenException.Problem.CORRUPT, e.problem());
        assertTrue(e.getMessage().contains(db().toString()) && e.getMessage().contains("truncated"), e.getMessage());
        assertEquals(before, sha256(db()));
        assertEquals(size / 2, Files.size(db()));
    }

    @Test
    void aFileShorterThanAnSqliteHeaderIsRefused() throws Exception {
        Files.write(db(), "SQLite format 3\0 and then nothing".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

        StoreOpenException e = assertThrows(StoreOpenException.class, () -> SqliteConversationStore.open(dataDir));

        assertEquals(StoreOpenException.Problem.CORRUPT, e.problem());
        assertTrue(e.getMessage().contains(db().toString()), e.getMessage());
    }

    @Test
    void aDatabaseWithADamagedPageIsRefused() throws Exception {
        SqliteConversationStore.open(dataDir).close();
        long size = Files.size(db());
        try (FileChannel file = FileChannel.open(db(), StandardOpenOption.WRITE)) {
            // Scribble over everything after the first page's header: the schema itself becomes unreadable.
            byte[] junk = new byte[(int) size - 100];
            java.util.Arrays.fill(junk, (byte) 0x5A);
            file.write(java.nio.ByteBuffer.wrap(junk), 100);
        }

        StoreOpenException e = assertThrows(StoreOpenException.class, () -> SqliteConversationStore.open(dataDir));

        assertEquals(StoreOpenException.Problem.CORRUPT, e.problem());
        assertTrue(e.getMessage().contains(db().toString()), e.getMessage());
    }

    @Test
    void aForeignSqliteDatabaseIsRefused() throws Exception {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
        }
        String before = sha256(db());

        StoreOpenException e = assertThrows(StoreOpenException.class, () -> SqliteConversationStore.open(dataDir));

        assertEquals(StoreOpenException.Problem.FOREIGN, e.problem());
        assertTrue(e.getMessage().contains(db().toString()) && e.getMessage().contains("customers"), e.getMessage());
        assertEquals(before, sha256(db()));
    }

    @Test
    void aLogWithoutItsDatabaseIsRefusedRatherThanStartingEmpty() throws Exception {
        Files.write(dataDir.resolve("xiaoer.db-wal"), new byte[4096]);

        StoreOpenException e = assertThrows(StoreOpenException.class, () -> SqliteConversationStore.open(dataDir));

        assertEquals(StoreOpenException.Problem.CORRUPT, e.problem());
        assertFalse(Files.exists(db()));
    }

    @Test
    void everyMigrationScriptIsListedOnceInVersionOrder() throws IOException, URISyntaxException {
        URL dir = Migrations.class.getResource(Migrations.RESOURCE_DIR);
        List<String> scripts;
        try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
            scripts = files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
        List<String> listed = new ArrayList<>();
        for (int i = 0; i < Migrations.ALL.size(); i++) {
            Migrations.Migration m = Migrations.ALL.get(i);
            assertEquals(i + 1, m.version());
            assertTrue(m.script().startsWith("V" + m.version() + "__"), m.script());
            listed.add(m.script());
        }
        assertEquals(scripts, listed);
    }

    // ---- helpers

    private Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + db());
    }

    private static Instant at(int minutes) {
        return MORNING.plusSeconds(60L * minutes);
    }

    private static Long minute(int minutes) {
        return at(minutes).toEpochMilli();
    }

    private static void insertV1Conversation(Connection c, String id, ConversationState state, long lastSeq,
                                             Long closedAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO conversations (id, token_hash, state, last_seq, "
                + "created_at, updated_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, "hash-" + id);
            ps.setString(3, state.name());
            ps.setLong(4, lastSeq);
            ps.setLong(5, MORNING.toEpochMilli());
            ps.setLong(6, MORNING.toEpochMilli());
            ps.setObject(7, closedAt);
            ps.executeUpdate();
        }
    }

    private static void insertV1Event(Connection c, String id, long seq, int minute, EventBody body)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO events (conversation_id, seq, at, type, payload) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setLong(2, seq);
            ps.setLong(3, minute(minute));
            ps.setString(4, body.type());
            ps.setString(5, EventCodec.payload(body));
            ps.executeUpdate();
        }
    }

    private static List<Integer> appliedVersions(Connection c) throws SQLException {
        List<Integer> versions = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version FROM schema_version ORDER BY version")) {
            while (rs.next()) {
                versions.add(rs.getInt(1));
            }
        }
        return versions;
    }

    private static Set<String> columns(Connection c, String table) throws SQLException {
        Set<String> names = new TreeSet<>();
        try (ResultSet rs = c.getMetaData().getColumns(null, null, table, "%")) {
            while (rs.next()) {
                names.add(rs.getString("COLUMN_NAME"));
            }
        }
        return names;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
