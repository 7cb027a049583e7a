package dev.xiaoer.gateway.store;

import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.EventBody.BuyerSaid;
import dev.xiaoer.gateway.event.EventBody.Closed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shop keeps closed conversations for N days; the sweeper deletes what is older, a few at a time. */
class RetentionSweeperTest {

    private static final Instant NOW = Instant.parse("2025-06-30T03:00:00Z");

    @TempDir
    Path dataDir;

    @Test
    void aSweepDeletesTheConversationsClosedLongerAgoThanTheShopKeepsThem() throws Exception {
        // Two conversations per retention transaction, so that 5 old ones take three transactions.
        try (SqliteConversationStore store = SqliteConversationStore.open(dataDir,
                StoreOptions.defaults().withDeleteChunk(2))) {
            for (int i = 1; i <= 5; i++) {
                closedConversation(store, "old-" + i, NOW.minus(Duration.ofDays(40 + i)));
            }
            closedConversation(store, "last-week", NOW.minus(Duration.ofDays(7)));
            openConversation(store, "still-open", NOW.minus(Duration.ofDays(90)));
            RetentionSweeper sweeper = new RetentionSweeper(store, Duration.ofDays(30), Duration.ofHours(1),
                    Clock.fixed(NOW, ZoneOffset.UTC));

            assertEquals(5, sweeper.sweepNow());

            for (int i = 1; i <= 5; i++) {
                assertFalse(store.conversation("old-" + i).isPresent());
                assertEquals(List.of(), store.events("old-" + i, 0, 10));
            }
            assertTrue(store.conversation("last-week").isPresent());
            assertEquals(2, store.events("last-week", 0, 10).size());
            assertTrue(store.conversation("still-open").isPresent());
            assertEquals(0, sweeper.sweepNow());
        }
    }

    @Test
    void aLargeSweepDeletesAFewConversationsPerTransactionSoBuyersWritesGetThroughBetween() throws Exception {
        try (SqliteConversationStore store = SqliteConversationStore.open(dataDir,
                StoreOptions.defaults().withDeleteChunk(3))) {
            for (int i = 1; i <= 10; i++) {
                closedConversation(store, "old-" + i, NOW.minus(Duration.ofDays(60)));
            }
            long transactionsBefore = store.tasksCommitted();
            long batchesBefore = store.batchesCommitted();

            assertEquals(10, new RetentionSweeper(store, Duration.ofDays(30), Duration.ofHours(1),
                    Clock.fixed(NOW, ZoneOffset.UTC)).sweepNow());

            // 3 + 3 + 3 + 1: four transactions of their own, each queued behind whatever buyers wrote meanwhile.
            assertEquals(transactionsBefore + 4, store.tasksCommitted());
            assertEquals(batchesBefore, store.batchesCommitted());
        }
    }

    @Test
    void retentionNeedsAPositiveNumberOfDays() throws Exception {
        try (SqliteConversationStore store = SqliteConversationStore.open(dataDir)) {
            assertThrows(IllegalArgumentException.class, () -> RetentionSweeper.start(store, 0));
            assertThrows(IllegalArgumentException.class, () -> new RetentionSweeper(store, Duration.ofDays(-1),
                    Duration.ofHours(1), Clock.systemUTC()));
            assertThrows(IllegalArgumentException.class, () -> new RetentionSweeper(store, Duration.ofDays(1),
                    Duration.ZERO, Clock.systemUTC()));
        }
    }

    @Test
    void aStartedSweeperStopsOnClose() throws Exception {
        try (SqliteConversationStore store = SqliteConversationStore.open(dataDir)) {
            RetentionSweeper sweeper = RetentionSweeper.start(store, 30);
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals(RetentionSweeper.THREAD_NAME)));
            sweeper.close();
            assertThrows(IllegalStateException.class, sweeper::start);
        }
    }

    private static void openConversation(ConversationStore store, String id, Instant when) throws Exception {
        store.open(new NewConversation(id, "h", when)).get(30, TimeUnit.SECONDS);
        store.append(List.of(new ConversationEvent(id, 1, when, new BuyerSaid("m1", "你好", null))))
                .get(30, TimeUnit.SECONDS);
    }

    private static void closedConversation(ConversationStore store, String id, Instant closedAt) throws Exception {
        openConversation(store, id, closedAt.minus(Duration.ofMinutes(10)));
        store.append(List.of(new ConversationEvent(id, 2, closedAt, new Closed("agent", "resolved"))))
                .get(30, TimeUnit.SECONDS);
    }
}
