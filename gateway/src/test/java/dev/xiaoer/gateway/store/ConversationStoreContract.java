package dev.xiaoer.gateway.store;

import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.ConversationState;
import dev.xiaoer.gateway.event.EventBody;
import dev.xiaoer.gateway.event.EventBody.AgentJoined;
import dev.xiaoer.gateway.event.EventBody.AgentLeft;
import dev.xiaoer.gateway.event.EventBody.BotReplied;
import dev.xiaoer.gateway.event.EventBody.BuyerSaid;
import dev.xiaoer.gateway.event.EventBody.Closed;
import dev.xiaoer.gateway.event.EventBody.HandedOff;
import dev.xiaoer.gateway.event.EventBody.Rated;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link ConversationStore} promises, as stories about a shop's conversations. A store implementation
 * gets these tests by extending this class and saying how to make a fresh, empty store.
 */
public abstract class ConversationStoreContract {

    /** A Saturday morning in the shop; every time in these stories is a whole millisecond. */
    protected static final Instant MORNING = Instant.parse("2025-03-01T09:00:00Z");

    protected ConversationStore store;

    /** A fresh, empty store; the contract closes it after each test. */
    protected abstract ConversationStore newStore() throws Exception;

    @BeforeEach
    void createStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void aNewConversationStartsWithTheBotAndNoEvents() throws Exception {
        await(store.open(new NewConversation("c1", "hash-of-token", MORNING)));

        ConversationSummary s = store.conversation("c1").orElseThrow();
        assertEquals(ConversationState.BOT, s.state());
        assertEquals(0, s.lastSeq());
        assertEquals("hash-of-token", s.tokenHash());
        assertEquals(MORNING, s.createdAt());
        assertNull(s.closedAt());
        assertEquals(List.of(), store.events("c1", 0, 100));
        assertEquals(Optional.empty(), store.conversation("nobody"));
    }

    @Test
    void whatTheBuyerAndTheBotSaidReadsBackInOrderWordForWord() throws Exception {
        open("c1");
        List<ConversationEvent> said = List.of(
                event("c1", 1, 1, new BuyerSaid("m1", "亲，七天无理由退货吗？", null)),
                event("c1", 2, 1, new BotReplied(1, "answer", "支持七天无理由退货。", "faq-7", 0.92,
                        List.of(new EventBody.Suggestion("faq-8", "运费谁出？")))));
        await(store.append(said));

        assertEquals(said, store.events("c1", 0, 100));
        assertEquals(2, store.conversation("c1").orElseThrow().lastSeq());
    }

    @Test
    void aResumeReadsOnlyTheEventsAfterTheBuyersLastSeq() throws Exception {
        open("c1");
        for (long seq = 1; seq <= 6; seq++) {
            await(store.append(List.of(buyerSays("c1", seq, "message " + seq))));
        }

        assertEquals(List.of(4L, 5L, 6L), seqs(store.events("c1", 3, 100)));
        assertEquals(List.of(4L, 5L), seqs(store.events("c1", 3, 2)));
        assertEquals(List.of(), store.events("c1", 6, 100));
    }

    @Test
    void seqNumbersMayHaveGaps() throws Exception {
        open("c1");
        await(store.append(List.of(buyerSays("c1", 1, "hi"), buyerSays("c1", 5, "still there?"))));
        await(store.append(List.of(buyerSays("c1", 9, "hello?"))));

        assertEquals(List.of(1L, 5L, 9L), seqs(store.events("c1", 0, 100)));
        assertEquals(9, store.conversation("c1").orElseThrow().lastSeq());
    }

