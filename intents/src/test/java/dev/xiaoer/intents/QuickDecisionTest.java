package dev.xiaoer.intents;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event-loop fast path: decided without searching, or left to a worker. */
class QuickDecisionTest {

    @Test
    void rulesSmalltalkAndCachedQuestionsAreDecidedInlineAndNewQuestionsAreNot() throws Exception {
        IntentEngine engine = IntentEngine.builder().build();
        assertInstanceOf(Decision.Handoff.class,
                engine.quickDecision("我要退款", DialogState.START).orElseThrow().decision());
        assertInstanceOf(Decision.Smalltalk.class,
                engine.quickDecision("亲在吗", DialogState.START).orElseThrow().decision());
        assertInstanceOf(Decision.Unknown.class, engine.quickDecision("😊", DialogState.START).orElseThrow().decision());

        assertTrue(engine.quickDecision("请问发什么快递", DialogState.START).isEmpty());
        Turn searched = engine.decide("请问发什么快递", DialogState.START);
        // The cache key is the normalised question: the same question typed differently hits it too.
        Turn quick = engine.quickDecision("請問 發什麼快遞？", DialogState.START).orElseThrow();
        assertEquals(searched.decision(), quick.decision());
    }

    @Test
    void aCachedUnknownStillFollowsTheConversationPolicy() throws Exception {
        IntentEngine engine = IntentEngine.builder().build();
        engine.decide("火星上能种土豆吗", DialogState.START);
        Turn quick = engine.quickDecision("火星上能种土豆吗", new DialogState(1, false)).orElseThrow();
        assertTrue(((Decision.Unknown) quick.decision()).offerHuman());
    }

    @Test
    void withoutACacheOnlyRulesAndSmalltalkAreQuick() throws Exception {
        IntentEngine engine = IntentEngine.builder().cacheSize(0).build();
        engine.decide("发什么快递", DialogState.START);
        assertTrue(engine.quickDecision("发什么快递", DialogState.START).isEmpty());
        assertTrue(engine.quickDecision("转人工", DialogState.START).isPresent());
    }
}
