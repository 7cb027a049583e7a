package dev.xiaoer.gateway.chat;

import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.event.ConversationState;
import dev.xiaoer.gateway.event.EventBody;
import dev.xiaoer.gateway.queue.AgentStatus;
import dev.xiaoer.gateway.queue.Handoff;
import dev.xiaoer.gateway.queue.HumanQueue;
import dev.xiaoer.gateway.queue.RecordingAgentLink;
import dev.xiaoer.gateway.store.InMemoryConversationStore;
import dev.xiaoer.gateway.store.StoredConversation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Conversations told as stories, without sockets: a buyer says things, the shop answers. */
class ConversationStoryTest {

    private final GatewayConfig config = GatewayConfig.defaults();
    private final MutableClock clock = MutableClock.mondayShanghai(10, 0);
    private final KeywordEngine engine = new KeywordEngine();
    private InMemoryConversationStore memory = new InMemoryConversationStore();
    private FlakyStore store = new FlakyStore(memory);
    private HumanQueue lines = lines();
    private Conversations desk = desk();
    private final List<Conversations> toClose = new ArrayList<>(List.of(desk));
    private RecordingAgentLink agent;

    private Conversations desk() {
        return Conversations.builder().store(store).engine(engine).waitingLines(lines).clock(clock).config(config)
                .build();
    }

    /**
     * The queue, with the demo agent logged in but away: the lines are staffed (handoffs wait for a person, not
     * as messages for later) and nobody takes the chats, so the stories can watch them wait.
     */
    private HumanQueue lines() {
        HumanQueue q = new HumanQueue(config, clock);
        agent = new RecordingAgentLink();
        q.connect(q.seat("demo").orElseThrow(), agent, "token", Duration.ofHours(1), AgentStatus.AWAY);
        q.sweep().join();
        return q;
    }

    @AfterEach
    void close() {
        toClose.forEach(Conversations::close);
        lines.close();
        store.close();
    }

    private BuyerFrame.Welcome hello(RecordingLink link) {
        desk.hello(link, new Hello(null, null, 0, null));
        return link.next(BuyerFrame.Welcome.class);
    }

    private static EventBody body(BuyerFrame frame) {
        return assertInstanceOf(BuyerFrame.Event.class, frame).event().body();
    }

    @Test
    void newBuyerIsWelcomedWithGreetingHotQuestionsAndAFreshSession() {
        RecordingLink buyer = new RecordingLink();
        BuyerFrame.Welcome w = hello(buyer);

        assertFalse(w.resumed());
        assertEquals(0, w.lastSeq());
        assertEquals(ConversationState.BOT, w.state());
        assertEquals(config.textsFor("zh").greeting(), w.greeting());
        assertEquals(4, w.hotQuestions().size());
        assertTrue(w.open(), "10:00 on a Monday is within the default hours");
        assertTrue(w.token().length() >= 43, "a 256-bit token");
        assertEquals(w.session(), buyer.conversationId());
        assertTrue(memory.conversation(w.session()).isPresent(), "the session is stored before it is announced");
        assertNotEquals(w.session(), hello(new RecordingLink()).session());
    }

    @Test
    void buyerAsksAnFaqAndGetsTheAckThenTheAnswer() {
        RecordingLink buyer = new RecordingLink();
        hello(buyer);
        desk.say(buyer, new BuyerMessage("m1", "什么时候发货", null));

        BuyerFrame.Ack ack = buyer.next(BuyerFrame.Ack.class);
        assertEquals("m1", ack.id());
        assertEquals(1, ack.seq());
        EventBody.BotReplied reply = assertInstanceOf(EventBody.BotReplied.class, body(buyer.next()));
        assertEquals("answer", reply.band());
        assertEquals("ship", reply.faqId());
        assertEquals("付款后 48 小时内发货。", reply.text());
        assertEquals(1, reply.inReplyTo());
    }

