package dev.xiaoer.loadtest.simulations;

import io.gatling.http.action.ws.WsInboundMessage;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;

import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.ws;

/**
 * A reconnect storm: every buyer chats, then at one common instant all of them send one more message and drop
 * their connection before its answer comes, and all reconnect at once with {@code hello {session, token, lastSeq}}.
 * Each buyer then resends its last message with the same id (as a client must when no ack came), chats on, and
 * finally opens a second connection that replays the whole conversation ({@code lastSeq: 0}).
 *
 * <p>Every frame a buyer receives, on any connection, is accounted for by {@code seq} in its session
 * ({@link SeqLedger}): a seq seen twice, out of order, or missing from the final replay, or a resent message stored
 * twice, fails the buyer's {@code nothing lost or doubled} check, and the run.
 *
 * <p>Properties: {@code url}, {@code users} (50), {@code ramp} (5 s), {@code think} (300 ms), {@code before} (3
 * messages before the storm), {@code after} (3 after it), {@code stormAfter} (seconds after the ramp; by default
 * long enough for every buyer to have asked its first messages).
 */
public class ReconnectStormSimulation extends Simulation {

    private static final String LEDGER = "ledger";
    /** When the storm breaks, in epoch milliseconds; set by the first buyer to arrive. */
    private static final AtomicLong STORM_AT = new AtomicLong();
    private static final Duration QUIET = Duration.ofMillis(300);

    private final int users = Knobs.users(50);
    private final Duration ramp = Knobs.ramp(5);
    private final Duration think = Knobs.think(300);
    private final int before = Knobs.whole("before", 3, 1, 1000);
    private final int after = Knobs.whole("after", 3, 0, 1000);
    private final long stormAfterMillis = Knobs.whole("stormAfter",
            (int) (before * (2 * think.toMillis() + 2000) / 1000 + 3), 1, 86_400) * 1000L;

    private final ScenarioBuilder storm = scenario("buyer drops and resumes in a storm")
            .exec(session -> BuyerSteps.counting(session).set(LEDGER, new SeqLedger()))
            .exec(session -> {
                STORM_AT.compareAndSet(0, System.currentTimeMillis() + ramp.toMillis() + stormAfterMillis);
                return session;
            })
            .exec(BuyerSteps.arrive())
            .exec(repeat(before).on(ask(), BuyerSteps.think(think)))
            .exec(pause(session -> Duration.ofMillis(Math.max(0, STORM_AT.get() - System.currentTimeMillis()))))
            // The storm: one last message, and the connection drops before its ack can be read.
            .exec(feed(QuestionFeeder.knownOnly()))
            .exec(session -> session.set("lastWords", "m" + (session.getInt("asked") + 1))
                    .set("asked", session.getInt("asked") + 1))
            .exec(ws("last words").sendText(session -> BuyerSteps.message(session.getString("lastWords"),
                    session.getString("text"))))
            .exec(ws("drop").close())
            .exec(ws("reconnect").connect(BuyerSteps.CHAT))
            .exec(ws("resume").sendText(session -> BuyerSteps.resume(session.getString("chatSession"),
                    session.getString("chatToken"), ledger(session).lastSeq())).await(BuyerSteps.PATIENCE).on(
                    ws.checkTextMessage("resumed").check(bodyString().validate("a resumed welcome",
                            ReconnectStormSimulation::resumedWelcome))))
            .exec(settle())
            // No ack was read for the last words: resend them with the same id, as a client must.
            .exec(ws("resend").sendText(session -> BuyerSteps.message(session.getString("lastWords"),
                    session.getString("text"))).await(BuyerSteps.PATIENCE).on(
                    ws.checkTextMessage("ack of the resend").check(bodyString().validate("one ack, with the first seq",
                            ReconnectStormSimulation::resendAck))))
            .exec(settle())
            .exec(repeat(after).on(ask(), BuyerSteps.think(think)))
            .exec(audit())
            .exec(ws("verdict").sendText("{\"type\":\"ping\"}").await(BuyerSteps.PATIENCE).on(
                    ws.checkTextMessage("nothing lost or doubled").matching(jsonPath("$.type").is("pong"))
                            .check(bodyString().validate(
                            "no seq lost or doubled", ReconnectStormSimulation::verdict))))
            .exec(ws("close").close());

    {
        Knobs.gatewayOnly("ReconnectStormSimulation");
        STORM_AT.set(0);
        setUp(storm.injectOpen(rampUsers(users).during(ramp)))
                .protocols(BuyerSteps.protocol())
                .assertions(global().failedRequests().count().is(0L));
    }

    private static SeqLedger ledger(Session session) {
        return (SeqLedger) session.get(LEDGER);
    }

    /**
     * A known question, whose two frames (ack, then the bot's reply) are both taken by checks that match any
     * frame, so that nothing the server sends can slip by unaccounted.
     */
    private static ChainBuilder ask() {
        return exec(takeUnread(), feed(QuestionFeeder.knownOnly()))
                .exec(session -> session.set("messageId", "m" + (session.getInt("asked") + 1))
                        .set("asked", session.getInt("asked") + 1))
                .exec(ws("message").sendText(session -> BuyerSteps.message(session.getString("messageId"),
                        session.getString("text"))).await(BuyerSteps.PATIENCE).on(
                        ws.checkTextMessage("ack").check(bodyString().validate("the ack of the message",
                                (body, session) -> expect(body, session, "ack"))),
                        ws.checkTextMessage("reply").check(bodyString().validate("the bot's reply",
                                (body, session) -> expect(body, session, "reply")))));
    }

