package dev.xiaoer.intents;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The decision cache's counts, which the gateway exposes as its hit rate. */
class CacheStatsTest {

    @Test
    void aQuestionAskedAgainInAnyTypingIsAHitAndRulesNeverTouchTheCache() throws Exception {
        IntentEngine engine = IntentEngine.builder().build();
        assertEquals(new CacheStats(0, 0, 0), engine.cacheStats());

        engine.decide("请问发什么快递", DialogState.START);
        engine.decide("請問 發什麼快遞？", DialogState.START);
        engine.decide("我要退款", DialogState.START);
        engine.decide("亲在吗", DialogState.START);
        assertEquals(new CacheStats(2, 1, 1), engine.cacheStats(), "rules and small talk are decided before the FAQ");

        engine.quickDecision("请问发什么快递", DialogState.START);
        engine.quickDecision("火星上能种土豆吗", DialogState.START);
        assertEquals(new CacheStats(3, 2, 1), engine.cacheStats(),
                "a quick miss is left to decide(), which counts it then");
    }

    @Test
    void aReloadEmptiesTheCacheButKeepsTheCounts() throws Exception {
        Path faq = Files.createTempFile("faq", ".jsonl");
        try {
            Files.writeString(faq, "{\"id\":\"a\",\"question\":\"什么时候发货\",\"answer\":\"48小时内\"}\n");
            IntentEngine engine = IntentEngine.builder().faq(faq).build();
            engine.decide("什么时候发货", DialogState.START);
            engine.decide("什么时候发货", DialogState.START);
            engine.reloadFaq(faq);
            engine.decide("什么时候发货", DialogState.START);
            assertEquals(new CacheStats(3, 1, 1), engine.cacheStats());
        } finally {
            Files.deleteIfExists(faq);
        }
    }

    @Test
    void withoutACacheEveryRequestIsAMiss() throws Exception {
        IntentEngine engine = IntentEngine.builder().cacheSize(0).build();
        engine.decide("发什么快递", DialogState.START);
        engine.decide("发什么快递", DialogState.START);
        assertEquals(new CacheStats(2, 0, 0), engine.cacheStats());
    }
}