    @Test
    void aSuggestionCarriesTheCandidatesAndClickingOneAnswersThatEntry() {
        RecordingLink buyer = new RecordingLink();
        hello(buyer);
        desk.say(buyer, new BuyerMessage("m1", "尺码", null));
        buyer.next(BuyerFrame.Ack.class);
        EventBody.BotReplied suggest = assertInstanceOf(EventBody.BotReplied.class, body(buyer.next()));
        assertEquals("suggest", suggest.band());
        assertEquals(List.of("size-chart", "size-exchange"),
                suggest.suggestions().stream().map(EventBody.Suggestion::faqId).toList());

        desk.say(buyer, new BuyerMessage("m2", "尺码不合适能换吗？", "size-exchange"));
        buyer.next(BuyerFrame.Ack.class);
        EventBody.BotReplied answer = assertInstanceOf(EventBody.BotReplied.class, body(buyer.next()));
        assertEquals("size-exchange", answer.faqId());
        assertEquals("可以免费换一次尺码。", answer.text());
    }

    @Test
    void twoUnknownsOfferAHumanAndAcceptingPutsTheBuyerInLine() {
        RecordingLink buyer = new RecordingLink();
        hello(buyer);
        desk.say(buyer, new BuyerMessage("m1", "能开发票吗", null));
        buyer.next(BuyerFrame.Ack.class);
        assertEquals("unknown", ((EventBody.BotReplied) body(buyer.next())).band());

        desk.say(buyer, new BuyerMessage("m2", "发票抬头能改吗", null));
        buyer.next(BuyerFrame.Ack.class);
        assertEquals("unknown", ((EventBody.BotReplied) body(buyer.next())).band());
        EventBody.SystemNotice offer = assertInstanceOf(EventBody.SystemNotice.class, body(buyer.next()));
        assertEquals("human_offered", offer.code());
        assertEquals(config.textsFor("zh").offerHuman(), offer.text());

        desk.say(buyer, new BuyerMessage("m3", "好的", null));
        buyer.next(BuyerFrame.Ack.class);
        BuyerFrame.Event queued = buyer.next(BuyerFrame.Event.class);
        EventBody.HandedOff handoff = assertInstanceOf(EventBody.HandedOff.class, queued.event().body());
        assertEquals("human", handoff.queue());
        assertEquals("accepted_offer", handoff.reason());
        assertEquals(1, queued.place().position());
    }

    @Test
    void aRefundRequestReachesTheWaitingLineAndTheBuyerLearnsTheirPlace() {
        RecordingLink first = new RecordingLink();
        RecordingLink second = new RecordingLink();
        String firstId = hello(first).session();
        hello(second);
        desk.say(first, new BuyerMessage("a", "我要退款", null));
        first.next(BuyerFrame.Ack.class);
        BuyerFrame.Event q1 = first.next(BuyerFrame.Event.class);
        desk.say(second, new BuyerMessage("b", "退款怎么还没到", null));
        second.next(BuyerFrame.Ack.class);
        BuyerFrame.Event q2 = second.next(BuyerFrame.Event.class);

        assertEquals("after-sales", ((EventBody.HandedOff) q1.event().body()).queue());
        assertEquals(1, q1.place().position());
        assertEquals(2, q2.place().position());
        assertEquals(360, q2.place().etaSeconds());
        List<Handoff> waiting = lines.waiting("after-sales").join();
        assertEquals(firstId, waiting.get(0).conversationId());
        assertFalse(waiting.get(0).leaveMessage());

        // An agent takes the first buyer: the second moves up and hears it, without a seq.
        lines.claim("demo", agent, firstId);
        BuyerFrame.Position moved = second.next(BuyerFrame.Position.class);
        assertEquals(1, moved.place().position());
    }

