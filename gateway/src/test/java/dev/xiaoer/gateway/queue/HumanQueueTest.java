package dev.xiaoer.gateway.queue;

import dev.xiaoer.gateway.agent.Agent;
import dev.xiaoer.gateway.agent.TestAgents;
import dev.xiaoer.gateway.chat.MutableClock;
import dev.xiaoer.gateway.config.GatewayConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The queue on its own: lines, caps, claims, auto-assignment, grace periods and the SLA, with conversations that
 * do at once whatever the queue asks (the chat's side is told as stories in the chat package).
 */
class HumanQueueTest {

    private final MutableClock clock = MutableClock.mondayShanghai(10, 0);
    private final AgreeingConversations chats = new AgreeingConversations();
    private HumanQueue queue;

    private HumanQueue queue(Agent... agents) {
        GatewayConfig config = GatewayConfig.defaults().withAgents(List.of(agents));
        queue = new HumanQueue(config, clock);
        queue.serve(chats);
        return queue;
    }

    @AfterEach
    void close() {
        if (queue != null) {
            queue.close();
        }
    }

    private Handoff handoff(String id, String line, int priority, Instant since) {
        Handoff h = new Handoff(id, line, line, priority, since, false, false, "退款", "我要退款");
        chats.handoffs.put(id, h);
        return h;
    }

    private Place enqueue(String id, String line, int priority, Instant since) {
        return queue.enqueue(handoff(id, line, priority, since)).join();
    }

    private List<String> waiting(String line) {
        return queue.waiting(line).join().stream().map(Handoff::conversationId).toList();
    }

    private RecordingAgentLink login(String agentId) {
        return login(agentId, null);
    }

    /** Logged in and away: takes no chats unless they claim them. */
    private RecordingAgentLink loginAway(String agentId) {
        return login(agentId, AgentStatus.AWAY);
    }

    private RecordingAgentLink login(String agentId, AgentStatus status) {
        RecordingAgentLink link = new RecordingAgentLink();
        queue.connect(queue.seat(agentId).orElseThrow(), link, "token-" + agentId, Duration.ofHours(8), status);
        AgentFrame.Welcome w = assertInstanceOf(AgentFrame.Welcome.class, link.next());
        assertEquals(agentId, w.agent().id());
        return link;
    }

    private void settle() {
        // Two sweeps: the second runs after whatever the first one's answers queued on the queue's thread.
        queue.sweep().join();
        queue.sweep().join();
    }

    @Test
    void aLineServesHigherPriorityFirstThenTheLongestWaiting() {
        queue();
        Instant t = clock.instant();
        enqueue("late-urgent", "human", 50, t.plusSeconds(30));
        enqueue("early", "human", 10, t);
        enqueue("later", "human", 10, t.plusSeconds(10));
        // Restored after a restart with its original time: it goes before everyone who came after it.
        enqueue("restored", "human", 10, t.minusSeconds(300));
        assertEquals(List.of("late-urgent", "restored", "early", "later"), waiting("human"));
    }

    @Test
    void buyersLearnTheirPlaceAndItMovesUpWhenTheHeadIsTaken() {
        queue(TestAgents.agent("mei", "小美", 5, "after-sales"));
        Map<String, Place> told = new ConcurrentHashMap<>();
        queue.onMove(told::put);
        Instant t = clock.instant();
        assertEquals(new Place("after-sales", 1, 180), enqueue("a", "after-sales", 50, t));
        Place second = enqueue("b", "after-sales", 50, t.plusSeconds(1));
        assertEquals(2, second.position());
        assertEquals(360, second.etaSeconds(), "nobody available: one handling time per chat ahead");

        RecordingAgentLink mei = loginAway("mei");
        queue.claim("mei", mei, "a");
        assertEquals("a", mei.next(AgentFrame.Assigned.class).conversationId());
        settle();
        assertEquals(1, told.get("b").position(), "b moved up and was told");
        assertEquals(List.of("b"), waiting("after-sales"));
    }

    @Test
    void theWaitEstimateFollowsHowLongChatsReallyTakeAndHowManyAgentsServe() {
        queue(TestAgents.agent("mei", "小美", 1, "human"), TestAgents.agent("lan", "小兰", 1, "human"));
        Instant t = clock.instant();
        RecordingAgentLink mei = login("mei");
        enqueue("a", "human", 10, t);
        mei.next(AgentFrame.Assigned.class);
        // Mei handles the chat for 80 s: the average moves a fifth of the way from 180 s towards it.
        clock.advance(Duration.ofSeconds(80));
        queue.released("a", "mei", true);
        queue.status("mei", mei, AgentStatus.AWAY);
        mei.next(AgentFrame.Status.class);
        settle();
        assertEquals(160, enqueue("b", "human", 10, clock.instant()).etaSeconds(), "180 + 0.2 × (80 − 180)");
        RecordingAgentLink lan = login("lan");
        lan.next(AgentFrame.Assigned.class);
        assertEquals(160, enqueue("c", "human", 10, clock.instant()).etaSeconds(), "one slot: 160 s");
        queue.status("mei", mei, AgentStatus.AVAILABLE);
        assertEquals(AgentStatus.AVAILABLE, mei.next(AgentFrame.Status.class).status());
        mei.next(AgentFrame.Assigned.class);
        enqueue("d", "human", 10, clock.instant());
        assertEquals(160, enqueue("e", "human", 10, clock.instant()).etaSeconds(), "two slots: 2 × 160 / 2");
    }

    @Test
    void autoAssignmentPicksTheAgentWithFewestOpenChatsThenTheOneIdleLongest() {
        queue(TestAgents.agent("mei", "小美", 3, "human"), TestAgents.agent("lan", "小兰", 3, "human"),
                TestAgents.agent("ju", "小菊", 3, "complaints"));
        Instant t = clock.instant();
        RecordingAgentLink mei = login("mei");
        clock.advance(Duration.ofSeconds(5));
        RecordingAgentLink lan = login("lan");
        RecordingAgentLink ju = login("ju");

        enqueue("first", "human", 10, t);
        assertEquals("first", mei.next(AgentFrame.Assigned.class).conversationId(),
                "both have none; mei has been idle longer");
        clock.advance(Duration.ofSeconds(1));
        enqueue("second", "human", 10, t);
        assertEquals("second", lan.next(AgentFrame.Assigned.class).conversationId(), "lan has fewer open chats");
        clock.advance(Duration.ofSeconds(5));
        enqueue("third", "human", 10, t);
        assertEquals("third", mei.next(AgentFrame.Assigned.class).conversationId(),
                "both have one; mei's last chat is older");
        assertTrue(ju.drainNews(100).isEmpty(), "ju does not serve the human line");
    }

    @Test
    void anAgentNeverHoldsMoreThanTheirCap() {
        queue(TestAgents.agent("mei", "小美", 2, "human"));
        Instant t = clock.instant();
        for (int i = 0; i < 5; i++) {
            enqueue("c" + i, "human", 10, t.plusSeconds(i));
        }
        RecordingAgentLink mei = login("mei");
        assertEquals("c0", mei.next(AgentFrame.Assigned.class).conversationId());
        assertEquals("c1", mei.next(AgentFrame.Assigned.class).conversationId());
        settle();
        assertTrue(mei.drainNews(100).isEmpty(), "no third chat");
        assertEquals(List.of("c2", "c3", "c4"), waiting("human"));

        queue.claim("mei", mei, "c3");
        assertEquals("at_capacity", mei.next(AgentFrame.ClaimFailed.class).reason());

        queue.released("c0", "mei", true);
        assertEquals("c2", mei.next(AgentFrame.Assigned.class).conversationId(), "a freed slot takes the next");
    }

    @Test
    void manyAgentsClaimingAtOnceGetOneChatEachAndNobodyGoesOverTheirCap() throws Exception {
        List<Agent> agents = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            agents.add(TestAgents.agent("a" + i, "客服" + i, 2, "human"));
        }
        queue(agents.toArray(new Agent[0]));
        Instant t = clock.instant();
        for (int c = 0; c < 20; c++) {
            enqueue("c" + c, "human", 10, t.plusSeconds(c));
        }
        Map<String, RecordingAgentLink> links = new HashMap<>();
        for (Agent a : agents) {
            links.put(a.id(), loginAway(a.id()));
        }
        // Every agent claims every chat, all at once, from as many threads.
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Void>> claims = new ArrayList<>();
        for (Agent a : agents) {
            claims.add(CompletableFuture.runAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (int c = 0; c < 20; c++) {
                    queue.claim(a.id(), links.get(a.id()), "c" + c);
                }
            }, pool));
        }
        go.countDown();
        CompletableFuture.allOf(claims.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
        pool.shutdown();
        settle();

        Map<String, String> winners = new HashMap<>();
        for (Agent a : agents) {
            int won = 0;
            for (AgentFrame f : links.get(a.id()).drain(50)) {
                if (f instanceof AgentFrame.Assigned as) {
                    won++;
                    String before = winners.put(as.conversationId(), a.id());
                    assertEquals(null, before, as.conversationId() + " went to two agents");
                } else if (f instanceof AgentFrame.ClaimFailed failed) {
                    assertTrue(List.of("taken", "at_capacity").contains(failed.reason()), failed.reason());
                }
            }
            assertTrue(won <= 2, a.id() + " holds " + won + " chats, over the cap of 2");
        }
        assertEquals(16, winners.size(), "8 agents × 2 slots");
        assertEquals(winners, new HashMap<>(chats.holder), "the conversations agree on every holder");
        assertEquals(4, waiting("human").size());
    }

    @Test
    void aClaimOutsideTheAgentsQueuesIsRefusedButASupervisorMayClaimAnything() {
        queue(TestAgents.agent("mei", "小美", 5, "human"), TestAgents.supervisor("boss", "店长", 5, "human"));
        enqueue("refund", "after-sales", 50, clock.instant());
        RecordingAgentLink mei = loginAway("mei");
        RecordingAgentLink boss = loginAway("boss");
        queue.claim("mei", mei, "refund");
        assertEquals("not_your_queue", mei.next(AgentFrame.ClaimFailed.class).reason());
        queue.claim("boss", boss, "refund");
        assertEquals("refund", boss.next(AgentFrame.Assigned.class).conversationId());
        queue.claim("mei", mei, "refund");
        assertEquals("taken", mei.next(AgentFrame.ClaimFailed.class).reason());
        queue.claim("mei", mei, "nobody");
        assertEquals("not_waiting", mei.next(AgentFrame.ClaimFailed.class).reason());
    }

    @Test
    void agentsSeeOnlyTheLinesOfTheirQueuesAndSupervisorsSeeThemAll() {
        queue(TestAgents.agent("mei", "小美", 5, "human"), TestAgents.supervisor("boss", "店长", 5, "human"));
        RecordingAgentLink mei = new RecordingAgentLink();
        queue.connect(queue.seat("mei").orElseThrow(), mei, "t", Duration.ofHours(1), null);
        mei.next(AgentFrame.Welcome.class);
        AgentFrame.Lines meiLines = assertInstanceOf(AgentFrame.Lines.class, mei.next());
        assertEquals(List.of("human"), meiLines.lines().stream().map(l -> l.queue().id()).toList());
        RecordingAgentLink boss = new RecordingAgentLink();
        queue.connect(queue.seat("boss").orElseThrow(), boss, "t", Duration.ofHours(1), null);
        boss.next(AgentFrame.Welcome.class);
        AgentFrame.Lines bossLines = assertInstanceOf(AgentFrame.Lines.class, boss.next());
        assertEquals(List.of("complaints", "after-sales", "human"),
                bossLines.lines().stream().map(l -> l.queue().id()).toList());

        queue.status("mei", mei, AgentStatus.AWAY);
        queue.status("boss", boss, AgentStatus.AWAY);
        enqueue("refund", "after-sales", 50, clock.instant());
        settle();
        assertTrue(mei.drain(100).stream().noneMatch(f -> f instanceof AgentFrame.Line l
                && l.line().queue().id().equals("after-sales")), "mei never sees the after-sales line");
        assertTrue(boss.drain(100).stream().anyMatch(f -> f instanceof AgentFrame.Line l
                && l.line().waiting().size() == 1 && l.line().waiting().get(0).preview().equals("我要退款")));
    }

    @Test
    void anAgentWhoComesBackWithinTheGracePeriodKeepsTheirChats() {
        queue(TestAgents.agent("mei", "小美", 5, "human"));
        RecordingAgentLink mei = login("mei");
        enqueue("c", "human", 10, clock.instant());
        mei.next(AgentFrame.Assigned.class);
        queue.disconnected("mei", mei);
        clock.advance(Duration.ofSeconds(59));
        settle();
        assertTrue(chats.takenBack.isEmpty());

        RecordingAgentLink again = new RecordingAgentLink();
        queue.connect(queue.seat("mei").orElseThrow(), again, "t2", Duration.ofHours(8), null);
        AgentFrame.Welcome w = again.next(AgentFrame.Welcome.class);
        assertTrue(w.resumed());
        AgentFrame.Assigned back = again.next(AgentFrame.Assigned.class);
        assertEquals("c", back.conversationId());
        assertTrue(back.resumed());
        clock.advance(Duration.ofMinutes(5));
        settle();
        assertTrue(chats.takenBack.isEmpty(), "the grace period ended when mei came back");
        assertEquals("mei", chats.holder.get("c"));
    }

    @Test
    void anAgentWhoStaysAwayPastTheGracePeriodLosesTheirChatsToTheHeadOfTheirLines() {
        queue(TestAgents.agent("mei", "小美", 5, "human"), TestAgents.agent("lan", "小兰", 5, "human"));
        RecordingAgentLink mei = login("mei");
        Instant t = clock.instant();
        enqueue("held", "human", 10, t);
        mei.next(AgentFrame.Assigned.class);
        queue.status("mei", mei, AgentStatus.AWAY);
        enqueue("urgent", "human", 90, t.plusSeconds(1));
        enqueue("older", "human", 10, t.minusSeconds(600));

        clock.advance(Duration.ofSeconds(61));
        settle();
        assertEquals(List.of("held"), chats.takenBack);
        assertEquals("away", chats.reasons.get(0));
        assertEquals(List.of("held", "urgent", "older"), waiting("human"), "back at the very head of the line");
        assertEquals(AgentStatus.AWAY, mei.drain(100).stream().filter(f -> f instanceof AgentFrame.Roster)
                .map(f -> ((AgentFrame.Roster) f).agents().get(0).status()).reduce((a, b) -> b).orElseThrow());

        RecordingAgentLink lan = login("lan");
        assertEquals("held", lan.next(AgentFrame.Assigned.class).conversationId(), "the next agent takes it first");
    }

    @Test
    void anAwayAgentWhoClaimsKeepsTheChatAndTheGracePeriodCountsFromTheClaim() {
        queue(TestAgents.agent("mei", "小美", 5, "human"));
        RecordingAgentLink mei = loginAway("mei");
        clock.advance(Duration.ofMinutes(10)); // away far longer than the grace period, holding nothing
        settle();
        enqueue("c", "human", 10, clock.instant());
        queue.claim("mei", mei, "c");
        assertEquals("c", mei.next(AgentFrame.Assigned.class).conversationId());
        settle();
        assertTrue(chats.takenBack.isEmpty(), "a chat claimed while away is not sent back at once");
        assertEquals("mei", chats.holder.get("c"));

        clock.advance(Duration.ofSeconds(59));
        settle();
        assertTrue(chats.takenBack.isEmpty());
        clock.advance(Duration.ofSeconds(2));
        settle();
        assertEquals(List.of("c"), chats.takenBack, "still away a grace period after the claim: back to the line");
        assertEquals("away", chats.reasons.get(0));
    }

    @Test
    void anAwayAgentWhoKeepsWritingKeepsTheirChats() {
        queue(TestAgents.agent("mei", "小美", 5, "human"));
        RecordingAgentLink mei = login("mei");
        enqueue("c", "human", 10, clock.instant());
        mei.next(AgentFrame.Assigned.class);
        queue.status("mei", mei, AgentStatus.AWAY);
        clock.advance(Duration.ofSeconds(50));
        queue.atWork("mei", mei);
        settle();
        clock.advance(Duration.ofSeconds(50));
        settle();
        assertTrue(chats.takenBack.isEmpty(), "she wrote 50 s ago: still at the desk");
        queue.atWork("mei", new RecordingAgentLink()); // an old connection of hers counts for nothing
        settle();
        clock.advance(Duration.ofSeconds(11));
        settle();
        assertEquals(List.of("c"), chats.takenBack, "a grace period without a word: back to the line");
    }

    @Test
    void logoutSendsTheChatsBackAtOnce() {
        queue(TestAgents.agent("mei", "小美", 5, "human"));
        RecordingAgentLink mei = login("mei");
        enqueue("c", "human", 10, clock.instant());
        mei.next(AgentFrame.Assigned.class);
        queue.logout("mei", mei);
        settle();
        assertEquals(List.of("c"), chats.takenBack);
        assertEquals("logout", chats.reasons.get(0));
        assertEquals(List.of("c"), waiting("human"));
    }

    @Test
    void aSecondLoginReplacesTheFirstConnection() {
        queue(TestAgents.agent("mei", "小美", 5, "human"));
        RecordingAgentLink first = login("mei");
        RecordingAgentLink second = login("mei");
        AgentFrame.Error replaced = first.next(AgentFrame.Error.class);
        assertEquals(AgentErrorCode.REPLACED, replaced.code());
        assertEquals("logged in elsewhere", first.closedBecause());
        queue.disconnected("mei", first); // the old socket closing must not log mei out
        enqueue("c", "human", 10, clock.instant());
        assertEquals("c", second.next(AgentFrame.Assigned.class).conversationId());
    }

    @Test
    void aChatPastTheSlaRingsItsQueueAndTheSupervisorsAgainEachPeriodAndTheBuyerHearsOnce() {
        queue(TestAgents.agent("mei", "小美", 5, "human"), TestAgents.agent("ju", "小菊", 5, "complaints"),
                TestAgents.supervisor("boss", "店长", 5, "complaints"));
        RecordingAgentLink mei = loginAway("mei");
        RecordingAgentLink ju = loginAway("ju");
        RecordingAgentLink boss = loginAway("boss");
        enqueue("slow", "human", 10, clock.instant());

        clock.advance(Duration.ofMinutes(14));
        settle();
        assertTrue(mei.drainNews(50).isEmpty(), "not late yet");
        clock.advance(Duration.ofMinutes(1));
        settle();
        AgentFrame.SlaBreach ring = mei.next(AgentFrame.SlaBreach.class);
        assertEquals("slow", ring.conversationId());
        assertEquals(15 * 60, ring.waitingSeconds());
        assertEquals("slow", boss.next(AgentFrame.SlaBreach.class).conversationId());
        assertTrue(ju.drainNews(50).isEmpty(), "ju does not serve the human line");
        assertEquals(List.of("slow"), chats.stillWaiting);

        clock.advance(Duration.ofMinutes(5));
        settle();
        assertTrue(mei.drainNews(50).isEmpty(), "no ringing every second");
        clock.advance(Duration.ofMinutes(10));
        settle();
        assertEquals(30 * 60, mei.next(AgentFrame.SlaBreach.class).waitingSeconds(), "rings again after 15 more");
        assertEquals(List.of("slow"), chats.stillWaiting, "the buyer is told once");
    }

    @Test
    void aMessageLeftForLaterIsNotLate() {
        queue(TestAgents.agent("mei", "小美", 5, "human"));
        RecordingAgentLink mei = loginAway("mei");
        queue.enqueue(new Handoff("night", "human", "人工", 10, clock.instant(), true)).join();
        clock.advance(Duration.ofHours(10));
        settle();
        assertTrue(mei.drainNews(50).isEmpty());
        assertTrue(chats.stillWaiting.isEmpty());
    }

    @Test
    void aChatGoesStraightToAnotherAgentOnlyIfTheyAreAvailableWithRoom() {
        queue(TestAgents.agent("mei", "小美", 5, "human"), TestAgents.agent("lan", "小兰", 1, "after-sales"));
        RecordingAgentLink mei = login("mei");
        enqueue("c", "human", 10, clock.instant());
        mei.next(AgentFrame.Assigned.class);

        queue.transferToAgent("mei", mei, "c", "lan");
        assertEquals(AgentErrorCode.AGENT_UNAVAILABLE, mei.next(AgentFrame.Error.class).code(), "lan is offline");
        queue.transferToAgent("mei", mei, "c", "nobody");
        assertEquals(AgentErrorCode.UNKNOWN_AGENT, mei.next(AgentFrame.Error.class).code());

        RecordingAgentLink lan = login("lan");
        queue.transferToAgent("mei", mei, "c", "lan");
        assertEquals("transferred", mei.next(AgentFrame.Released.class).reason());
        AgentFrame.Assigned got = lan.next(AgentFrame.Assigned.class);
        assertEquals("transfer", got.how());
        settle();
        assertEquals("lan", chats.holder.get("c"));

        enqueue("d", "after-sales", 50, clock.instant());
        settle();
        assertTrue(lan.drainNews(50).isEmpty(), "lan is at her cap of 1");
        queue.transferToAgent("mei", mei, "c", "lan");
        assertEquals(AgentErrorCode.NOT_YOURS, mei.next(AgentFrame.Error.class).code());
    }

    @Test
    void aChatWhoseAssignmentCouldNotBeStoredKeepsItsPlace() {
        queue(TestAgents.agent("mei", "小美", 5, "human"));
        Instant t = clock.instant();
        enqueue("a", "human", 10, t);
        enqueue("b", "human", 10, t.plusSeconds(1));
        RecordingAgentLink mei = loginAway("mei");
        chats.failNext = true;
        queue.claim("mei", mei, "a");
        assertEquals("store_unavailable", mei.next(AgentFrame.ClaimFailed.class).reason());
        assertEquals(List.of("a", "b"), waiting("human"));
        queue.claim("mei", mei, "a");
        assertEquals("a", mei.next(AgentFrame.Assigned.class).conversationId());
    }

    @Test
    void atStartAChatHeldBeforeTheRestartWaitsForItsAgentThroughTheGracePeriod() {
        queue(TestAgents.agent("mei", "小美", 5, "human"));
        chats.handoffs.put("held", handoff("held", "human", 10, clock.instant()));
        chats.holder.put("held", "mei");
        chats.holder.put("orphan", "gone");
        chats.handoffs.put("orphan", handoff("orphan", "human", 10, clock.instant()));
        queue.restoreHeld("held", "mei", "human", clock.instant().minusSeconds(30));
        queue.restoreHeld("orphan", "gone", "human", clock.instant().minusSeconds(30));
        settle();
        assertEquals(List.of("orphan"), chats.takenBack, "an agent no longer configured cannot come back");
        assertEquals("agent_removed", chats.reasons.get(0));

        clock.advance(Duration.ofSeconds(61));
        settle();
        assertEquals(List.of("orphan", "held"), chats.takenBack);
        assertEquals(List.of("orphan", "held"), waiting("human"));
    }

    /** Conversations that agree to everything the queue asks and tell agents as the real ones do. */
    private final class AgreeingConversations implements Assignments {
        final Map<String, String> holder = new ConcurrentHashMap<>();
        final Map<String, Handoff> handoffs = new ConcurrentHashMap<>();
        final List<String> takenBack = Collections.synchronizedList(new ArrayList<>());
        final List<String> reasons = Collections.synchronizedList(new ArrayList<>());
        final List<String> stillWaiting = Collections.synchronizedList(new ArrayList<>());
        volatile boolean failNext;

        @Override
        public CompletableFuture<Outcome> assign(String conversationId, AgentSeat agent, String how) {
            if (failNext) {
                failNext = false;
                return CompletableFuture.completedFuture(Outcome.STORE_FAILED);
            }
            if (holder.putIfAbsent(conversationId, agent.id()) != null) {
                throw new AssertionError(conversationId + " assigned while held by " + holder.get(conversationId));
            }
            agent.send(new AgentFrame.Assigned(conversationId, List.of(), null, how, false));
            return CompletableFuture.completedFuture(Outcome.DONE);
        }

        @Override
        public CompletableFuture<Outcome> handOver(String conversationId, AgentSeat from, AgentSeat to) {
            if (!from.id().equals(holder.get(conversationId))) {
                return CompletableFuture.completedFuture(Outcome.REFUSED);
            }
            holder.put(conversationId, to.id());
            from.send(new AgentFrame.Released(conversationId, "transferred"));
            to.send(new AgentFrame.Assigned(conversationId, List.of(), null, "transfer", false));
            return CompletableFuture.completedFuture(Outcome.DONE);
        }

        @Override
        public CompletableFuture<Optional<Handoff>> takeBack(String conversationId, String agentId, String reason) {
            if (!agentId.equals(holder.get(conversationId))) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            holder.remove(conversationId);
            takenBack.add(conversationId);
            reasons.add(reason);
            Handoff h = handoffs.get(conversationId);
            return CompletableFuture.completedFuture(Optional.of(new Handoff(conversationId, h.queue(),
                    h.queueName(), h.priority(), clock.instant(), false, true, h.trigger(), h.preview())));
        }

        @Override
        public void show(String conversationId, AgentSeat agent) {
            agent.send(new AgentFrame.Assigned(conversationId, List.of(), null, "resume", true));
        }

        @Override
        public void stillWaiting(String conversationId) {
            stillWaiting.add(conversationId);
        }
    }

    @Test
    void nobodyLoggedInMeansTheQueueIsNotStaffedAndAnAwayAgentCounts() {
        queue(TestAgents.agent("mei", "小美", 5, "human"));
        assertFalse(queue.staffed("human"));
        RecordingAgentLink mei = loginAway("mei");
        settle();
        assertTrue(queue.staffed("human"));
        assertFalse(queue.staffed("complaints"));
        queue.disconnected("mei", mei);
        settle();
        assertFalse(queue.staffed("human"));
    }
}
