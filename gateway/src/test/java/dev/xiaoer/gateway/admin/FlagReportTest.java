package dev.xiaoer.gateway.admin;

import dev.xiaoer.gateway.store.SqliteConversationStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.xiaoer.gateway.admin.ScriptedChats.at;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The flagged messages a supervisor looks at: newest first, with what the buyer wrote. */
class FlagReportTest {

    @TempDir
    Path data;

    @Test
    void flagsComeNewestFirstWithTheBuyersMessageAndOnlyFromTheWindow() {
        try (SqliteConversationStore store = SqliteConversationStore.open(data)) {
            ScriptedChats chats = new ScriptedChats(store);
            chats.chat("c1", "2026-12-07T08:00").buyer("2026-12-07T08:01", "你们是骗子")
                    .flag("2026-12-07T08:01", "abuse", "骗子").bot("2026-12-07T08:01", "unknown", "抱歉");
            chats.chat("c2", "2026-12-07T09:00").buyer("2026-12-07T09:01", "不退款就给你差评")
                    .flag("2026-12-07T09:01", "abuse", "给你差评").bot("2026-12-07T09:01", "unknown", "抱歉")
                    .buyer("2026-12-07T09:30", "垃圾店").flag("2026-12-07T09:30", "abuse", "垃圾店");
            chats.chat("c3", "2026-12-06T09:00").buyer("2026-12-06T09:01", "滚").flag("2026-12-06T09:01", "abuse", "滚");
            FlagReport report = new FlagReport(store);

            List<FlagReport.FlaggedMessage> flags = report.recent(at("2026-12-07T00:00"), at("2026-12-08T00:00"), 50);
            assertEquals(List.of("垃圾店", "不退款就给你差评", "你们是骗子"),
                    flags.stream().map(FlagReport.FlaggedMessage::text).toList());
            assertEquals(new FlagReport.FlaggedMessage("c2", at("2026-12-07T09:30"), "abuse", "abuse rule", "垃圾店",
                    "垃圾店"), flags.get(0));
            assertEquals(List.of("c2", "c2"), report.recent(at("2026-12-07T00:00"), at("2026-12-08T00:00"), 2).stream()
                    .map(FlagReport.FlaggedMessage::conversation).toList(), "the newest two");
        }
    }
}