    @Test
    void askingForAPersonAgainWhileWaitingDoesNotQueueTwice() {
        RecordingLink buyer = new RecordingLink();
        hello(buyer);
        desk.say(buyer, new BuyerMessage("a", "转人工", null));
        buyer.next(BuyerFrame.Ack.class);
        buyer.next(BuyerFrame.Event.class);
        desk.say(buyer, new BuyerMessage("b", "转人工!!", null));
        buyer.next(BuyerFrame.Ack.class);
        EventBody.SystemNotice notice = assertInstanceOf(EventBody.SystemNotice.class, body(buyer.next()));
        assertEquals("already_waiting", notice.code());
        assertEquals(1, lines.waiting("human").join().size());
    }

    @Test
    void resendingTheSameIdIsAckedWithTheOriginalSeqAndNeverProcessedTwice() {
        RecordingLink buyer = new RecordingLink();
        hello(buyer);
        desk.say(buyer, new BuyerMessage("m1", "什么时候发货", null));
        long seq = buyer.next(BuyerFrame.Ack.class).seq();
        buyer.next(BuyerFrame.Event.class);
        int decided = engine.decisions();

        desk.say(buyer, new BuyerMessage("m1", "什么时候发货", null));
        BuyerFrame.Ack again = buyer.next(BuyerFrame.Ack.class);
        assertEquals(seq, again.seq());
        assertTrue(again.duplicate());
        assertEquals(decided, engine.decisions());
        assertTrue(buyer.drain(100).isEmpty(), "no second answer");
    }

    @Test
    void aBurstOfMessagesIsAnsweredInOrderWithIncreasingSeqs() {
        RecordingLink buyer = new RecordingLink();
        hello(buyer);
        for (int i = 0; i < 20; i++) {
            desk.say(buyer, new BuyerMessage("m" + i, "什么时候发货", null));
        }
        long last = 0;
        for (int i = 0; i < 20; i++) {
            BuyerFrame.Ack ack = buyer.next(BuyerFrame.Ack.class);
            assertEquals("m" + i, ack.id());
            assertTrue(ack.seq() > last);
            BuyerFrame.Event reply = buyer.next(BuyerFrame.Event.class);
            assertTrue(reply.event().seq() > ack.seq());
            last = reply.event().seq();
        }
    }

    @Test
    void resumeReplaysExactlyTheEventsAfterLastSeqThenCarriesOn() {
        RecordingLink tab = new RecordingLink();
        BuyerFrame.Welcome w = hello(tab);
        desk.say(tab, new BuyerMessage("m1", "什么时候发货", null));
        tab.next(BuyerFrame.Ack.class);
        long seenUpTo = tab.next(BuyerFrame.Event.class).event().seq();
        desk.say(tab, new BuyerMessage("m2", "尺码", null));
        tab.next(BuyerFrame.Ack.class);
        tab.next(BuyerFrame.Event.class);
        desk.leave(tab);

        RecordingLink back = new RecordingLink();
        desk.hello(back, new Hello(w.session(), w.token(), seenUpTo, null));
        BuyerFrame.Welcome again = back.next(BuyerFrame.Welcome.class);
        assertTrue(again.resumed());
        assertEquals(4, again.lastSeq());
        EventBody.BuyerSaid said = assertInstanceOf(EventBody.BuyerSaid.class, body(back.next()));
        assertEquals("m2", said.messageId());
        assertEquals("suggest", ((EventBody.BotReplied) body(back.next())).band());
        assertTrue(back.drain(100).isEmpty(), "nothing replayed twice");

        desk.say(back, new BuyerMessage("m3", "你好", null));
        assertEquals(5, back.next(BuyerFrame.Ack.class).seq());
    }

