package dev.xiaoer.gateway.chat;

import dev.xiaoer.gateway.agent.Agent;
import dev.xiaoer.gateway.agent.TestAgents;
import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.ConversationState;
import dev.xiaoer.gateway.event.EventBody;
import dev.xiaoer.gateway.queue.AgentErrorCode;
import dev.xiaoer.gateway.queue.AgentFrame;
import dev.xiaoer.gateway.queue.AgentStatus;
import dev.xiaoer.gateway.queue.Handoff;
import dev.xiaoer.gateway.queue.HumanQueue;
import dev.xiaoer.gateway.queue.RecordingAgentLink;
import dev.xiaoer.gateway.store.InMemoryConversationStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The human side told as stories, without sockets: a buyer asks for a person, an agent takes the chat with its
 * whole history, they talk, the agent closes, the buyer rates; agents drop off and come back; chats move between
 * lines and agents; the gateway restarts in the middle.
 */
class AgentStoryTest {

    private static final Agent MEI = TestAgents.agent("mei", "小美", 5, "*");
    private static final Agent LAN = TestAgents.agent("lan", "小兰", 2, "after-sales");

    private final GatewayConfig config = GatewayConfig.defaults().withAgents(List.of(MEI, LAN));
    private final MutableClock clock = MutableClock.mondayShanghai(10, 0);
    private final KeywordEngine engine = new KeywordEngine();
    private InMemoryConversationStore memory = new InMemoryConversationStore();
    private HumanQueue queue;
    private Conversations chats;
    private AgentDesk agents;

    AgentStoryTest() {
        open();
    }

    private void open() {
        queue = new HumanQueue(config, clock);
        chats = Conversations.builder().store(memory).engine(engine).waitingLines(queue).clock(clock).config(config)
                .build();
        agents = new AgentDesk(chats, queue, config, clock);
    }

    /** The process dies; a new one starts over the same data. */
    private void restart() {
        stop();
        memory = memory.reopen();
        open();
        chats.restore();
    }

    private void stop() {
        chats.close();
        agents.close();
        queue.close();
        memory.close();
    }

    @AfterEach
    void close() {
        stop();
    }

    private RecordingLink buyer() {
        RecordingLink link = new RecordingLink();
        chats.hello(link, new Hello(null, null, 0, null));
        link.next(BuyerFrame.Welcome.class);
        return link;
    }

    private RecordingAgentLink login(Agent agent, AgentStatus status) {
        RecordingAgentLink link = new RecordingAgentLink();
        agents.connect(agent, link, status);
        link.next(AgentFrame.Welcome.class);
        return link;
    }

    private static EventBody body(BuyerFrame frame) {
        return assertInstanceOf(BuyerFrame.Event.class, frame).event().body();
    }

    /** The buyer asks for a refund and waits: returns the place they were given. */
    private BuyerFrame.Event refund(RecordingLink buyer, String id) {
        chats.say(buyer, new BuyerMessage(id, "我要退款", null));
        buyer.next(BuyerFrame.Ack.class);
        return buyer.next(BuyerFrame.Event.class);
    }

    private void settle() {
        queue.sweep().join();
        queue.sweep().join();
    }

