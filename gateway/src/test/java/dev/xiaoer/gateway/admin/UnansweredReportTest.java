package dev.xiaoer.gateway.admin;

import dev.xiaoer.gateway.chat.KeywordEngine;
import dev.xiaoer.gateway.store.SqliteConversationStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.xiaoer.gateway.admin.ScriptedChats.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What buyers asked that the bot did not know, grouped the way a shop owner reads it. */
class UnansweredReportTest {

    @TempDir
    Path data;

    private SqliteConversationStore store;
    private UnansweredReport report;

    @BeforeEach
    void aMorningOfQuestions() {
        store = SqliteConversationStore.open(data);
        // The test bot answers anything with 发货 in it now, as if the shop had added that entry since.
        report = new UnansweredReport(store, new KeywordEngine());
        ScriptedChats chats = new ScriptedChats(store);
        chats.chat("c1", "2026-12-07T09:59")
                .buyer("2026-12-07T10:00", "发货了吗？").bot("2026-12-07T10:00", "unknown", "抱歉")
                .buyer("2026-12-07T10:01", "能用花呗吗").bot("2026-12-07T10:01", "unknown", "抱歉")
                .buyer("2026-12-07T10:02", "能用花呗吗").bot("2026-12-07T10:02", "unknown", "抱歉")
                .buyer("2026-12-07T10:20", "发货了吗").bot("2026-12-07T10:20", "unknown", "抱歉");
        chats.chat("c2", "2026-12-07T10:04")
                .buyer("2026-12-07T10:05", "发货了吗").bot("2026-12-07T10:05", "unknown", "抱歉")
                .buyer("2026-12-07T10:06", "😊😊").bot("2026-12-07T10:06", "unknown", "抱歉")
                .buyer("2026-12-07T10:07", "衣服").bot("2026-12-07T10:07", "suggest", "您是想问")
                .buyer("2026-12-07T10:08", "怎么退货").bot("2026-12-07T10:08", "answer", "七天无理由");
        chats.chat("c3", "2026-12-07T10:09")
                .buyer("2026-12-07T10:10", "發貨了嗎").bot("2026-12-07T10:10", "unknown", "抱歉");
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void theSameQuestionTypedDifferentlyIsOneQuestionWithTheBuyersOwnWords() {
        UnansweredReport.Result r = report.top(at("2026-12-07T00:00"), at("2026-12-08T00:00"), 20);
        assertEquals(7, r.questionsRead(), "every unknown answer, the emoji one too");
        assertFalse(r.truncated());
        assertEquals(2, r.distinct(), "发货了吗 in four typings, and 能用花呗吗; the emoji-only message is nothing to add");
        UnansweredReport.Question ship = r.questions().get(0);
        assertEquals("发货了吗", ship.normalized());
        assertEquals(4, ship.count());
        assertEquals(3, ship.conversations());
        assertEquals(List.of("发货了吗", "發貨了嗎", "发货了吗？"), ship.examples(), "newest first, each wording once");
        assertEquals("发货了吗", ship.text(), "the latest wording, to prefill a new entry");
        assertEquals(at("2026-12-07T10:20"), ship.lastAskedAt());
        assertEquals("answer", ship.nowBand(), "the bot knows it now");
        assertEquals("ship", ship.nowFaqId());

        UnansweredReport.Question huabei = r.questions().get(1);
        assertEquals(2, huabei.count());
        assertEquals(1, huabei.conversations(), "one buyer asking twice ranks below three buyers asking");
        assertEquals(List.of("能用花呗吗"), huabei.examples());
        assertEquals("unknown", huabei.nowBand());
        assertNull(huabei.nowFaqId());
    }

    @Test
    void onlyTheWindowCountsAndTheLimitCutsTheList() {
        UnansweredReport.Result r = report.top(at("2026-12-07T10:03"), at("2026-12-07T10:15"), 20);
        assertEquals(1, r.questions().size());
        assertEquals(2, r.questions().get(0).count(), "10:05 and 10:10; 10:00 and 10:20 are outside");
        assertEquals(List.of("發貨了嗎", "发货了吗"), r.questions().get(0).examples());

        UnansweredReport.Result top1 = report.top(at("2026-12-07T00:00"), at("2026-12-08T00:00"), 1);
        assertEquals(1, top1.questions().size());
        assertEquals(2, top1.distinct());
        assertEquals(0, report.top(at("2026-12-08T00:00"), at("2026-12-09T00:00"), 5).questions().size());
    }
}
