package dev.xiaoer.loadtest.simulations;

import io.gatling.http.action.ws.WsInboundMessage;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.ws;

/**
 * Buyers who want a person, and the people who answer them. Simulated agents log in on {@code /ws/agent} (as
 * {@code away}, so that nothing is assigned to them unasked), watch the waiting lines, claim the chat that has waited
 * longest, greet the buyer and close the chat, one chat at a time, racing each other for every claim. Buyers arrive
 * over {@code ramp} seconds and, for {@code duration} seconds, start conversations: a question for the bot, then
 * 退款, 投诉 or 转人工 — each must be acked, queued in the right line, then get an agent's reply and the agent's
 * close within {@code patience} seconds; then they rate the chat and start another after {@code think} ms.
 *
 * <p>Checks: every handed-off buyer gets an agent's reply (the {@code agent reply} request); no chat is assigned to
 * two agents, every assignment carries the buyer's handoff, and no agent sees an error (each agent's
 * {@code chats handled right} check at the end).
 *
 * <p>Properties: {@code url}, {@code users} (buyers, 20), {@code ramp} (5 s), {@code duration} (20 s),
 * {@code think} (1000 ms), {@code agents} (3), {@code agentIds} (default {@code load-1,load-2,…}: the agents of
 * {@code loadtest/gateway-loadtest.yaml}; {@code demo} for the gateway's demo agent), {@code agentSecret}
 * ({@code loadtest}; {@code demo} for the demo agent), {@code patience} (60 s for an agent to answer).
 */
public class HandoffSimulation extends Simulation {

    /** What a buyer says to get a person, and the line it must land in (the default routing rules). */
    private record Request(String text, String queue) {
    }

    private static final List<Request> REQUESTS = List.of(
            new Request("我要退款，东西坏了", "after-sales"),
            new Request("我要投诉你们，一直不发货", "complaints"),
            new Request("转人工", "human"));
    private static final AtomicInteger BUYERS_DONE = new AtomicInteger();
    private static final AtomicInteger NEXT_AGENT = new AtomicInteger();
    private static final AtomicLong AGENTS_LEAVE_AT = new AtomicLong();
    private static final ConcurrentMap<String, String> HOLDERS = AgentDesk.newHolders();

    private final int users = Knobs.users(20);
    private final Duration ramp = Knobs.ramp(5);
    private final Duration duration = Knobs.duration(20);
    private final Duration think = Knobs.think(1000);
    private final Duration patience = Duration.ofSeconds(Knobs.whole("patience", 60, 1, 3600));
    private final List<String> agentIds = agentIds();
    private final String agentSecret = Knobs.text("agentSecret", "loadtest");

    private final ScenarioBuilder buyers = scenario("buyer asks for a person")
            .exec(BuyerSteps::counting)
            // A conversation once begun runs to its end (agent's reply, close, rating), even past the duration.
            .exec(during(duration, false).on(
                    exec(BuyerSteps.arrive()),
                    feed(QuestionFeeder.knownOnly()),
                    BuyerSteps.askFedQuestion(),
                    exec(session -> {
                        Request r = REQUESTS.get(ThreadLocalRandom.current().nextInt(REQUESTS.size()));
                        return session.set("request", r.text()).set("line", r.queue())
                                .set("messageId", "m" + (session.getInt("asked") + 1))
                                .set("asked", session.getInt("asked") + 1);
                    }),
                    ws("ask for a person").sendText(session -> BuyerSteps.message(session.getString("messageId"),
                            session.getString("request"))).await(BuyerSteps.PATIENCE).on(
                            ws.checkTextMessage("ack").matching(jsonPath("$.type").is("ack"))
                                    .check(jsonPath("$.id").isEL("#{messageId}")),
                            ws.checkTextMessage("queued").matching(jsonPath("$.type").is("queued"))
                                    .check(jsonPath("$.queue").isEL("#{line}")))
                            .await(patience).on(
                                    ws.checkTextMessage("agent reply")
                                            .matching(jsonPath("$.type").is("reply"), jsonPath("$.from").is("agent"))
                                            .check(jsonPath("$.agentName").exists()),
                                    ws.checkTextMessage("closed by the agent")
                                            .matching(jsonPath("$.type").is("closed"))
                                            .check(jsonPath("$.by").is("agent"))),
                    ws("rate").sendText("{\"type\":\"rate\",\"score\":5}").await(BuyerSteps.PATIENCE).on(
                            ws.checkTextMessage("rated").matching(jsonPath("$.type").is("rated"))
                                    .check(jsonPath("$.score").ofInt().is(5))),
                    ws("close").close(),
                    BuyerSteps.think(think)))
            .exec(session -> {
                BUYERS_DONE.incrementAndGet();
                return session;
            });

