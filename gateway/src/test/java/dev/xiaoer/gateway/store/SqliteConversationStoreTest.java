package dev.xiaoer.gateway.store;

import dev.xiaoer.gateway.event.ConversationState;
import dev.xiaoer.gateway.event.EventBody.AgentJoined;
import dev.xiaoer.gateway.event.EventBody.Closed;
import dev.xiaoer.gateway.event.EventBody.Rated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract, on SQLite, plus what only a store on disk can promise: durability, restarts, group commit. */
class SqliteConversationStoreTest extends ConversationStoreContract {

    @TempDir
    Path dataDir;

    @Override
    protected ConversationStore newStore() {
        return SqliteConversationStore.open(dataDir);
    }

    private SqliteConversationStore sqlite() {
        return (SqliteConversationStore) store;
    }

    @Test
    void anAcknowledgedMessageIsInTheFileForAnyoneWhoOpensItAfterwards() throws Exception {
        open("c1");
        await(store.append(List.of(buyerSays("c1", 1, "我的快递到哪了"))));

        // A separate connection, as a gateway restarted after a crash would open: the row is already in the file.
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + sqlite().file());
             PreparedStatement ps = other.prepareStatement(
                     "SELECT payload FROM events WHERE conversation_id = 'c1' AND seq = 1");
             ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            assertTrue(rs.getString(1).contains("我的快递到哪了"));
        }
    }

    @Test
    void everyAcknowledgedEventIsInTheFilesAProcessCrashWouldLeaveBehind(@TempDir Path afterTheCrash)
            throws Exception {
        open("c1");
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (long seq = 1; seq <= 200; seq++) {
            writes.add(store.append(List.of(buyerSays("c1", seq, "第" + seq + "条"))));
        }
        for (CompletableFuture<Void> w : writes) {
            await(w);
        }

        // No close, no checkpoint: the files as they are now, as a killed process would leave them.
        Files.copy(sqlite().file(), afterTheCrash.resolve("xiaoer.db"));
        Files.copy(Path.of(sqlite().file() + "-wal"), afterTheCrash.resolve("xiaoer.db-wal"));
        try (SqliteConversationStore restarted = SqliteConversationStore.open(afterTheCrash)) {
            assertEquals(200, restarted.conversation("c1").orElseThrow().lastSeq());
            assertEquals(store.events("c1", 0, 1000), restarted.events("c1", 0, 1000));
        }
    }

    @Test
    void everythingWrittenIsThereAfterCloseAndReopen() throws Exception {
        open("waiting");
        open("closed");
        await(store.append(List.of(buyerSays("waiting", 1, "我要退款"), event("waiting", 2, 3, handoff("refunds")))));
        await(store.append(List.of(buyerSays("closed", 1, "谢谢"), event("closed", 2, 4, new Closed("buyer", "bye")),
                event("closed", 3, 5, new Rated(5, "好")))));
        List<StoredConversation> openBefore = store.openConversations();
        StoredConversation closedBefore = store.transcript("closed").orElseThrow();

        store.close();
        store = SqliteConversationStore.open(dataDir);

        assertEquals(openBefore, store.openConversations());
        assertEquals(closedBefore, store.transcript("closed").orElseThrow());
    }

    @Test
    void aRestartRestoresTheWaitingLineWithTheOriginalWaitingTimesAndTokens() throws Exception {
        open("first");
        open("second");
        open("served");
        await(store.append(List.of(event("first", 1, 2, handoff("refunds")))));
        await(store.append(List.of(event("second", 1, 7, handoff("refunds")))));
        await(store.append(List.of(event("served", 1, 1, handoff("refunds")),
                event("served", 2, 3, new AgentJoined("a1", "小李", "auto")))));

        store.close();
        store = SqliteConversationStore.open(dataDir);

        List<ConversationSummary> waiting = store.openConversations().stream().map(StoredConversation::summary)
                .filter(s -> s.state() == ConversationState.WAITING).toList();
        assertEquals(List.of("first", "second"), waiting.stream().map(ConversationSummary::conversationId).toList());
        assertEquals(List.of(at(2), at(7)), waiting.stream().map(ConversationSummary::waitingSince).toList());
        assertEquals("hash-first", waiting.get(0).tokenHash());
        ConversationSummary served = store.conversation("served").orElseThrow();
        assertEquals(ConversationState.WITH_AGENT, served.state());
        assertEquals("a1", served.agentId());
    }

    @Test
    void closingCommitsEveryWriteSubmittedBeforeIt() throws Exception {
        open("c1");
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (long seq = 1; seq <= 500; seq++) {
            writes.add(store.append(List.of(buyerSays("c1", seq, "m"))));
        }
        store.close();

        for (CompletableFuture<Void> w : writes) {
            assertTrue(w.isDone() && !w.isCompletedExceptionally());
        }
        store = SqliteConversationStore.open(dataDir);
        assertEquals(500, store.events("c1", 0, 1000).size());
    }

    @Test
    void writesWaitingWhileTheWriterIsBusyGoIntoOneCommit() throws Exception {
        open("c1");
        CountDownLatch release = holdTheWriter(sqlite());
        long before = sqlite().batchesCommitted();

        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (long seq = 1; seq <= 50; seq++) {
            writes.add(store.append(List.of(buyerSays("c1", seq, "m"))));
        }
        release.countDown();
        for (CompletableFuture<Void> w : writes) {
            await(w);
        }

        assertEquals(before + 1, sqlite().batchesCommitted());
    }

    @Test
    void aCommitHoldsNoMoreEventsThanTheBatchLimit() throws Exception {
        store.close();
        store = SqliteConversationStore.open(dataDir, StoreOptions.defaults().withMaxBatchEvents(10));
        open("c1");
        CountDownLatch release = holdTheWriter(sqlite());
        long before = sqlite().batchesCommitted();

        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (long seq = 1; seq <= 50; seq += 2) {
            writes.add(store.append(List.of(buyerSays("c1", seq, "m"), buyerSays("c1", seq + 1, "m"))));
        }
        release.countDown();
        for (CompletableFuture<Void> w : writes) {
            await(w);
        }

        assertEquals(before + 5, sqlite().batchesCommitted());
        assertEquals(50, store.events("c1", 0, 100).size());
    }

    @Test
    void aWriteThatSqliteRefusesDespiteTheChecksFailsAloneAndTheRestOfItsBatchCommits() throws Exception {
        open("c1");
        open("c2");
        await(store.append(List.of(buyerSays("c1", 1, "one"))));
        // Someone edits the file behind the store's back: seq 2 of c1 now exists though the row says 1.
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + sqlite().file());
             PreparedStatement ps = other.prepareStatement("INSERT INTO events (conversation_id, seq, at, type, "
                     + "payload) VALUES ('c1', 2, 0, 'buyer_message', '{}')")) {
            ps.executeUpdate();
        }
        CountDownLatch release = holdTheWriter(sqlite());
        CompletableFuture<Void> before = store.append(List.of(buyerSays("c2", 1, "b1")));
        CompletableFuture<Void> clash = store.append(List.of(buyerSays("c1", 2, "two")));
        CompletableFuture<Void> after = store.append(List.of(buyerSays("c2", 2, "b2")));
        release.countDown();

        await(before);
        assertInstanceOf(IllegalArgumentException.class, failure(clash));
        await(after);
        assertEquals(List.of(1L, 2L), seqs(store.events("c2", 0, 10)));
        assertEquals(1, store.conversation("c1").orElseThrow().lastSeq());
        await(store.append(List.of(buyerSays("c1", 3, "three"))));
        assertTrue(store.writable());
    }

    @Test
    void aFullWriteQueueRefusesNewWritesAtOnceWithARetryableError() throws Exception {
        store.close();
        store = SqliteConversationStore.open(dataDir, StoreOptions.defaults().withWriteQueueLimit(5));
        open("c1");
        CountDownLatch release = holdTheWriter(sqlite());

        List<CompletableFuture<Void>> accepted = new ArrayList<>();
        for (long seq = 1; seq <= 5; seq++) {
            accepted.add(store.append(List.of(buyerSays("c1", seq, "m"))));
        }
        CompletableFuture<Void> refused = store.append(List.of(buyerSays("c1", 6, "m")));

        assertTrue(refused.isCompletedExceptionally());
        assertInstanceOf(StoreUnavailableException.class, failure(refused));
        release.countDown();
        for (CompletableFuture<Void> w : accepted) {
            await(w);
        }
        assertEquals(5, store.conversation("c1").orElseThrow().lastSeq());
    }

    @Test
    void callbacksOnAFutureNeverRunOnTheWriterThread() throws Exception {
        open("c1");
        AtomicReference<String> thread = new AtomicReference<>();
        CountDownLatch release = holdTheWriter(sqlite());
        CompletableFuture<Void> write = store.append(List.of(buyerSays("c1", 1, "hi")))
                .thenRun(() -> thread.set(Thread.currentThread().getName()));
        release.countDown();
        await(write);

        assertEquals(SqliteConversationStore.COMPLETION_THREAD, thread.get());
    }

    @Test
    void aSecondStoreOnTheSameFolderIsRefused() {
        StoreOpenException e = assertThrows(StoreOpenException.class, () -> SqliteConversationStore.open(dataDir));

        assertEquals(StoreOpenException.Problem.IN_USE, e.problem());
        assertTrue(e.getMessage().contains(dataDir.toAbsolutePath().toString()), e.getMessage());
        assertTrue(store.writable(), "the first store keeps working");
    }

    @Test
    void theFolderIsFreeAgainOnceTheStoreIsClosed() throws Exception {
        open("c1");
        store.close();

        store = SqliteConversationStore.open(dataDir);
        assertTrue(store.conversation("c1").isPresent());
    }

    @Test
    void aMissingDataFolderIsCreatedForItsOwnerOnly(@TempDir Path parent) throws Exception {
        Path folder = parent.resolve("shop").resolve("data");
        try (SqliteConversationStore s = SqliteConversationStore.open(folder)) {
            assertEquals(folder.resolve("xiaoer.db"), s.file());
            assertTrue(Files.isRegularFile(s.file()));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
        }
    }

    @Test
    void aDataFolderThatIsAFileIsRefused(@TempDir Path parent) throws Exception {
        Path file = Files.writeString(parent.resolve("data"), "not a folder");

        StoreOpenException e = assertThrows(StoreOpenException.class, () -> SqliteConversationStore.open(file));

        assertEquals(StoreOpenException.Problem.DATA_DIR_UNUSABLE, e.problem());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void theStoreIsInWalModeAndSyncsEveryCommit() throws Exception {
        String[] modes = await(sqlite().onWriterConnection(db -> {
            try (var st = db.createStatement();
                 ResultSet journal = st.executeQuery("PRAGMA journal_mode")) {
                journal.next();
                String j = journal.getString(1);
                try (ResultSet sync = st.executeQuery("PRAGMA synchronous")) {
                    sync.next();
                    return new String[] {j, sync.getString(1)};
                }
            }
        }));

        assertEquals("wal", modes[0]);
        assertEquals("2", modes[1], "synchronous=FULL");
    }

    @Test
    void aReportCallbackThatThrowsGivesItsReadConnectionBack() throws Exception {
        open("c1");
        await(store.append(List.of(buyerSays("c1", 1, "hi"))));

        for (int i = 0; i < 10; i++) {
            assertThrows(IllegalStateException.class, () -> store.forEachEventBetween(MORNING, at(60), Set.of(),
                    e -> {
                        throw new IllegalStateException("report bug");
                    }));
        }

        // More reads than there are read connections: none was lost, none is stuck in an old snapshot.
        await(store.append(List.of(buyerSays("c1", 2, "again"))));
        for (int i = 0; i < 10; i++) {
            assertEquals(2, store.events("c1", 0, 10).size());
        }
    }

    @Test
    void closingTheStoreLeavesNoThreadBehind() throws Exception {
        open("c1");
        assertTrue(threadNamed(GroupCommitWriter.THREAD_NAME));
        assertTrue(threadNamed(SqliteConversationStore.COMPLETION_THREAD));

        store.close();

        assertFalse(threadNamed(GroupCommitWriter.THREAD_NAME));
        assertFalse(threadNamed(SqliteConversationStore.COMPLETION_THREAD));
    }

    @Test
    void optionsThatMakeNoSenseAreRefusedNamingTheOption() {
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> StoreOptions.defaults().withMaxBatchEvents(0));
        IllegalArgumentException delay = assertThrows(IllegalArgumentException.class,
                () -> StoreOptions.defaults().withMaxBatchDelay(Duration.ofSeconds(5)));
        IllegalArgumentException readers = assertThrows(IllegalArgumentException.class,
                () -> StoreOptions.defaults().withReadConnections(-1));

        assertTrue(batch.getMessage().contains("maxBatchEvents"), batch.getMessage());
        assertTrue(delay.getMessage().contains("maxBatchDelay"), delay.getMessage());
        assertTrue(readers.getMessage().contains("readConnections"), readers.getMessage());
    }

    private static boolean threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    /** Blocks the writer thread until the returned latch is released, so that writes pile up behind it. */
    static CountDownLatch holdTheWriter(SqliteConversationStore store) throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        store.onWriterConnection(db -> {
            holding.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        assertTrue(holding.await(60, TimeUnit.SECONDS));
        return release;
    }
}