    @Test
    void aWrongTokenIsRefusedAndShowsNothingOfTheConversation() {
        RecordingLink owner = new RecordingLink();
        BuyerFrame.Welcome w = hello(owner);
        desk.say(owner, new BuyerMessage("m1", "什么时候发货", null));
        owner.next(BuyerFrame.Ack.class);

        RecordingLink intruder = new RecordingLink();
        desk.hello(intruder, new Hello(w.session(), w.token() + "x", 0, null));
        BuyerFrame.Error error = intruder.next(BuyerFrame.Error.class);
        assertEquals(ErrorCode.BAD_TOKEN, error.code());
        assertTrue(intruder.wasRefused());
        assertNull(intruder.conversationId());
        assertTrue(intruder.drain(100).isEmpty());
    }

    @Test
    void twoTabsOfOneSessionBothSeeEverything() {
        RecordingLink phone = new RecordingLink();
        BuyerFrame.Welcome w = hello(phone);
        RecordingLink laptop = new RecordingLink();
        desk.hello(laptop, new Hello(w.session(), w.token(), 0, null));
        laptop.next(BuyerFrame.Welcome.class);

        desk.say(phone, new BuyerMessage("m1", "什么时候发货", null));
        phone.next(BuyerFrame.Ack.class);
        assertEquals("ship", ((EventBody.BotReplied) body(phone.next())).faqId());
        assertEquals("m1", ((EventBody.BuyerSaid) body(laptop.next())).messageId());
        assertEquals("ship", ((EventBody.BotReplied) body(laptop.next())).faqId());
    }

    @Test
    void outOfHoursTheBotStillAnswersAndAHandoffBecomesALeftMessage() {
        clock.set(MutableClock.mondayShanghai(23, 30).instant());
        RecordingLink buyer = new RecordingLink();
        BuyerFrame.Welcome w = hello(buyer);
        assertFalse(w.open());
        assertEquals("明天 09:00", w.backAt());
        assertTrue(w.notice().contains("明天 09:00"));

        desk.say(buyer, new BuyerMessage("m1", "什么时候发货", null));
        buyer.next(BuyerFrame.Ack.class);
        assertEquals("answer", ((EventBody.BotReplied) body(buyer.next())).band());

        desk.say(buyer, new BuyerMessage("m2", "我要退款", null));
        buyer.next(BuyerFrame.Ack.class);
        EventBody.SystemNotice notice = assertInstanceOf(EventBody.SystemNotice.class, body(buyer.next()));
        assertEquals("leave_message", notice.code());
        assertTrue(notice.text().contains("明天 09:00"), notice.text());
        EventBody.HandedOff handoff = assertInstanceOf(EventBody.HandedOff.class, body(buyer.next()));
        assertTrue(handoff.leaveMessage());
        assertTrue(lines.waiting("after-sales").join().get(0).leaveMessage(), "it waits in line for the morning");

        clock.set(MutableClock.mondayShanghai(10, 0).instant().plus(Duration.ofDays(1)));
        RecordingLink morning = new RecordingLink();
        desk.hello(morning, new Hello(null, null, 0, "en"));
        BuyerFrame.Welcome open = morning.next(BuyerFrame.Welcome.class);
        assertTrue(open.open());
        assertNull(open.notice());
        assertEquals(config.textsFor("en").greeting(), open.greeting());
    }

    @Test
    void whenTheStoreFailsTheBuyerGetsARetryableErrorAndNoAckThenTheResendIsAcceptedOnce() {
        RecordingLink buyer = new RecordingLink();
        hello(buyer);
        store.failWrites(true);
        desk.say(buyer, new BuyerMessage("m1", "什么时候发货", null));
        BuyerFrame.Error error = buyer.next(BuyerFrame.Error.class);
        assertEquals(ErrorCode.STORE_UNAVAILABLE, error.code());
        assertTrue(error.code().retryable());
        assertEquals("m1", error.messageId());
        assertTrue(buyer.drain(100).isEmpty(), "no ack, no reply");

        store.failWrites(false);
        desk.say(buyer, new BuyerMessage("m1", "什么时候发货", null));
        BuyerFrame.Ack ack = buyer.next(BuyerFrame.Ack.class);
        assertFalse(ack.duplicate());
        buyer.next(BuyerFrame.Event.class);
        long stored = memory.events(buyer.conversationId(), 0, 100).stream()
                .filter(e -> e.body() instanceof EventBody.BuyerSaid).count();
        assertEquals(1, stored, "the message is stored exactly once");
        assertTrue(memory.events(buyer.conversationId(), 0, 100).stream().anyMatch(e -> e.seq() == ack.seq()));
    }

