package dev.xiaoer.gateway.store;

import dev.xiaoer.gateway.event.EventBody;
import dev.xiaoer.gateway.event.EventBody.AgentJoined;
import dev.xiaoer.gateway.event.EventBody.AgentLeft;
import dev.xiaoer.gateway.event.EventBody.AgentSaid;
import dev.xiaoer.gateway.event.EventBody.BotReplied;
import dev.xiaoer.gateway.event.EventBody.BuyerSaid;
import dev.xiaoer.gateway.event.EventBody.Closed;
import dev.xiaoer.gateway.event.EventBody.Flagged;
import dev.xiaoer.gateway.event.EventBody.HandedOff;
import dev.xiaoer.gateway.event.EventBody.Rated;
import dev.xiaoer.gateway.event.EventBody.Suggestion;
import dev.xiaoer.gateway.event.EventBody.SystemNotice;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every event body survives the trip to the payload column and back, in a format that stays put. */
class EventCodecTest {

    /** At least one body of every kind, with the optional fields both set and unset. */
    static final List<EventBody> SAMPLES = List.of(
            new BuyerSaid("m1", "亲，在吗？\n\"引号\" & <script>", null),
            new BuyerSaid("m2", "运费谁出", "faq-8"),
            new BotReplied(1, "answer", "支持七天无理由退货。", "faq-7", 0.92, List.of()),
            new BotReplied(3, "suggest", "您是想问：", null, 0.41,
                    List.of(new Suggestion("faq-1", "怎么退货"), new Suggestion("faq-2", "退款多久到账"))),
            new BotReplied(5, "unknown", "抱歉，我还不会回答这个问题", null, 0.0, List.of()),
            new AgentSaid("a7", "小王", "am-1", "您好，我来帮您处理"),
            new SystemNotice("out_of_hours", "客服 9:00 上班，请留言"),
            new HandedOff("refunds", "退款组", 2, "退款", "keyword", false),
            new HandedOff("general", "售前", 0, "", "button", true),
            new AgentJoined("a7", "小王", "claim"),
            new AgentLeft("a7", "小王", "disconnected"),
            new Closed("agent", "resolved"),
            new Rated(5, ""),
            new Rated(1, "太慢了"),
            new Flagged(4, "abuse", "辱骂", "滚"));

    @Test
    void everyBodyComesBackEqualFromItsPayload() {
        for (EventBody body : SAMPLES) {
            assertEquals(body, EventCodec.body(body.type(), EventCodec.payload(body)), body.type());
        }
    }

    @Test
    void theSamplesCoverEveryKindOfEventBody() {
        Set<Class<?>> kinds = Arrays.stream(EventBody.class.getPermittedSubclasses()).collect(Collectors.toSet());
        Set<Class<?>> sampled = SAMPLES.stream().map(Object::getClass).collect(Collectors.toSet());

        assertEquals(kinds, sampled, "a new event body needs a stored form in EventCodec and a sample here");
        assertEquals(EventCodec.TYPES, SAMPLES.stream().map(EventBody::type).collect(Collectors.toSet()));
    }

    @Test
    void thePayloadIsPlainJsonNamedAfterTheRecordComponentsWithoutNulls() {
        assertEquals("{\"messageId\":\"m1\",\"text\":\"退款\"}",
                EventCodec.payload(new BuyerSaid("m1", "退款", null)));
        assertEquals("{\"score\":4,\"comment\":\"\"}", EventCodec.payload(new Rated(4, "")));
        assertEquals("{\"inReplyTo\":3,\"band\":\"suggest\",\"text\":\"t\",\"confidence\":0.5,"
                        + "\"suggestions\":[{\"faqId\":\"f1\",\"question\":\"q\"}]}",
                EventCodec.payload(new BotReplied(3, "suggest", "t", null, 0.5, List.of(new Suggestion("f1", "q")))));
    }

    @Test
    void aConfidenceThatIsNotANumberIsStoredAsAbsentAndReadBackAsNaN() {
        String payload = EventCodec.payload(new BotReplied(1, "unknown", "?", null, Double.NaN, List.of()));

        assertTrue(!payload.contains("confidence") && !payload.contains("NaN"), payload);
        BotReplied back = (BotReplied) EventCodec.body("bot_reply", payload);
        assertTrue(Double.isNaN(back.confidence()));
    }

    @Test
    void fieldsAddedByALaterVersionAreIgnored() {
        EventBody body = EventCodec.body("closed", "{\"by\":\"agent\",\"reason\":\"done\",\"survey\":true}");

        assertEquals(new Closed("agent", "done"), body);
    }

    @Test
    void aPayloadThatDoesNotFitItsTypeIsReportedByTypeAndField() {
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> EventCodec.body("handoff", "{\"queue\":\"refunds\"}"));
        assertTrue(missing.getMessage().contains("handoff") && missing.getMessage().contains("queueName"),
                missing.getMessage());

        IllegalStateException notJson = assertThrows(IllegalStateException.class,
                () -> EventCodec.body("rating", "{score: 5"));
        assertTrue(notJson.getMessage().contains("rating"), notJson.getMessage());

        IllegalStateException unknown = assertThrows(IllegalStateException.class,
                () -> EventCodec.body("hologram", "{}"));
        assertTrue(unknown.getMessage().contains("hologram"), unknown.getMessage());
    }

    @Test
    void theComplaintAboutABadPayloadNeverQuotesWhatTheBuyerWrote() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EventCodec.body("buyer_message", "{\"text\":\"我的手机号 13800000000\"}"));

        assertTrue(!e.getMessage().contains("13800000000"), e.getMessage());
    }

    @Test
    void reportsFilterOnTheLabelAndTheMessageAnEventIsAbout() {
        assertEquals("unknown", EventCodec.label(new BotReplied(7, "unknown", "?", null, 0, List.of())));
        assertEquals(7L, EventCodec.refSeq(new BotReplied(7, "unknown", "?", null, 0, List.of())));
        assertEquals("refunds", EventCodec.label(new HandedOff("refunds", "退款组", 0, "退款", "keyword", false)));
        assertEquals("abuse", EventCodec.label(new Flagged(4, "abuse", "辱骂", "滚")));
        assertEquals(4L, EventCodec.refSeq(new Flagged(4, "abuse", "辱骂", "滚")));
        assertEquals("3", EventCodec.label(new Rated(3, "")));
        assertNull(EventCodec.label(new BuyerSaid("m1", "hi", null)));
        assertNull(EventCodec.refSeq(new BuyerSaid("m1", "hi", null)));
    }
}
