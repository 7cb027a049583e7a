package dev.xiaoer.loadtest.driver;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InboundFrameTest {

    private final InboundFrame frame = new InboundFrame();

    @Test
    void aBotReplyGivesItsBandEntryAndSeqWhateverTheFieldOrder() {
        assertTrue(frame.read(json("{\"seq\":8,\"band\":\"answer\",\"type\":\"reply\",\"from\":\"bot\","
                + "\"text\":\"付款后 48 小时内发货。\",\"faqId\":\"ship-time\",\"at\":\"2026-12-07T02:00:00Z\"}")));
        assertEquals("reply", frame.type);
        assertEquals("bot", frame.from);
        assertEquals("answer", frame.band);
        assertEquals("ship-time", frame.faqId);
        assertEquals(8, frame.seq);
    }

    @Test
    void suggestionsAndOtherNestedValuesAreSkippedNotMistakenForTheReply() {
        assertTrue(frame.read(json("{\"type\":\"reply\",\"from\":\"bot\",\"band\":\"suggest\",\"suggestions\":"
                + "[{\"id\":\"size-chart\",\"faqId\":\"x\"}],\"place\":{\"band\":\"no\"},\"seq\":10}")));
        assertEquals("suggest", frame.band);
        assertNull(frame.faqId);
        assertNull(frame.id);
        assertEquals(10, frame.seq);
    }

    @Test
    void aFrameIsReadAfreshEachTime() {
        assertTrue(frame.read(json("{\"type\":\"ack\",\"id\":\"m1\",\"seq\":1}")));
        assertTrue(frame.read(json("{\"type\":\"error\",\"code\":\"busy\"}")));
        assertEquals("error", frame.type);
        assertEquals("busy", frame.code);
        assertNull(frame.id);
        assertEquals(-1, frame.seq);
    }

    @Test
    void anythingButOneJsonObjectWithATypeIsRefused() {
        assertFalse(frame.read(json("[1,2]")));
        assertFalse(frame.read(json("{\"type\":")));
        assertFalse(frame.read(json("{\"id\":\"m1\"}")));
        assertFalse(frame.read(json("not json")));
    }

    @Test
    void aDirectBufferIsReadToo() {
        ByteBuf direct = Unpooled.directBuffer();
        direct.writeCharSequence("{\"type\":\"pong\"}", StandardCharsets.UTF_8);
        assertTrue(frame.read(direct));
        assertEquals("pong", frame.type);
        direct.release();
    }

    private static ByteBuf json(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8));
    }
}