    @Test
    void aNewSessionThatCannotBeStoredIsRefusedWithARetryableError() {
        store.failWrites(true);
        RecordingLink buyer = new RecordingLink();
        desk.hello(buyer, new Hello(null, null, 0, null));
        assertEquals(ErrorCode.STORE_UNAVAILABLE, buyer.next(BuyerFrame.Error.class).code());
        assertTrue(buyer.wasRefused());
        assertEquals(0, desk.size());
    }

    @Test
    void afterARestartEveryOpenConversationComesBackWithItsSeqsTokenIdsAndPlaceInLine() {
        RecordingLink waiting = new RecordingLink();
        BuyerFrame.Welcome w1 = hello(waiting);
        desk.say(waiting, new BuyerMessage("w1", "我要退款", null));
        long refundSeq = waiting.next(BuyerFrame.Ack.class).seq();
        waiting.next(BuyerFrame.Event.class);
        RecordingLink chatting = new RecordingLink();
        BuyerFrame.Welcome w2 = hello(chatting);
        desk.say(chatting, new BuyerMessage("c1", "能开发票吗", null));
        chatting.next(BuyerFrame.Ack.class);
        chatting.next(BuyerFrame.Event.class);
        java.time.Instant handedOffAt = lines.waiting("after-sales").join().get(0).waitingSince();

        // The process dies and a new one starts over the same data.
        desk.close();
        lines.close();
        memory.close();
        clock.advance(Duration.ofMinutes(5));
        memory = memory.reopen();
        store = new FlakyStore(memory);
        lines = lines();
        desk = desk();
        toClose.add(desk);
        assertEquals(2, desk.restore());

        Handoff restored = lines.waiting("after-sales").join().get(0);
        assertEquals(w1.session(), restored.conversationId());
        assertEquals(handedOffAt, restored.waitingSince(), "the original waiting time is kept");

        RecordingLink back = new RecordingLink();
        desk.hello(back, new Hello(w1.session(), w1.token(), 0, null));
        BuyerFrame.Welcome again = back.next(BuyerFrame.Welcome.class);
        assertEquals(ConversationState.WAITING, again.state());
        assertEquals(1, again.place().position());
        assertEquals("w1", ((EventBody.BuyerSaid) body(back.next())).messageId());
        BuyerFrame.Event queued = back.next(BuyerFrame.Event.class);
        assertEquals(1, queued.place().position());
        assertEquals(1, back.next(BuyerFrame.Position.class).place().position());
        desk.say(back, new BuyerMessage("w1", "我要退款", null));
        assertEquals(refundSeq, back.next(BuyerFrame.Ack.class).seq(), "accepted ids survive the restart");

        // The unknown count survives too: one more unknown makes two in a row, and a human is offered.
        RecordingLink other = new RecordingLink();
        desk.hello(other, new Hello(w2.session(), w2.token(), 2, null));
        other.next(BuyerFrame.Welcome.class);
        desk.say(other, new BuyerMessage("c2", "发票抬头能改吗", null));
        other.next(BuyerFrame.Ack.class);
        other.next(BuyerFrame.Event.class);
        assertEquals("human_offered", ((EventBody.SystemNotice) body(other.next())).code());
    }

