package dev.xiaoer.gateway.admin;

import dev.xiaoer.gateway.chat.MutableClock;
import dev.xiaoer.gateway.store.SqliteConversationStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;

import static dev.xiaoer.gateway.admin.ScriptedChats.at;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The figures of a scripted Monday, 2026-12-07, read the next day at noon (Shanghai time). */
class DailySummaryTest {

    @TempDir
    Path data;

    private SqliteConversationStore store;
    private DailySummary summary;

    @BeforeEach
    void aMonday() {
        store = SqliteConversationStore.open(data);
        summary = new DailySummary(store, new MutableClock(at("2026-12-08T12:00")), ScriptedChats.SHANGHAI);
        ScriptedChats chats = new ScriptedChats(store);
        // Began on Sunday night: Sunday's chat, even though the buyer wrote again after midnight.
        chats.chat("sunday", "2026-12-06T23:54").buyer("2026-12-06T23:55", "在吗")
                .bot("2026-12-06T23:55", "smalltalk", "在的").buyer("2026-12-07T00:05", "什么时候发货")
                .bot("2026-12-07T00:05", "answer", "48小时内");
        // The bot answers (two seconds late: the store was slow) and the buyer leaves happy.
        chats.chat("c1", "2026-12-07T08:59").buyer("2026-12-07T09:00:00", "什么时候发货")
                .bot("2026-12-07T09:00:02", "answer", "48小时内").closed("2026-12-07T09:05", "buyer");
        // A refund: taken after 3 minutes, answered after 4, transferred, rated 5.
        chats.chat("c2", "2026-12-07T09:59").buyer("2026-12-07T10:00", "我要退款")
                .handoff("2026-12-07T10:00", "after-sales", "退款").agentJoins("2026-12-07T10:03")
                .agent("2026-12-07T10:04", "您好").transfer("2026-12-07T10:10", "complaints")
                .agentJoins("2026-12-07T10:11").agent("2026-12-07T10:12", "我来处理")
                .closed("2026-12-07T10:19", "agent").rated("2026-12-07T10:20", 5);
        // A complaint answered after 10 minutes, rated 3.
        chats.chat("c3", "2026-12-07T10:59").buyer("2026-12-07T11:00", "我要投诉")
                .handoff("2026-12-07T11:00", "complaints", "投诉").agentJoins("2026-12-07T11:05")
                .agent("2026-12-07T11:10", "抱歉").closed("2026-12-07T11:30", "agent").rated("2026-12-07T11:31", 3);
        // Unknowns, then insults: flagged. The bot alone handles it.
        chats.chat("c4", "2026-12-07T13:59").buyer("2026-12-07T14:00:00", "火星上能种土豆吗")
                .bot("2026-12-07T14:00:01", "unknown", "抱歉").buyer("2026-12-07T14:01", "你们是骗子")
                .flag("2026-12-07T14:01", "abuse", "骗子").bot("2026-12-07T14:01", "unknown", "抱歉");
        // A refund nobody has answered yet.
        chats.chat("c5", "2026-12-07T14:59").buyer("2026-12-07T15:00", "退款")
                .handoff("2026-12-07T15:00", "after-sales", "退款");
        // Late on Monday a greeting; the refund comes after midnight: Monday's chat, Tuesday's handoff.
        chats.chat("c6", "2026-12-07T23:49").buyer("2026-12-07T23:50", "你好")
                .bot("2026-12-07T23:50", "smalltalk", "您好").buyer("2026-12-08T00:10", "我要退款")
                .handoff("2026-12-08T00:10", "after-sales", "退款");
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void mondayInFigures() {
        DailySummary.Day day = summary.of(LocalDate.of(2026, 12, 7));
        assertEquals("Asia/Shanghai", day.timeZone());
        assertEquals(6, day.chats(), "c1 to c6; Sunday's chat is Sunday's");
        assertEquals(2, day.botResolved(), "c1 and c4 never went to people");
        assertEquals(33.3, day.botResolvedPercent());
        assertEquals(4, day.handedOff(), "c6 went to people after midnight, but it is Monday's chat");
        assertEquals(2, day.withPeople());
        assertEquals(Map.of("after-sales", 2, "complaints", 1), day.handoffsByQueue(), "handoffs made on Monday");
        assertEquals(1, day.transfers());

        assertEquals(6, day.firstResponse().bot().count());
        assertEquals(0L, day.firstResponse().bot().medianMillis());
        assertEquals(2_000L, day.firstResponse().bot().p90Millis());
        assertEquals(2, day.firstResponse().human().count());
        assertEquals(240_000L, day.firstResponse().human().medianMillis(), "c2: handed off 10:00, answered 10:04");
        assertEquals(600_000L, day.firstResponse().human().p90Millis(), "c3: 11:00 to 11:10");
        assertEquals(1, day.firstResponse().stillWaiting(), "c5");

        assertEquals(2, day.ratings().count());
        assertEquals(4.0, day.ratings().average());
        assertEquals(Map.of(1, 0, 2, 0, 3, 1, 4, 0, 5, 1), day.ratings().distribution());
        assertEquals(Map.of("abuse", 1), day.flagsByRule());
        assertEquals(2, day.unknownAnswers());
        int[] hours = new int[24];
        hours[9] = 1;
        hours[10] = 1;
        hours[11] = 1;
        hours[14] = 1;
        hours[15] = 1;
        hours[23] = 1;
        assertArrayEquals(hours, day.chatsByHour());
    }

    @Test
    void tuesdayHasTheHandoffThatCameAfterMidnightAndNoChatOfItsOwn() {
        assertEquals(LocalDate.of(2026, 12, 8), summary.today());
        DailySummary.Day day = summary.of(summary.today());
        assertEquals(0, day.chats());
        assertEquals(0.0, day.botResolvedPercent());
        assertEquals(Map.of("after-sales", 1), day.handoffsByQueue());
        assertEquals(1, day.firstResponse().stillWaiting());
        assertEquals(0, day.ratings().count());
        assertNull(day.ratings().average());
        assertNull(day.firstResponse().human().medianMillis());
    }

    @Test
    void aDayWithNothingIsAllZeros() {
        DailySummary.Day day = summary.of(LocalDate.of(2026, 11, 1));
        assertEquals(0, day.chats());
        assertEquals(Map.of(), day.handoffsByQueue());
        assertEquals(0, day.firstResponse().bot().count());
    }
}
