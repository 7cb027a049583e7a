package dev.xiaoer.gateway.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xiaoer.gateway.chat.BuyerFrame;
import dev.xiaoer.gateway.chat.BuyerMessage;
import dev.xiaoer.gateway.chat.ErrorCode;
import dev.xiaoer.gateway.chat.Hello;
import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.ConversationState;
import dev.xiaoer.gateway.event.EventBody;
import dev.xiaoer.gateway.queue.Place;
import dev.xiaoer.intents.Candidate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON of the buyer protocol, both ways, one frame a line. */
class FrameCodecTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2026-12-07T02:00:00Z");

    private static Inbound decode(String json) {
        ByteBuf buf = Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
        try {
            return FrameCodec.decode(buf);
        } finally {
            buf.release();
        }
    }

    private static ErrorCode refusal(String json) {
        return assertInstanceOf(Inbound.Invalid.class, decode(json)).code();
    }

    private static JsonNode encode(BuyerFrame frame) throws Exception {
        ByteBuf buf = Unpooled.buffer();
        try {
            FrameCodec.encode(frame, buf);
            return JSON.readTree(buf.toString(StandardCharsets.UTF_8));
        } finally {
            buf.release();
        }
    }

    private static JsonNode event(long seq, EventBody body) throws Exception {
        return encode(new BuyerFrame.Event(new ConversationEvent("c1", seq, AT, body), null));
    }

    @Test
    void clientFramesDecodeIntoTheChatsRecords() {
        assertEquals(new Hello(null, null, 0, null), ((Inbound.HelloFrame) decode("{\"type\":\"hello\"}")).hello());
        assertEquals(new Hello("s", "t", 7, "en"), ((Inbound.HelloFrame) decode(
                "{\"type\":\"hello\",\"session\":\"s\",\"token\":\"t\",\"lastSeq\":7,\"lang\":\"en\"}")).hello());
        assertEquals(new BuyerMessage("m1", "你好", null),
                ((Inbound.MessageFrame) decode("{\"type\":\"message\",\"id\":\"m1\",\"text\":\"你好\"}")).message());
        assertEquals(new BuyerMessage("m2", "", "ship"),
                ((Inbound.MessageFrame) decode("{\"type\":\"message\",\"id\":\"m2\",\"faqId\":\"ship\"}")).message());
        assertEquals(9, ((Inbound.AckFrame) decode("{\"seq\":9,\"type\":\"ack\"}")).seq());
        assertInstanceOf(Inbound.PingFrame.class, decode("{\"type\":\"ping\"}"));
        assertInstanceOf(Inbound.PingFrame.class, decode("{\"type\":\"ping\",\"future\":{\"a\":[1,{\"b\":2}]}}"));
    }

    @Test
    void badFramesAreRefusedWithTheirCode() {
        assertEquals(ErrorCode.INVALID_JSON, refusal(""));
        assertEquals(ErrorCode.INVALID_JSON, refusal("null"));
        assertEquals(ErrorCode.INVALID_JSON, refusal("\"hello\""));
        assertEquals(ErrorCode.INVALID_JSON, refusal("{\"type\":\"ping\""));
        assertEquals(ErrorCode.INVALID_JSON, refusal("{\"type\":\"ping\"}x"));
        assertEquals(ErrorCode.INVALID_JSON, refusal("{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}"));
        assertEquals(ErrorCode.MISSING_FIELD, refusal("{}"));
        assertEquals(ErrorCode.INVALID_FIELD, refusal("{\"type\":5}"));
        assertEquals(ErrorCode.UNKNOWN_TYPE, refusal("{\"type\":\"welcome\"}"));
        assertEquals(ErrorCode.MISSING_FIELD, refusal("{\"type\":\"hello\",\"token\":\"t\"}"));
        assertEquals(ErrorCode.INVALID_FIELD, refusal("{\"type\":\"hello\",\"session\":\"\",\"token\":\"t\"}"));
        assertEquals(ErrorCode.INVALID_FIELD, refusal("{\"type\":\"hello\",\"lastSeq\":1.5}"));
        assertEquals(ErrorCode.INVALID_FIELD, refusal("{\"type\":\"hello\",\"lastSeq\":99999999999999999999999}"));
        assertEquals(ErrorCode.INVALID_FIELD, refusal("{\"type\":\"message\",\"id\":\"m\",\"text\":[\"x\"]}"));
        assertEquals(ErrorCode.INVALID_FIELD, refusal("{\"type\":\"message\",\"id\":\"\",\"text\":\"x\"}"));
        assertEquals(ErrorCode.MISSING_FIELD, refusal("{\"type\":\"message\",\"id\":\"m\"}"));
        assertEquals(ErrorCode.INVALID_FIELD, refusal("{\"type\":\"ack\",\"seq\":-1}"));
        Inbound.Invalid withId = (Inbound.Invalid) decode("{\"type\":\"message\",\"id\":\"m9\"}");
        assertEquals("m9", withId.id(), "the client learns which message was refused");
    }

    @Test
    void serverFramesEncodeAsDocumented() throws Exception {
        JsonNode w = encode(new BuyerFrame.Welcome("s1", "t1", true, 4, ConversationState.WAITING, "您好",
                List.of(new Candidate("ship", "什么时候发货？", 1)), false, "明天 09:00", "不在时间",
                new Place("human", 2, 360)));
        assertEquals("welcome", w.get("type").asText());
        assertEquals("waiting", w.get("state").asText());
        assertEquals("ship", w.get("hotQuestions").get(0).get("id").asText());
        assertEquals("明天 09:00", w.get("hours").get("backAt").asText());
        assertEquals(2, w.get("place").get("position").asInt());

        JsonNode ack = encode(new BuyerFrame.Ack("m1", 3, false));
        assertEquals("{\"type\":\"ack\",\"id\":\"m1\",\"seq\":3}", ack.toString());
        assertTrue(encode(new BuyerFrame.Ack("m1", 3, true)).get("duplicate").asBoolean());
        assertEquals("{\"type\":\"position\",\"queue\":\"human\",\"position\":1,\"etaSeconds\":180}",
                encode(new BuyerFrame.Position(new Place("human", 1, 180))).toString());
        JsonNode err = encode(new BuyerFrame.Error(ErrorCode.STORE_UNAVAILABLE, "try again", "m1"));
        assertEquals("store_unavailable", err.get("code").asText());
        assertTrue(err.get("retryable").asBoolean());
        assertEquals("m1", err.get("id").asText());
        assertEquals("{\"type\":\"pong\"}", encode(new BuyerFrame.Pong()).toString());
    }

    @Test
    void everyBuyerVisibleEventHasItsFrame() throws Exception {
        assertEquals("message", event(1, new EventBody.BuyerSaid("m1", "你好", null)).get("type").asText());
        JsonNode suggest = event(2, new EventBody.BotReplied(1, "suggest", "您是想问", null, 0.5,
                List.of(new EventBody.Suggestion("a", "问题A"))));
        assertEquals("bot", suggest.get("from").asText());
        assertEquals("问题A", suggest.get("suggestions").get(0).get("question").asText());
        assertFalse(event(2, new EventBody.BotReplied(1, "answer", "答", "x", 0.9, List.of())).has("suggestions"));
        JsonNode notice = event(3, new EventBody.SystemNotice("leave_message", "已留言"));
        assertEquals("system", notice.get("from").asText());
        assertEquals("leave_message", notice.get("code").asText());
        JsonNode agent = event(4, new EventBody.AgentSaid("a7", "小美", "am1", "您好，我来处理"));
        assertEquals("agent", agent.get("from").asText());
        assertEquals("小美", agent.get("agentName").asText());
        assertFalse(agent.has("agentId"), "agents' ids stay inside the shop");
        JsonNode queued = event(5, new EventBody.HandedOff("human", "人工", 10, "转人工", "keyword", false));
        assertEquals("human", queued.get("queue").asText());
        assertFalse(queued.has("position"), "no place once the chat no longer waits");
        assertEquals("agent_joined", event(6, new EventBody.AgentJoined("a7", "小美", "claim")).get("type").asText());
        assertEquals("agent_left", event(7, new EventBody.AgentLeft("a7", "小美", "away")).get("type").asText());
        assertEquals("closed", event(8, new EventBody.Closed("agent", "done")).get("type").asText());
        assertEquals(5, event(9, new EventBody.Rated(5, "")).get("score").asInt());
        assertEquals(AT.toString(), event(9, new EventBody.Rated(5, "")).get("at").asText());
        assertThrows(IllegalStateException.class, () -> event(10, new EventBody.Flagged(1, "r", "n", "t")));
    }

    @Test
    void theBuyersTypingClosingAndRatingAreReadAndCheckedLineByLine() throws Exception {
        assertEquals(new Inbound.TypingFrame(true), decode("{\"type\":\"typing\",\"active\":true}"));
        assertEquals(new Inbound.CloseFrame(), decode("{\"type\":\"close\"}"));
        assertEquals(new Inbound.RateFrame(5, "很好"), decode("{\"type\":\"rate\",\"score\":5,\"comment\":\" 很好 \"}"));
        assertEquals(new Inbound.RateFrame(1, ""), decode("{\"type\":\"rate\",\"score\":1}"));
        assertEquals(ErrorCode.MISSING_FIELD, refusal("{\"type\":\"typing\"}"));
        assertEquals(ErrorCode.INVALID_FIELD, refusal("{\"type\":\"typing\",\"active\":\"yes\"}"));
        assertEquals(ErrorCode.MISSING_FIELD, refusal("{\"type\":\"rate\"}"));
        assertEquals(ErrorCode.INVALID_FIELD, refusal("{\"type\":\"rate\",\"score\":6}"));
        assertEquals(ErrorCode.INVALID_FIELD, refusal("{\"type\":\"rate\",\"score\":0}"));
        assertEquals(ErrorCode.INVALID_FIELD, refusal("{\"type\":\"rate\",\"score\":4.5}"));
        assertEquals(ErrorCode.INVALID_FIELD, refusal("{\"type\":\"rate\",\"score\":3,\"comment\":\""
                + "好".repeat(501) + "\"}"));
        assertEquals(ErrorCode.UNKNOWN_TYPE, refusal("{\"type\":\"claim\",\"conversation\":\"c1\"}"));

        JsonNode typing = encode(new BuyerFrame.Typing("小美", true));
        assertEquals("typing", typing.get("type").asText());
        assertEquals("agent", typing.get("from").asText());
        assertEquals("小美", typing.get("agentName").asText());
        assertTrue(typing.get("active").asBoolean());
        JsonNode rated = event(31, new EventBody.Rated(5, "很好"));
        assertEquals("rated", rated.get("type").asText());
        assertEquals(5, rated.get("score").asInt());
        assertEquals(31, rated.get("seq").asLong());
        assertEquals("buyer", event(30, new EventBody.Closed("buyer", "buyer_closed")).get("by").asText());
    }
}