    @Test
    void theConversationsStateFollowsItsEventsThroughHandoffAgentAndClose() throws Exception {
        open("c1");
        await(store.append(List.of(buyerSays("c1", 1, "我要退款"))));
        assertEquals(ConversationState.BOT, state("c1"));

        await(store.append(List.of(event("c1", 2, 1, handoff("refunds")))));
        assertEquals(ConversationState.WAITING, state("c1"));

        await(store.append(List.of(event("c1", 3, 5, new AgentJoined("a7", "小王", "claim")))));
        assertEquals(ConversationState.WITH_AGENT, state("c1"));

        await(store.append(List.of(event("c1", 4, 9, new Closed("agent", "resolved")))));
        ConversationSummary closed = store.conversation("c1").orElseThrow();
        assertEquals(ConversationState.CLOSED, closed.state());
        assertEquals(at(9), closed.closedAt());

        // The rating comes after the close and leaves the conversation closed, at its original closing time.
        await(store.append(List.of(event("c1", 5, 10, new Rated(5, "很快")))));
        ConversationSummary rated = store.conversation("c1").orElseThrow();
        assertEquals(ConversationState.CLOSED, rated.state());
        assertEquals(at(9), rated.closedAt());
        assertEquals(5, rated.lastSeq());
        assertEquals(at(10), rated.updatedAt());
    }

    @Test
    void theSummaryShowsTheQueueTheAgentAndSinceWhenTheBuyerWaits() throws Exception {
        open("c1");
        await(store.append(List.of(event("c1", 1, 2, handoff("refunds")))));
        ConversationSummary waiting = store.conversation("c1").orElseThrow();
        assertEquals("refunds", waiting.queue());
        assertNull(waiting.agentId());
        assertEquals(at(2), waiting.waitingSince());

        // Moved to another line while waiting: the buyer keeps their place in time.
        await(store.append(List.of(event("c1", 2, 4, handoff("vip")))));
        assertEquals("vip", store.conversation("c1").orElseThrow().queue());
        assertEquals(at(2), store.conversation("c1").orElseThrow().waitingSince());

        await(store.append(List.of(event("c1", 3, 6, new AgentJoined("a7", "小王", "auto")))));
        ConversationSummary held = store.conversation("c1").orElseThrow();
        assertEquals("a7", held.agentId());
        assertNull(held.waitingSince());

        await(store.append(List.of(event("c1", 4, 8, new AgentLeft("a7", "小王", "disconnected")))));
        ConversationSummary requeued = store.conversation("c1").orElseThrow();
        assertEquals(ConversationState.WAITING, requeued.state());
        assertNull(requeued.agentId());
        assertEquals("vip", requeued.queue());
        assertEquals(at(8), requeued.waitingSince());
    }

    @Test
    void anEventTimeIsKeptToTheMillisecond() throws Exception {
        open("c1");
        Instant when = MORNING.plusMillis(1234);
        await(store.append(List.of(new ConversationEvent("c1", 1, when, new BuyerSaid("m1", "hi", null)))));

        assertEquals(when, store.events("c1", 0, 10).get(0).at());
    }

    @Test
    void aDuplicateSeqIsRefusedAndNothingOfThatAppendIsStored() throws Exception {
        open("c1");
        await(store.append(List.of(buyerSays("c1", 1, "one"), buyerSays("c1", 2, "two"))));

        Throwable refused = failure(store.append(List.of(buyerSays("c1", 3, "three"), buyerSays("c1", 2, "again"))));

        assertInstanceOf(IllegalArgumentException.class, refused);
        assertEquals(List.of(1L, 2L), seqs(store.events("c1", 0, 100)));
        assertEquals(2, store.conversation("c1").orElseThrow().lastSeq());
    }

    @Test
    void anOlderSeqIsRefused() throws Exception {
        open("c1");
        await(store.append(List.of(buyerSays("c1", 5, "five"))));

        assertInstanceOf(IllegalArgumentException.class, failure(store.append(List.of(buyerSays("c1", 4, "four")))));
        assertEquals(List.of(5L), seqs(store.events("c1", 0, 100)));
    }

    @Test
    void anAppendToAConversationNeverOpenedIsRefused() throws Exception {
        assertInstanceOf(IllegalArgumentException.class, failure(store.append(List.of(buyerSays("ghost", 1, "hi")))));
        assertEquals(Optional.empty(), store.conversation("ghost"));
        assertEquals(List.of(), store.events("ghost", 0, 100));
    }

