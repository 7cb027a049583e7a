package dev.xiaoer.loadtest.simulations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.ws;

/**
 * The steps of a buyer every simulation shares: arrive (connect, {@code hello}, {@code welcome}), ask a question and
 * check its {@code ack} and the bot's reply, think. Requests in the report are named for what is awaited:
 * {@code welcome}, {@code ack}, {@code reply}, {@code pong}; their times run from the frame sent.
 */
final class BuyerSteps {

    /** The buyers' WebSocket endpoint. */
    static final String CHAT = "/ws/chat";
    /** How long any awaited frame may take before the check fails. */
    static final Duration PATIENCE = Duration.ofSeconds(10);

    private static final ObjectMapper JSON = new ObjectMapper();

    private BuyerSteps() {
    }

    /** The protocol: WebSockets to the server under test, no warm-up call, frames nobody awaits kept for reading. */
    static HttpProtocolBuilder protocol() {
        return http.wsBaseUrl(Knobs.url()).disableWarmUp().wsUnmatchedInboundMessageBufferSize(256);
    }

    /**
     * Connects and says hello; keeps the {@code session} and {@code token} of the welcome. Against the echo
     * server, the hello itself comes back.
     */
    static ChainBuilder arrive() {
        if (Knobs.echo()) {
            return exec(
                    ws("connect").connect(CHAT),
                    ws("hello").sendText("{\"type\":\"hello\"}").await(PATIENCE).on(
                            ws.checkTextMessage("welcome").matching(jsonPath("$.type").is("hello"))));
        }
        return exec(
                ws("connect").connect(CHAT),
                ws("hello").sendText("{\"type\":\"hello\"}").await(PATIENCE).on(
                        ws.checkTextMessage("welcome").matching(jsonPath("$.type").is("welcome")).check(
                                jsonPath("$.session").saveAs("chatSession"),
                                jsonPath("$.token").saveAs("chatToken"))));
    }

    /**
     * Sends the question the feeder put in the session ({@code text}, with what it expects) as message
     * {@code m<n>} and checks that the ack names it and that the bot's reply is the one expected.
     */
    static ChainBuilder askFedQuestion() {
        ChainBuilder numbered = exec(session -> session.set("messageId", "m" + (session.getInt("asked") + 1))
                .set("asked", session.getInt("asked") + 1));
        if (Knobs.echo()) {
            // The same frame, the same wait; the echo of the message stands for the bot's reply.
            return numbered.exec(ws("message").sendText(session -> message(session.getString("messageId"),
                    session.getString("text"))).await(PATIENCE).on(
                    ws.checkTextMessage("reply")
                            .matching(jsonPath("$.type").is("message"), jsonPath("$.id").isEL("#{messageId}"))));
        }
        return numbered
                .exec(ws("message").sendText(session -> message(session.getString("messageId"),
                        session.getString("text"))).await(PATIENCE).on(
                        ws.checkTextMessage("ack").matching(jsonPath("$.type").is("ack"))
                                .check(jsonPath("$.id").isEL("#{messageId}")),
                        ws.checkTextMessage("reply")
                                .matching(jsonPath("$.type").is("reply"), jsonPath("$.from").is("bot"))
                                .check(bodyString().validate("the expected answer", BuyerSteps::expectedReply))));
    }

    /** A ping and its answer: the gateway's pong, or the echo server's ping sent back. */
    static ChainBuilder ping() {
        return exec(ws("ping").sendText("{\"type\":\"ping\"}").await(PATIENCE).on(
                ws.checkTextMessage("pong").matching(jsonPath("$.type").is(Knobs.echo() ? "ping" : "pong"))));
    }

    /** Starts the message counter of a fresh user. */
    static Session counting(Session session) {
        return session.set("asked", 0);
    }

    /** A pause of ½× to 1½× the mean think time: buyers read the answer and type the next question. */
    static ChainBuilder think(Duration mean) {
        long ms = mean.toMillis();
        if (ms == 0) {
            return exec(session -> session);
        }
        return pause(session -> Duration.ofMillis(ms / 2 + ThreadLocalRandom.current().nextLong(ms + 1)));
    }

    /** The JSON of a buyer message. */
    static String message(String id, String text) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", "message");
        o.put("id", id);
        o.put("text", text);
        return o.toString();
    }

    /** A flat JSON object of string fields, from name/value pairs. */
    static String json(String... namesAndValues) {
        ObjectNode o = JSON.createObjectNode();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            o.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return o.toString();
    }

    /** The JSON of a resuming hello. */
    static String resume(String session, String token, long lastSeq) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", "hello");
        o.put("session", session);
        o.put("token", token);
        o.put("lastSeq", lastSeq);
        return o.toString();
    }

    static JsonNode parse(String frame) {
        try {
            return JSON.readTree(frame);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + frame, e);
        }
    }

    /** The reply check: the band and FAQ entry the feeder said the bot gives this question. */
    private static String expectedReply(String body, Session session) {
        JsonNode reply = parse(body);
        String band = reply.path("band").asText(null);
        String faqId = reply.path("faqId").asText(null);
        String text = session.getString("text");
        if (session.getBoolean("neverSeen")) {
            if (!QuestionFeeder.BOT_BANDS.contains(band)) {
                throw new IllegalStateException("\"" + text + "\" (never seen) got band " + band);
            }
            return body;
        }
        String expectedBand = session.getString("band");
        String expectedFaqId = session.getString("faqId");
        if (!expectedBand.equals(band) || (!expectedFaqId.isEmpty() && !expectedFaqId.equals(faqId))) {
            throw new IllegalStateException("\"" + text + "\" expected " + expectedBand + "/" + expectedFaqId
                    + ", got " + band + "/" + faqId);
        }
        return body;
    }
}