    /** Sweeps until {@code done} holds (the queue's answers travel through lanes and the store), for up to 5 s. */
    private void eventually(java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 5 s");
            settle();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private List<EventBody> stored(String conversationId) {
        return memory.events(conversationId, 0, 1000).stream().map(ConversationEvent::body).toList();
    }

    @Test
    void aRefundReachesAnAgentWithTheWholeTranscriptAndTheBotFallsSilent() {
        RecordingAgentLink mei = login(MEI, AgentStatus.AWAY);
        RecordingLink buyer = buyer();
        chats.say(buyer, new BuyerMessage("m1", "什么时候发货", null));
        buyer.next(BuyerFrame.Ack.class);
        assertEquals("answer", ((EventBody.BotReplied) body(buyer.next())).band());
        chats.say(buyer, new BuyerMessage("m2", "我要退款，不然给差评", null));
        buyer.next(BuyerFrame.Ack.class);
        BuyerFrame.Event queued = buyer.next(BuyerFrame.Event.class);
        assertEquals(1, queued.place().position());

        agents.claim(MEI, mei, buyer.conversationId());
        AgentFrame.Assigned assigned = mei.next(AgentFrame.Assigned.class);
        assertEquals(buyer.conversationId(), assigned.conversationId());
        assertEquals("claim", assigned.how());
        assertEquals(List.of("buyer_message", "bot_reply", "buyer_message", "flag", "handoff", "agent_joined"),
                assigned.history().stream().map(e -> e.body().type()).toList(),
                "the agent sees everything, the supervisor flag too");
        assertEquals("after-sales", assigned.route().queue());
        assertEquals("退款", assigned.route().trigger());
        EventBody.AgentJoined joined = assertInstanceOf(EventBody.AgentJoined.class, body(buyer.next()));
        assertEquals("小美", joined.agentName());

        chats.say(buyer, new BuyerMessage("m3", "在吗", null));
        buyer.next(BuyerFrame.Ack.class);
        AgentFrame.Event heard = mei.next(AgentFrame.Event.class);
        assertEquals("在吗", ((EventBody.BuyerSaid) heard.event().body()).text());
        assertTrue(buyer.drain(150).isEmpty(), "the bot says nothing while a person holds the chat");

        agents.say(MEI, mei, buyer.conversationId(), "a1", "您好，我来帮您处理退款。");
        AgentFrame.Ack ack = mei.next(AgentFrame.Ack.class);
        EventBody.AgentSaid said = assertInstanceOf(EventBody.AgentSaid.class, body(buyer.next()));
        assertEquals("您好，我来帮您处理退款。", said.text());
        assertEquals("小美", said.agentName());
        agents.say(MEI, mei, buyer.conversationId(), "a1", "您好，我来帮您处理退款。");
        AgentFrame.Ack again = mei.next(AgentFrame.Ack.class);
        assertTrue(again.duplicate());
        assertEquals(ack.seq(), again.seq(), "a resent agent message is stored once");
        assertEquals(1, stored(buyer.conversationId()).stream().filter(b -> b instanceof EventBody.AgentSaid).count());
    }

    @Test
    void whenTheAgentClosesTheBuyerIsAskedForARatingAndRatesOnce() {
        RecordingAgentLink mei = login(MEI, null);
        RecordingLink buyer = buyer();
        refund(buyer, "m1");
        mei.next(AgentFrame.Assigned.class);
        buyer.next(BuyerFrame.Event.class); // agent_joined

        chats.rate(buyer, 5, "");
        assertEquals(ErrorCode.NOT_CLOSED, buyer.next(BuyerFrame.Error.class).code());

        agents.close(MEI, mei, buyer.conversationId());
        EventBody.Closed closed = assertInstanceOf(EventBody.Closed.class, body(buyer.next()));
        assertEquals("agent", closed.by());
        assertInstanceOf(EventBody.Closed.class, mei.next(AgentFrame.Event.class).event().body());

        chats.rate(buyer, 4, "态度很好");
        EventBody.Rated rated = assertInstanceOf(EventBody.Rated.class, body(buyer.next()));
        assertEquals(4, rated.score());
        assertEquals(4, ((EventBody.Rated) mei.next(AgentFrame.Event.class).event().body()).score(),
                "the agent who closed hears the rating");
        chats.rate(buyer, 1, "改主意了");
        assertEquals(ErrorCode.ALREADY_RATED, buyer.next(BuyerFrame.Error.class).code());
        chats.say(buyer, new BuyerMessage("m2", "还在吗", null));
        assertEquals(ErrorCode.CONVERSATION_CLOSED, buyer.next(BuyerFrame.Error.class).code());

        List<EventBody> events = stored(buyer.conversationId());
        assertEquals(new EventBody.Rated(4, "态度很好"), events.get(events.size() - 1));
        assertEquals(ConversationState.CLOSED, memory.conversation(buyer.conversationId()).orElseThrow().state());
    }

    @Test
    void theBuyerMayEndTheChatWhileWaitingAndLeavesTheLine() {
        login(MEI, AgentStatus.AWAY);
        RecordingLink buyer = buyer();
        refund(buyer, "m1");
        chats.close(buyer);
        EventBody.Closed closed = assertInstanceOf(EventBody.Closed.class, body(buyer.next()));
        assertEquals("buyer", closed.by());
        eventually(() -> queue.waiting("after-sales").join().isEmpty());
        chats.close(buyer);
        assertEquals(ErrorCode.CONVERSATION_CLOSED, buyer.next(BuyerFrame.Error.class).code());
    }

    @Test
    void aBuyerEndingTheChatTellsTheAgentAndFreesTheirSlotForTheNext() {
        RecordingAgentLink lan = login(LAN, null);
        RecordingLink first = buyer();
        RecordingLink second = buyer();
        RecordingLink third = buyer();
        refund(first, "a");
        refund(second, "b");
        refund(third, "c");
        lan.next(AgentFrame.Assigned.class);
        lan.next(AgentFrame.Assigned.class);
        settle();
        assertEquals(1, queue.waiting("after-sales").join().size(), "lan holds two, her cap");

        chats.close(first);
        AgentFrame.Event closed = lan.next(AgentFrame.Event.class);
        assertEquals(first.conversationId(), closed.conversationId());
        assertEquals("buyer", ((EventBody.Closed) closed.event().body()).by());
        assertEquals(third.conversationId(), lan.next(AgentFrame.Assigned.class).conversationId());
    }

    @Test
    void typingShowsBothWaysAndIsNeverStored() {
        RecordingAgentLink mei = login(MEI, null);
        RecordingLink buyer = buyer();
        refund(buyer, "m1");
        mei.next(AgentFrame.Assigned.class);
        buyer.next(BuyerFrame.Event.class);
        int before = stored(buyer.conversationId()).size();

        chats.typing(buyer, true);
        assertTrue(mei.next(AgentFrame.Typing.class).active());
        agents.typing(MEI, mei, buyer.conversationId(), true);
        BuyerFrame.Typing typing = buyer.next(BuyerFrame.Typing.class);
        assertEquals("小美", typing.agentName());
        assertTrue(typing.active());
        assertEquals(before, stored(buyer.conversationId()).size());
    }

    @Test
    void anAgentCannotWriteToCloseOrMoveAChatTheyDoNotHold() {
        RecordingAgentLink mei = login(MEI, null);
        RecordingAgentLink lan = login(LAN, AgentStatus.AWAY);
        RecordingLink buyer = buyer();
        refund(buyer, "m1");
        mei.next(AgentFrame.Assigned.class);

        agents.say(LAN, lan, buyer.conversationId(), "x1", "我来接手");
        assertEquals(AgentErrorCode.NOT_YOURS, lan.next(AgentFrame.Error.class).code());
        agents.close(LAN, lan, buyer.conversationId());
        assertEquals(AgentErrorCode.NOT_YOURS, lan.next(AgentFrame.Error.class).code());
        agents.transferToQueue(LAN, lan, buyer.conversationId(), "complaints");
        assertEquals(AgentErrorCode.NOT_YOURS, lan.next(AgentFrame.Error.class).code());
        agents.say(LAN, lan, "no-such-chat", "x2", "hello");
        assertEquals(AgentErrorCode.NOT_FOUND, lan.next(AgentFrame.Error.class).code());
        agents.transferToQueue(MEI, mei, buyer.conversationId(), "nowhere");
        assertEquals(AgentErrorCode.UNKNOWN_QUEUE, mei.next(AgentFrame.Error.class).code());
        assertFalse(stored(buyer.conversationId()).stream().anyMatch(b -> b instanceof EventBody.AgentSaid));
    }

    @Test
    void aTransferToAnotherLineKeepsTheTimeTheBuyerStartedWaiting() {
        RecordingAgentLink lan = login(LAN, null);
        RecordingLink buyer = buyer();
        refund(buyer, "m1");
        Instant handedOffAt = clock.instant();
        lan.next(AgentFrame.Assigned.class);
        buyer.next(BuyerFrame.Event.class);
        clock.advance(Duration.ofMinutes(2));

        agents.transferToQueue(LAN, lan, buyer.conversationId(), "complaints");
        assertEquals("transferred", lan.next(AgentFrame.Released.class).reason());
        EventBody.AgentLeft left = assertInstanceOf(EventBody.AgentLeft.class, body(buyer.next()));
        assertEquals("transfer", left.reason());
        BuyerFrame.Event queued = buyer.next(BuyerFrame.Event.class);
        EventBody.HandedOff to = assertInstanceOf(EventBody.HandedOff.class, queued.event().body());
        assertEquals("complaints", to.queue());
        assertEquals("退款", to.trigger(), "the original trigger goes along");
        assertEquals(1, queued.place().position());
        Handoff waiting = queue.waiting("complaints").join().get(0);
        assertEquals(handedOffAt, waiting.waitingSince(), "the buyer does not start waiting again");
    }

    @Test
    void aChatSentToAnotherLineIsNotHandedStraightBackToTheAgentWhoSentIt() {
        RecordingAgentLink mei = login(MEI, null);
        RecordingLink buyer = buyer();
        refund(buyer, "m1");
        mei.next(AgentFrame.Assigned.class);
        agents.transferToQueue(MEI, mei, buyer.conversationId(), "complaints");
        mei.next(AgentFrame.Released.class);
        settle();
        assertTrue(mei.drainNews(150).isEmpty(), "mei serves complaints too, but she just sent it away");
        RecordingAgentLink lan = login(TestAgents.agent("lan", "小兰", 2, "after-sales"), null);
        assertTrue(lan.drainNews(100).isEmpty(), "lan does not serve complaints");
        agents.claim(MEI, mei, buyer.conversationId());
        assertEquals(buyer.conversationId(), mei.next(AgentFrame.Assigned.class).conversationId(),
                "she may still take it back on purpose");
    }

    @Test
    void aChatHandedStraightToAColleagueArrivesWithEverythingSaidSoFar() {
        RecordingAgentLink lan = login(LAN, null);
        RecordingLink buyer = buyer();
        refund(buyer, "m1");
        lan.next(AgentFrame.Assigned.class);
        buyer.next(BuyerFrame.Event.class);
        agents.say(LAN, lan, buyer.conversationId(), "l1", "我请同事帮您看看");
        lan.next(AgentFrame.Ack.class);
        buyer.next(BuyerFrame.Event.class);
        RecordingAgentLink mei = login(MEI, AgentStatus.AWAY);

        agents.transferToAgent(LAN, lan, buyer.conversationId(), "mei");
        assertEquals(AgentErrorCode.AGENT_UNAVAILABLE, lan.next(AgentFrame.Error.class).code(), "mei is away");
        agents.status(MEI, mei, AgentStatus.AVAILABLE);
        mei.next(AgentFrame.Status.class);
        agents.transferToAgent(LAN, lan, buyer.conversationId(), "mei");
        AgentFrame.Assigned got = mei.next(AgentFrame.Assigned.class);
        assertEquals("transfer", got.how());
        assertTrue(got.history().stream().anyMatch(e -> e.body() instanceof EventBody.AgentSaid s
                && s.text().equals("我请同事帮您看看")));
        assertEquals("transferred", lan.next(AgentFrame.Released.class).reason());
        assertEquals("小兰", ((EventBody.AgentLeft) body(buyer.next())).agentName());
        assertEquals("小美", ((EventBody.AgentJoined) body(buyer.next())).agentName());
        agents.say(LAN, lan, buyer.conversationId(), "l2", "还是我吧");
        assertEquals(AgentErrorCode.NOT_YOURS, lan.next(AgentFrame.Error.class).code());
    }

    @Test
    void anAgentWhoDoesNotComeBackInTimeLosesTheChatToTheHeadOfTheLineAndTheBuyerIsTold() {
        RecordingAgentLink lan = login(LAN, null);
        RecordingAgentLink mei = login(MEI, AgentStatus.AWAY);
        RecordingLink held = buyer();
        refund(held, "a");
        lan.next(AgentFrame.Assigned.class);
        held.next(BuyerFrame.Event.class);
        agents.disconnected(LAN, lan);
        clock.advance(Duration.ofSeconds(10));
        RecordingLink newcomer = buyer();
        refund(newcomer, "b");

        clock.advance(Duration.ofSeconds(60));
        settle();
        EventBody.AgentLeft left = assertInstanceOf(EventBody.AgentLeft.class, body(held.next()));
        assertEquals("小兰", left.agentName());
        assertEquals("disconnected", left.reason());
        assertEquals(1, held.next(BuyerFrame.Position.class).place().position(), "back at the head of the line");
        assertEquals(List.of(held.conversationId(), newcomer.conversationId()),
                queue.waiting("after-sales").join().stream().map(Handoff::conversationId).toList());
        assertEquals(2, newcomer.next(BuyerFrame.Position.class).place().position());

        agents.claim(MEI, mei, held.conversationId());
        AgentFrame.Assigned taken = mei.next(AgentFrame.Assigned.class);
        assertTrue(taken.history().stream().anyMatch(e -> e.body() instanceof EventBody.AgentLeft),
                "the next agent sees that a colleague dropped off");
    }

    @Test
    void anAgentWhoComesBackInTimeFindsTheirChatAsTheyLeftIt() {
        RecordingAgentLink lan = login(LAN, null);
        RecordingLink buyer = buyer();
        refund(buyer, "a");
        lan.next(AgentFrame.Assigned.class);
        buyer.next(BuyerFrame.Event.class);
        agents.disconnected(LAN, lan);
        settle();
        chats.say(buyer, new BuyerMessage("b", "人呢？", null));
        buyer.next(BuyerFrame.Ack.class);
        clock.advance(Duration.ofSeconds(45));
        settle();

        RecordingAgentLink back = login(LAN, null);
        // A live event may overtake the history on a reconnect; consoles keep one of each seq.
        AgentFrame f;
        while (!((f = back.next()) instanceof AgentFrame.Assigned)) {
            assertTrue(f instanceof AgentFrame.Event || f instanceof AgentFrame.Lines || f instanceof AgentFrame.Line
                    || f instanceof AgentFrame.Roster, f::toString);
        }
        AgentFrame.Assigned again = (AgentFrame.Assigned) f;
        assertTrue(again.resumed());
        assertTrue(again.history().stream().anyMatch(e -> e.body() instanceof EventBody.BuyerSaid s
                && s.text().equals("人呢？")), "what the buyer said meanwhile is in the history");
        clock.advance(Duration.ofMinutes(5));
        settle();
        assertTrue(buyer.drain(150).isEmpty(), "the buyer never noticed");
    }

    @Test
    void afterARestartAChatHeldByAnAgentWaitsForThemAndComesBackOnLogin() {
        RecordingAgentLink lan = login(LAN, null);
        RecordingLink buyer = buyer();
        refund(buyer, "a");
        lan.next(AgentFrame.Assigned.class);
        String id = buyer.conversationId();

        restart();
        clock.advance(Duration.ofSeconds(20));
        RecordingAgentLink back = login(LAN, null);
        AgentFrame.Assigned again = back.next(AgentFrame.Assigned.class);
        assertEquals(id, again.conversationId());
        assertTrue(again.resumed());
        agents.say(LAN, back, id, "l1", "我回来了");
        assertEquals(id, back.next(AgentFrame.Ack.class).conversationId());
    }

    @Test
    void afterARestartAChatWhoseAgentDoesNotReturnGoesBackToTheHeadOfItsLine() {
        RecordingAgentLink lan = login(LAN, null);
        RecordingLink buyer = buyer();
        refund(buyer, "a");
        lan.next(AgentFrame.Assigned.class);
        String id = buyer.conversationId();

        restart();
        settle(); // the start is over before time passes
        clock.advance(Duration.ofSeconds(61));
        eventually(() -> !queue.waiting("after-sales").join().isEmpty());
        Handoff back = queue.waiting("after-sales").join().get(0);
        assertEquals(id, back.conversationId());
        assertTrue(back.front());
        EventBody last = stored(id).get(stored(id).size() - 1);
        assertEquals("disconnected", ((EventBody.AgentLeft) last).reason());
    }

    @Test
    void aChatWaitingPastTheSlaTellsTheBuyerOnceThatSomeoneIsComing() {
        RecordingAgentLink mei = login(MEI, AgentStatus.AWAY);
        RecordingLink buyer = buyer();
        refund(buyer, "a");
        clock.advance(Duration.ofMinutes(15));
        settle();
        EventBody.SystemNotice notice = assertInstanceOf(EventBody.SystemNotice.class, body(buyer.next()));
        assertEquals("still_waiting", notice.code());
        assertEquals(config.textsFor("zh").stillWaiting(), notice.text());
        assertEquals(buyer.conversationId(), mei.next(AgentFrame.SlaBreach.class).conversationId());

        clock.advance(Duration.ofMinutes(15));
        settle();
        mei.next(AgentFrame.SlaBreach.class);
        assertTrue(buyer.drain(150).isEmpty(), "told once only");
    }

    @Test
    void withNobodyLoggedInAHandoffWaitsAsAMessageForLater() {
        RecordingLink buyer = buyer();
        chats.say(buyer, new BuyerMessage("m1", "我要退款", null));
        buyer.next(BuyerFrame.Ack.class);
        EventBody.SystemNotice notice = assertInstanceOf(EventBody.SystemNotice.class, body(buyer.next()));
        assertEquals("no_agents", notice.code());
        assertTrue(((EventBody.HandedOff) body(buyer.next())).leaveMessage());

        RecordingAgentLink lan = login(LAN, null);
        assertEquals(buyer.conversationId(), lan.next(AgentFrame.Assigned.class).conversationId(),
                "the first agent to log in gets the message");
    }
}