    @Test
    void openingAConversationTwiceIsRefusedAndKeepsTheFirstToken() throws Exception {
        await(store.open(new NewConversation("c1", "first-hash", MORNING)));

        Throwable refused = failure(store.open(new NewConversation("c1", "second-hash", MORNING.plusSeconds(5))));

        assertInstanceOf(IllegalArgumentException.class, refused);
        assertEquals("first-hash", store.conversation("c1").orElseThrow().tokenHash());
    }

    @Test
    void aRefusedWriteDoesNotTakeDownTheWritesSubmittedWithIt() throws Exception {
        open("c1");
        open("c2");
        CompletableFuture<Void> good1 = store.append(List.of(buyerSays("c1", 1, "a")));
        CompletableFuture<Void> bad = store.append(List.of(buyerSays("c1", 1, "a again")));
        CompletableFuture<Void> good2 = store.append(List.of(buyerSays("c2", 1, "b")));

        await(good1);
        assertInstanceOf(IllegalArgumentException.class, failure(bad));
        await(good2);
        assertEquals(1, store.events("c1", 0, 10).size());
        assertEquals(1, store.events("c2", 0, 10).size());
    }

    @Test
    void writesSubmittedWithoutWaitingAreAppliedInTheOrderTheyWereSubmitted() throws Exception {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        futures.add(store.open(new NewConversation("c1", "h", MORNING)));
        for (long seq = 1; seq <= 300; seq++) {
            // Any reordering would put a seq before a larger one and have it refused.
            futures.add(store.append(List.of(buyerSays("c1", seq, "message " + seq))));
        }
        for (CompletableFuture<Void> f : futures) {
            await(f);
        }

        assertEquals(LongStream.rangeClosed(1, 300).boxed().collect(Collectors.toList()),
                seqs(store.events("c1", 0, 1000)));
    }

    @Test
    void futuresCompleteInTheOrderTheirWritesWereSubmitted() throws Exception {
        open("c1");
        List<Long> completed = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (long seq = 1; seq <= 200; seq++) {
            long s = seq;
            futures.add(store.append(List.of(buyerSays("c1", seq, "m"))).thenRun(() -> completed.add(s)));
        }
        for (CompletableFuture<Void> f : futures) {
            await(f);
        }

        assertEquals(LongStream.rangeClosed(1, 200).boxed().collect(Collectors.toList()), completed);
    }

    @Test
    void anEventIsReadableAsSoonAsItsFutureCompletes() throws Exception {
        open("c1");
        for (long seq = 1; seq <= 50; seq++) {
            await(store.append(List.of(buyerSays("c1", seq, "m" + seq))));
            assertEquals(seq, store.conversation("c1").orElseThrow().lastSeq());
            assertEquals(List.of(seq), seqs(store.events("c1", seq - 1, 10)));
        }
    }