    private final ScenarioBuilder agents = scenario("agent claims, greets and closes")
            .exec(session -> {
                String id = agentIds.get(NEXT_AGENT.getAndIncrement() % agentIds.size());
                return session.set("agentId", id).set("desk", new AgentDesk(id, HOLDERS));
            })
            .exec(ws("agent connect").wsName("agent").connect("/ws/agent"))
            .exec(ws("login").wsName("agent").sendText(session -> BuyerSteps.json("type", "login",
                    "agentId", session.getString("agentId"), "secret", agentSecret, "status", "away"))
                    .await(BuyerSteps.PATIENCE).on(ws.checkTextMessage("agent welcome")
                            .check(jsonPath("$.type").is("welcome"))))
            .exec(asLongAs(session -> BUYERS_DONE.get() < users && System.currentTimeMillis() < AGENTS_LEAVE_AT.get()
                    || desk(session).busy()).on(
                    pause(Duration.ofMillis(20)),
                    ws.processUnmatchedMessages("agent", (messages, session) -> {
                        AgentDesk desk = desk(session);
                        for (WsInboundMessage m : messages) {
                            if (m instanceof WsInboundMessage.Text text) {
                                desk.take(text.message());
                            }
                        }
                        AgentDesk.Step step = desk.next(System.nanoTime());
                        return step == null ? session.remove("step") : session.set("step", step.json());
                    }),
                    doIf(session -> session.contains("step")).then(
                            ws("agent step").wsName("agent").sendText(session -> session.getString("step")))))
            .exec(ws("agent verdict").wsName("agent").sendText("{\"type\":\"ping\"}").await(BuyerSteps.PATIENCE).on(
                    ws.checkTextMessage("chats handled right").matching(jsonPath("$.type").is("pong"))
                            .check(bodyString().validate("no chat taken twice, no error", (body, session) -> {
                                String problem = desk(session).verdict();
                                if (problem != null) {
                                    throw new IllegalStateException(problem);
                                }
                                return body;
                            }))))
            .exec(session -> {
                System.out.println("handoff: " + desk(session));
                return session;
            })
            .exec(ws("agent close").wsName("agent").close());

    {
        Knobs.gatewayOnly("HandoffSimulation");
        BUYERS_DONE.set(0);
        NEXT_AGENT.set(0);
        HOLDERS.clear();
        // Agents leave once every buyer is done, or at the latest when the last buyer's last chat has had its time.
        AGENTS_LEAVE_AT.set(System.currentTimeMillis() + ramp.toMillis() + duration.toMillis() + patience.toMillis()
                + think.toMillis() + 30_000);
        int agentCount = Knobs.whole("agents", Math.min(3, agentIds.size()), 1, 1000);
        if (agentCount > agentIds.size()) {
            throw new IllegalArgumentException("-Dagents=" + agentCount + " but only " + agentIds.size()
                    + " agent ids (-DagentIds): a second login of one id replaces the first");
        }
        setUp(
                agents.injectOpen(atOnceUsers(agentCount)),
                // The agents log in first, so that a buyer's chat finds someone logged in to wait for.
                buyers.injectOpen(nothingFor(Duration.ofSeconds(2)), rampUsers(users).during(ramp)))
                .protocols(BuyerSteps.protocol().wsUnmatchedInboundMessageBufferSize(100_000))
                .assertions(global().failedRequests().count().is(0L));
    }

    private static AgentDesk desk(Session session) {
        return (AgentDesk) session.get("desk");
    }

    private static List<String> agentIds() {
        String ids = Knobs.text("agentIds", "");
        List<String> out = new ArrayList<>();
        if (ids.isEmpty()) {
            for (int i = 1; i <= 10; i++) {
                out.add("load-" + i);
            }
            return out;
        }
        for (String id : ids.split(",")) {
            if (!id.isBlank()) {
                out.add(id.trim());
            }
        }
        return out;
    }
}
