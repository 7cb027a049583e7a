package dev.xiaoer.gateway.store;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.EventBody.BuyerSaid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The disk fills up, another process locks the database: the store refuses to acknowledge what it could not
 * write, says so once in the log, and comes back by itself when the trouble is gone.
 */
class StoreTroubleTest {

    private static final Instant MORNING = Instant.parse("2025-03-01T09:00:00Z");
    /** Bigger than a page: storing it needs new pages, which a full database cannot give. */
    private static final String LONG_MESSAGE = "我买的东西到现在还没收到，物流信息一直没有更新。".repeat(400);

    @TempDir
    Path dataDir;

    private SqliteConversationStore store;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private Logger writerLog;

    @BeforeEach
    void openStore() throws Exception {
        writerLog = (Logger) LoggerFactory.getLogger(GroupCommitWriter.class);
        logged.start();
        writerLog.addAppender(logged);
        store = SqliteConversationStore.open(dataDir, StoreOptions.defaults()
                .withBusyTimeout(Duration.ofMillis(200))
                .withProbeInterval(Duration.ofMillis(50)));
        store.open(new NewConversation("c1", "h", MORNING)).get(30, TimeUnit.SECONDS);
        store.open(new NewConversation("c2", "h", MORNING)).get(30, TimeUnit.SECONDS);
        store.append(List.of(says("c1", 1, "你好"))).get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeStore() {
        store.close();
        writerLog.detachAppender(logged);
    }

    @Test
    void aFullDiskFailsTheWritesRetryablyAndTheStoreRecoversOnceThereIsRoomAgain() throws Exception {
        fillTheDatabase();

        Throwable refused = failure(store.append(List.of(says("c1", 2, LONG_MESSAGE))));

        assertInstanceOf(StoreUnavailableException.class, refused);
        assertTrue(refused.getMessage().contains("full"), refused.getMessage());
        assertFalse(store.writable());
        assertEquals(1, store.conversation("c1").orElseThrow().lastSeq(), "nothing of the failed write is stored");
        assertEquals(1, store.events("c1", 0, 10).size());

        // More buyers keep writing while the disk is full: every write fails, the log says it once.
        for (long seq = 2; seq <= 11; seq++) {
            assertInstanceOf(StoreUnavailableException.class, failure(store.append(List.of(says("c1", seq,
                    LONG_MESSAGE)))));
        }
        assertEquals(1, lines(Level.ERROR).size(), lines(Level.ERROR).toString());
        assertTrue(lines(Level.ERROR).get(0).contains(store.file().toString()));

        makeRoom();
        awaitWritable();

        store.append(List.of(says("c1", 2, LONG_MESSAGE))).get(30, TimeUnit.SECONDS);
        assertEquals(2, store.conversation("c1").orElseThrow().lastSeq());
        assertEquals(1, lines(Level.WARN).size(), "one line when it can write again");
        assertTrue(lines(Level.WARN).get(0).contains("can write again"), lines(Level.WARN).get(0));
    }

    @Test
    void noHalfBatchIsEverReportedAsCommitted() throws Exception {
        fillTheDatabase();
        CountDownLatch release = SqliteConversationStoreTest.holdTheWriter(store);
        // A small write that would fit and a large one that does not, committed together.
        CompletableFuture<Void> small = store.append(List.of(says("c2", 1, "在吗")));
        CompletableFuture<Void> large = store.append(List.of(says("c1", 2, LONG_MESSAGE)));
        release.countDown();

        assertInstanceOf(StoreUnavailableException.class, failure(small));
        assertInstanceOf(StoreUnavailableException.class, failure(large));
        assertEquals(0, store.conversation("c2").orElseThrow().lastSeq());
        assertEquals(List.of(), store.events("c2", 0, 10));
    }

    @Test
    void anIdleStoreFindsOutByItselfThatItCanWriteAgain() throws Exception {
        fillTheDatabase();
        failure(store.append(List.of(says("c1", 2, LONG_MESSAGE))));
        assertFalse(store.writable());

        makeRoom();

        // No write comes; the probe alone turns /ready green again.
        awaitWritable();
    }

    @Test
    void aDatabaseLockedByAnotherProcessFailsWritesRetryablyUntilTheLockIsGone() throws Exception {
        try (Connection intruder = DriverManager.getConnection("jdbc:sqlite:" + store.file());
             Statement st = intruder.createStatement()) {
            st.execute("BEGIN IMMEDIATE");

            Throwable refused = failure(store.append(List.of(says("c1", 2, "还在吗"))));

            assertInstanceOf(StoreUnavailableException.class, refused);
            assertTrue(refused.getMessage().contains("locked"), refused.getMessage());
            assertFalse(store.writable());
            st.execute("ROLLBACK");
        }

        awaitWritable();
        store.append(List.of(says("c1", 2, "还在吗"))).get(30, TimeUnit.SECONDS);
        assertEquals(2, store.conversation("c1").orElseThrow().lastSeq());
        assertEquals(1, lines(Level.ERROR).size());
    }

    @Test
    void readsKeepWorkingWhileTheDiskIsFull() throws Exception {
        fillTheDatabase();
        failure(store.append(List.of(says("c1", 2, LONG_MESSAGE))));

        assertEquals(1, store.events("c1", 0, 10).size());
        assertEquals(2, store.openConversations().size());
    }

    // ---- helpers

    /** Caps the database at the pages it has now, as a full disk would. */
    private void fillTheDatabase() throws Exception {
        store.onWriterConnection(db -> {
            try (Statement st = db.createStatement()) {
                long pages;
                try (ResultSet rs = st.executeQuery("PRAGMA page_count")) {
                    rs.next();
                    pages = rs.getLong(1);
                }
                st.execute("PRAGMA max_page_count = " + pages);
            }
            return null;
        }).get(30, TimeUnit.SECONDS);
    }

    private void makeRoom() throws Exception {
        store.onWriterConnection(db -> {
            try (Statement st = db.createStatement()) {
                st.execute("PRAGMA max_page_count = 1073741823");
            }
            return null;
        }).get(30, TimeUnit.SECONDS);
    }

    private void awaitWritable() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!store.writable()) {
            if (System.nanoTime() > deadline) {
                fail("the store did not find out that it can write again");
            }
            Thread.sleep(10);
        }
    }

    private List<String> lines(Level level) {
        return logged.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
                .collect(Collectors.toList());
    }

    private static ConversationEvent says(String conversation, long seq, String text) {
        return new ConversationEvent(conversation, seq, MORNING.plusSeconds(seq), new BuyerSaid("m" + seq, text,
                null));
    }

    private static Throwable failure(CompletableFuture<?> future) throws Exception {
        try {
            future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the write should have failed but succeeded");
    }
}