    private static String expect(String body, Session session, String type) {
        String got = ledger(session).take(body);
        if (!got.equals(type)) {
            throw new IllegalStateException("expected " + type + ", got " + body);
        }
        if (type.equals("ack") && !body.contains("\"id\":\"" + session.getString("messageId") + "\"")) {
            throw new IllegalStateException("an ack for another message: " + body);
        }
        return body;
    }

    private static String resumedWelcome(String body, Session session) {
        if (!"welcome".equals(ledger(session).take(body)) || !BuyerSteps.parse(body).path("resumed").asBoolean()) {
            throw new IllegalStateException("expected a resumed welcome, got " + body);
        }
        return body;
    }

    private static String resendAck(String body, Session session) {
        SeqLedger ledger = ledger(session);
        String id = session.getString("lastWords");
        boolean alreadySeen = ledger.seqOf(id) != null;
        if (!"ack".equals(ledger.take(body))) {
            throw new IllegalStateException("expected the ack of the resent " + id + ", got " + body);
        }
        boolean duplicate = BuyerSteps.parse(body).path("duplicate").asBoolean(false);
        if (alreadySeen != duplicate) {
            // The ledger has the details (lost or doubled); this check names the step.
            throw new IllegalStateException(alreadySeen ? "the resent " + id + " was stored again: " + body
                    : "the resent " + id + " had been stored but was not replayed: " + body);
        }
        return body;
    }

    /** Reads what the server sent with no check waiting (the replay, live frames), until it has been quiet. */
    private static ChainBuilder settle() {
        return exec(session -> session.set("quietSince", System.nanoTime()))
                .exec(asLongAs(session -> System.nanoTime() - session.getLong("quietSince") < QUIET.toNanos()).on(
                        pause(Duration.ofMillis(50)),
                        ws.processUnmatchedMessages((messages, session) -> {
                            if (messages.isEmpty()) {
                                return session;
                            }
                            take(messages, ledger(session));
                            return session.set("quietSince", System.nanoTime());
                        })));
    }

    private static ChainBuilder takeUnread() {
        return exec(ws.processUnmatchedMessages((messages, session) -> {
            take(messages, ledger(session));
            return session;
        }));
    }

    private static void take(List<WsInboundMessage> messages, SeqLedger ledger) {
        for (WsInboundMessage m : messages) {
            if (m instanceof WsInboundMessage.Text text) {
                ledger.take(text.message());
            }
        }
    }

    /**
     * A second connection replays the whole conversation; the ledger must hold exactly its events. The replay is
     * complete when it reaches the welcome's {@code lastSeq}.
     */
    private static ChainBuilder audit() {
        return exec(takeUnread())
                .exec(ws("audit connect").wsName("audit").connect(BuyerSteps.CHAT))
                .exec(session -> session.set("history", new TreeMap<Long, String>()))
                .exec(ws("audit hello").wsName("audit").sendText(session -> BuyerSteps.resume(
                        session.getString("chatSession"), session.getString("chatToken"), 0))
                        .await(BuyerSteps.PATIENCE).on(ws.checkTextMessage("full replay")
                                .matching(jsonPath("$.type").is("welcome"))
                                .check(jsonPath("$.lastSeq").ofLong().saveAs("historyEnd"))))
                .exec(session -> session.set("auditUntil", System.nanoTime() + BuyerSteps.PATIENCE.toNanos()))
                .exec(asLongAs(session -> lastOf(session) < session.getLong("historyEnd")
                        && System.nanoTime() < session.getLong("auditUntil")).on(
                        pause(Duration.ofMillis(50)),
                        ws.processUnmatchedMessages("audit", (messages, session) -> {
                            @SuppressWarnings("unchecked")
                            TreeMap<Long, String> history = (TreeMap<Long, String>) session.get("history");
                            for (WsInboundMessage m : messages) {
                                if (m instanceof WsInboundMessage.Text text) {
                                    var f = BuyerSteps.parse(text.message());
                                    long seq = f.path("seq").asLong(-1);
                                    if (seq >= 0) {
                                        history.put(seq, f.path("type").asText());
                                    }
                                }
                            }
                            return session;
                        })))
                .exec(session -> {
                    @SuppressWarnings("unchecked")
                    TreeMap<Long, String> history = (TreeMap<Long, String>) session.get("history");
                    if (lastOf(session) < session.getLong("historyEnd")) {
                        ledger(session).problem("the full replay stopped at seq " + lastOf(session) + " of "
                                + session.getLong("historyEnd"));
                    }
                    ledger(session).audit(history);
                    return session;
                })
                .exec(ws("audit close").wsName("audit").close());
    }

    private static long lastOf(Session session) {
        @SuppressWarnings("unchecked")
        TreeMap<Long, String> history = (TreeMap<Long, String>) session.get("history");
        return history.isEmpty() ? 0 : history.lastKey();
    }

    private static String verdict(String body, Session session) {
        String problem = ledger(session).verdict();
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        return body;
    }
}