    @Test
    void anIdleBotConversationIsClosedAndForgottenButAWaitingOneIsKept() throws InterruptedException {
        RecordingLink idle = new RecordingLink();
        BuyerFrame.Welcome w = hello(idle);
        RecordingLink waiting = new RecordingLink();
        hello(waiting);
        desk.say(waiting, new BuyerMessage("a", "转人工", null));
        waiting.next(BuyerFrame.Ack.class);
        waiting.next(BuyerFrame.Event.class);
        desk.leave(idle);
        desk.leave(waiting);

        // The detaches run on the conversations' lanes, maybe after the clock moved: sweep until one is gone.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (desk.size() != 1 && System.nanoTime() < deadline) {
            clock.advance(Duration.ofMinutes(config.chat().idleCloseMinutes() + 1));
            desk.closeIdle();
            Thread.sleep(10);
        }
        RecordingLink back = new RecordingLink();
        assertEquals(1, desk.size());
        Optional<StoredConversation> stillOpen = memory.openConversations().stream().findFirst();
        assertEquals(waiting.conversationId(), stillOpen.orElseThrow().summary().conversationId());
        desk.hello(back, new Hello(w.session(), w.token(), 0, null));
        assertEquals(ErrorCode.SESSION_NOT_FOUND, back.next(BuyerFrame.Error.class).code());
    }

    @Test
    void aWidgetOpenedWithoutAWordIsForgottenSoonerThanAConversation() throws InterruptedException {
        RecordingLink silent = new RecordingLink();
        hello(silent);
        RecordingLink talked = new RecordingLink();
        hello(talked);
        desk.say(talked, new BuyerMessage("m1", "什么时候发货", null));
        talked.next(BuyerFrame.Ack.class);
        talked.next(BuyerFrame.Event.class);
        desk.leave(silent);
        desk.leave(talked);

        // The detaches run on the lanes, maybe after the clock moved; five sweeps stay well within 120 minutes.
        for (int i = 0; i < 5 && desk.size() != 1; i++) {
            clock.advance(Conversations.EMPTY_IDLE.plusMinutes(1));
            desk.closeIdle();
            Thread.sleep(100);
        }
        assertEquals(1, desk.size());
        assertEquals(talked.conversationId(), memory.openConversations().get(0).summary().conversationId());
    }

    @Test
    void aFlagIsStoredForSupervisorsButNeverShownToTheBuyer() {
        RecordingLink buyer = new RecordingLink();
        hello(buyer);
        desk.say(buyer, new BuyerMessage("m1", "不发货就给差评", null));
        long seq = buyer.next(BuyerFrame.Ack.class).seq();
        assertEquals("answer", ((EventBody.BotReplied) body(buyer.next())).band());
        assertTrue(buyer.drain(100).isEmpty());
        EventBody.Flagged flag = (EventBody.Flagged) memory.events(buyer.conversationId(), 0, 10).stream()
                .map(e -> e.body()).filter(b -> b instanceof EventBody.Flagged).findFirst().orElseThrow();
        assertEquals(seq, flag.messageSeq());
    }

    /** Waiting lines whose enqueue waits for the test's go. */
    private static final class SlowLines implements dev.xiaoer.gateway.queue.WaitingLines {
        private final HumanQueue inner;
        private final java.util.concurrent.CountDownLatch go;

        SlowLines(HumanQueue inner, java.util.concurrent.CountDownLatch go) {
            this.inner = inner;
            this.go = go;
        }

        @Override
        public java.util.concurrent.CompletableFuture<dev.xiaoer.gateway.queue.Place> enqueue(Handoff h) {
            return java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }).thenCompose(v -> inner.enqueue(h));
        }

        @Override
        public java.util.concurrent.CompletableFuture<Optional<dev.xiaoer.gateway.queue.Place>> placeOf(String id) {
            return inner.placeOf(id);
        }

        @Override
        public void serve(dev.xiaoer.gateway.queue.Assignments assignments) {
            inner.serve(assignments);
        }

        @Override
        public boolean staffed(String queue) {
            return inner.staffed(queue);
        }

        @Override
        public Optional<dev.xiaoer.gateway.queue.AgentSeat> seat(String agentId) {
            return inner.seat(agentId);
        }

        @Override
        public void released(String conversationId, String agentId, boolean handled) {
            inner.released(conversationId, agentId, handled);
        }

        @Override
        public java.util.concurrent.CompletableFuture<dev.xiaoer.gateway.queue.Place> transferred(
                String conversationId, String agentId, Handoff handoff) {
            return inner.transferred(conversationId, agentId, handoff);
        }

        @Override
        public void restoreHeld(String conversationId, String agentId, String queue, java.time.Instant since) {
            inner.restoreHeld(conversationId, agentId, queue, since);
        }

        @Override
        public java.util.concurrent.CompletableFuture<Boolean> remove(String id) {
            return inner.remove(id);
        }

        @Override
        public java.util.concurrent.CompletableFuture<List<Handoff>> waiting(String queue) {
            return inner.waiting(queue);
        }

        @Override
        public void onMove(dev.xiaoer.gateway.queue.PlaceListener listener) {
            inner.onMove(listener);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void aTabThatResumesWhileTheWaitingLineIsTakingTheHandoffSeesItOnce() throws Exception {
        // Waiting lines that take their time, so that the resume lands between the stored handoff and the place.
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        SlowLines slow = new SlowLines(lines(), release);
        Conversations slowDesk = Conversations.builder().store(store).engine(engine).waitingLines(slow).clock(clock)
                .config(config).build();
        toClose.add(slowDesk);
        RecordingLink first = new RecordingLink();
        slowDesk.hello(first, new Hello(null, null, 0, null));
        BuyerFrame.Welcome w = first.next(BuyerFrame.Welcome.class);
        slowDesk.say(first, new BuyerMessage("m1", "我要退款", null));
        first.next(BuyerFrame.Ack.class);

        RecordingLink second = new RecordingLink();
        slowDesk.hello(second, new Hello(w.session(), w.token(), 0, null));
        BuyerFrame.Welcome resumed = second.next(BuyerFrame.Welcome.class);
        assertEquals(1, resumed.lastSeq(), "the handoff is not shown before the line has it");
        assertEquals("m1", ((EventBody.BuyerSaid) body(second.next())).messageId());
        release.countDown();

        BuyerFrame.Event queued = second.next(BuyerFrame.Event.class);
        assertInstanceOf(EventBody.HandedOff.class, queued.event().body());
        assertEquals(1, queued.place().position());
        assertTrue(second.drain(200).isEmpty(), "the handoff came once");
        assertEquals(queued.event().seq(), first.next(BuyerFrame.Event.class).event().seq());
        slow.close();
    }

    @Test
    void anEngineThatThrowsMakesTheBotAdmitItDoesNotKnowAndTheChatGoesOn() {
        RecordingLink buyer = new RecordingLink();
        hello(buyer);
        desk.say(buyer, new BuyerMessage("m1", "BOOM", null));
        buyer.next(BuyerFrame.Ack.class);
        assertEquals("unknown", ((EventBody.BotReplied) body(buyer.next())).band());
        desk.say(buyer, new BuyerMessage("m2", "什么时候发货", null));
        buyer.next(BuyerFrame.Ack.class);
        assertEquals("answer", ((EventBody.BotReplied) body(buyer.next())).band());
    }

    @Test
    void aMessageWhileShuttingDownIsRefusedAsRetryable() {
        RecordingLink buyer = new RecordingLink();
        hello(buyer);
        assertTrue(desk.drain(Duration.ofSeconds(1)));
        desk.say(buyer, new BuyerMessage("m1", "什么时候发货", null));
        BuyerFrame.Error e = buyer.next(BuyerFrame.Error.class);
        assertEquals(ErrorCode.SHUTTING_DOWN, e.code());
        assertTrue(e.code().retryable());
    }
}