    @Test
    void appendsFromManyThreadsAllLandExactlyOnceAndInOrder() throws Exception {
        int threads = 16;
        int conversationsPerThread = 3;
        int eventsPerConversation = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<CompletableFuture<Void>>>> submitted = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                submitted.add(pool.submit(() -> {
                    // Like a conversation executor: each thread owns its conversations and numbers their events.
                    List<CompletableFuture<Void>> mine = new ArrayList<>();
                    for (int c = 0; c < conversationsPerThread; c++) {
                        mine.add(store.open(new NewConversation(id(thread, c), "h", MORNING)));
                    }
                    for (long seq = 1; seq <= eventsPerConversation; seq++) {
                        for (int c = 0; c < conversationsPerThread; c++) {
                            mine.add(store.append(List.of(buyerSays(id(thread, c), seq, "m"))));
                        }
                    }
                    return mine;
                }));
            }
            for (Future<List<CompletableFuture<Void>>> f : submitted) {
                for (CompletableFuture<Void> write : f.get(60, TimeUnit.SECONDS)) {
                    await(write);
                }
            }
        } finally {
            pool.shutdownNow();
        }

        List<Long> expected = LongStream.rangeClosed(1, eventsPerConversation).boxed().collect(Collectors.toList());
        for (int t = 0; t < threads; t++) {
            for (int c = 0; c < conversationsPerThread; c++) {
                assertEquals(expected, seqs(store.events(id(t, c), 0, 1000)), id(t, c));
            }
        }
    }

    @Test
    void theOpenConversationsAreEveryConversationNotClosedWithAllItsEvents() throws Exception {
        open("chatting");
        open("waiting");
        open("done");
        await(store.append(List.of(buyerSays("chatting", 1, "在吗"))));
        await(store.append(List.of(buyerSays("waiting", 1, "我要退款"), event("waiting", 2, 1, handoff("refunds")))));
        await(store.append(List.of(buyerSays("done", 1, "谢谢"), event("done", 2, 1, new Closed("buyer", "bye")))));

        List<StoredConversation> open = store.openConversations();

        assertEquals(Set.of("chatting", "waiting"),
                open.stream().map(c -> c.summary().conversationId()).collect(Collectors.toSet()));
        StoredConversation waiting = open.stream()
                .filter(c -> c.summary().conversationId().equals("waiting")).findFirst().orElseThrow();
        assertEquals(ConversationState.WAITING, waiting.summary().state());
        assertEquals(store.events("waiting", 0, 100), waiting.events());
    }

    @Test
    void aTranscriptHasTheWholeConversationEvenAfterItClosed() throws Exception {
        open("c1");
        List<ConversationEvent> all = List.of(buyerSays("c1", 1, "我要退款"),
                event("c1", 2, 1, handoff("refunds")),
                event("c1", 3, 2, new EventBody.Flagged(1, "abuse", "辱骂", "滚")),
                event("c1", 4, 3, new EventBody.AgentSaid("a7", "小王", "am1", "您好")),
                event("c1", 5, 4, new Closed("agent", "resolved")));
        await(store.append(all));

        StoredConversation transcript = store.transcript("c1").orElseThrow();

        assertEquals(ConversationState.CLOSED, transcript.summary().state());
        assertEquals(all, transcript.events());
        assertEquals(Optional.empty(), store.transcript("nobody"));
    }

    @Test
    void retentionDeletesOnlyConversationsClosedBeforeTheCutoff() throws Exception {
        for (String id : List.of("old-closed-1", "old-closed-2", "recent-closed", "old-open")) {
            open(id);
            await(store.append(List.of(buyerSays(id, 1, "hi"))));
        }
        await(store.append(List.of(event("old-closed-1", 2, 10, new Closed("agent", "done")))));
        await(store.append(List.of(event("old-closed-2", 2, 20, new Closed("buyer", "bye")))));
        await(store.append(List.of(event("recent-closed", 2, 90, new Closed("system", "idle")))));

        int deleted = store.deleteClosedBefore(at(60));

        assertEquals(2, deleted);
        assertEquals(Optional.empty(), store.conversation("old-closed-1"));
        assertEquals(List.of(), store.events("old-closed-1", 0, 10));
        assertEquals(Optional.empty(), store.conversation("old-closed-2"));
        assertTrue(store.conversation("recent-closed").isPresent());
        assertTrue(store.conversation("old-open").isPresent());
        assertEquals(1, store.events("old-open", 0, 10).size());
        assertEquals(0, store.deleteClosedBefore(at(60)));
    }

    @Test
    void unansweredQuestionsPairTheBuyersWordsWithTheBotsUnknownReply() throws Exception {
        open("c1");
        open("c2");
        await(store.append(List.of(
                event("c1", 1, 1, new BuyerSaid("m1", "能开发票吗", null)),
                event("c1", 2, 1, new BotReplied(1, "unknown", "抱歉，我还不会回答", null, 0.1, List.of())),
                event("c1", 3, 2, new BuyerSaid("m2", "几天发货", null)),
                event("c1", 4, 2, new BotReplied(3, "answer", "48小时内发货", "faq-ship", 0.9, List.of())))));
        await(store.append(List.of(
                event("c2", 1, 5, new BuyerSaid("m1", "可以寄到香港吗", null)),
                event("c2", 2, 5, new BotReplied(1, "unknown", "抱歉", null, 0.05, List.of())))));

        List<UnansweredQuestion> found = store.unansweredQuestions(at(0), at(60), 10);

        assertEquals(List.of(new UnansweredQuestion("c2", 1, at(5), "可以寄到香港吗", 2),
                new UnansweredQuestion("c1", 1, at(1), "能开发票吗", 2)), found);
        assertEquals(1, store.unansweredQuestions(at(0), at(60), 1).size());
        assertEquals(List.of("能开发票吗"), store.unansweredQuestions(at(0), at(3), 10).stream()
                .map(UnansweredQuestion::text).collect(Collectors.toList()));
    }

    @Test
    void eventsBetweenTwoInstantsComeInTimeOrderFilteredByType() throws Exception {
        open("c1");
        open("c2");
        await(store.append(List.of(event("c1", 1, 1, new BuyerSaid("m1", "a", null)),
                event("c1", 2, 3, new Rated(4, "")))));
        await(store.append(List.of(event("c2", 1, 2, new BuyerSaid("m1", "b", null)),
                event("c2", 2, 7, new BuyerSaid("m2", "late", null)))));

        List<ConversationEvent> seen = new ArrayList<>();
        store.forEachEventBetween(at(0), at(5), Set.of("buyer_message"), seen::add);
        assertEquals(List.of("c1#1", "c2#1"), keys(seen));

        seen.clear();
        store.forEachEventBetween(at(0), at(5), Set.of(), seen::add);
        assertEquals(List.of("c1#1", "c2#1", "c1#2"), keys(seen));

        seen.clear();
        store.forEachEventBetween(at(3), at(7), Set.of(), seen::add);
        assertEquals(List.of("c1#2"), keys(seen));
    }

    @Test
    void aHealthyStoreIsWritable() {
        assertTrue(store.writable());
    }

    @Test
    void aClosedStoreRefusesWritesWithARetryableError() throws Exception {
        open("c1");
        store.close();

        assertInstanceOf(StoreUnavailableException.class, failure(store.append(List.of(buyerSays("c1", 1, "hi")))));
        assertFalse(store.writable());
    }

    // ---- the language of the stories

    protected static Instant at(int minutes) {
        return MORNING.plus(Duration.ofMinutes(minutes));
    }

    protected static ConversationEvent event(String conversation, long seq, int minute, EventBody body) {
        return new ConversationEvent(conversation, seq, at(minute), body);
    }

    protected static ConversationEvent buyerSays(String conversation, long seq, String text) {
        return new ConversationEvent(conversation, seq, MORNING.plusMillis(seq), new BuyerSaid("m" + seq, text, null));
    }

    protected static HandedOff handoff(String queue) {
        return new HandedOff(queue, queue + " team", 0, "退款", "keyword", false);
    }

    protected void open(String conversation) throws Exception {
        await(store.open(new NewConversation(conversation, "hash-" + conversation, MORNING)));
    }

    protected ConversationState state(String conversation) {
        return store.conversation(conversation).orElseThrow().state();
    }

    protected static <T> T await(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("the write failed: " + e.getCause(), e.getCause());
        }
    }

    /** The failure of a write that must fail. */
    protected static Throwable failure(CompletableFuture<?> future) throws Exception {
        try {
            future.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the write should have failed but succeeded");
    }

    protected static List<Long> seqs(List<ConversationEvent> events) {
        return events.stream().map(ConversationEvent::seq).collect(Collectors.toList());
    }

    private static List<String> keys(List<ConversationEvent> events) {
        return events.stream().map(e -> e.conversationId() + "#" + e.seq()).collect(Collectors.toList());
    }

    private static String id(int thread, int conversation) {
        return "t" + thread + "-c" + conversation;
    }
}
