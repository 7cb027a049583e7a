package dev.xiaoer.intents;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntentEngineTest {

    private final IntentEngine engine = Engines.embedded();

    @Test
    void theEmbeddedFaqAnswersItsOwnQuestions() {
        assertTrue(engine.faqSize() >= 150);
        for (String[] qa : new String[][] {{"什么时候发货？", "ship-time"}, {"发什么快递？", "shipping-courier"},
                {"能开发票吗？", "invoice-available"}, {"尺码怎么选？", "size-choose"}, {"包邮吗？", "free-shipping"}}) {
            Decision.Answer answer = assertInstanceOf(Decision.Answer.class,
                    engine.decide(qa[0], DialogState.START).decision(), qa[0]);
            assertEquals(qa[1], answer.faqId());
            assertTrue(answer.confidence() >= 0.5 && answer.confidence() <= 1, "confidence " + answer.confidence());
            assertEquals(qa[1], answer.candidates().get(0).faqId());
        }
    }

    @Test
    void aParaphraseWithFillerTyposAndTraditionalScriptIsStillAnswered() {
        Decision d = engine.decide("請問 你們家發什麼快遞呀？？", DialogState.START).decision();
        assertEquals("shipping-courier", ((Decision.Answer) d).faqId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\t\n", "😊😊😊", "👍", "？？？！！！", "......"})
    void emptyAndSymbolOnlyMessagesAreUnknown(String message) {
        assertInstanceOf(Decision.Unknown.class, engine.decide(message, DialogState.START).decision());
    }

    @Test
    void nullMessageAndNullStateAreTolerated() {
        assertInstanceOf(Decision.Unknown.class, engine.decide(null, null).decision());
    }

    @Test
    void aHundredThousandCharacterMessageIsDecidedWithoutThrowing() {
        String huge = "我想问一下发什么快递".repeat(10_000);
        Turn turn = engine.decide(huge, DialogState.START);
        assertTrue(turn.decision() instanceof Decision.Answer || turn.decision() instanceof Decision.Suggest
                || turn.decision() instanceof Decision.Unknown);
        String refundAtTheEnd = "啊".repeat(99_990) + "退款";
        // Beyond the scan cap a trigger is not seen: the cap is what bounds the work.
        assertInstanceOf(Decision.Unknown.class, engine.decide(refundAtTheEnd, DialogState.START).decision());
    }

    @Test
    void binaryGarbageNeverThrows() {
        Random random = new Random(42);
        for (int round = 0; round < 50; round++) {
            StringBuilder sb = new StringBuilder();
            int length = random.nextInt(5_000);
            for (int i = 0; i < length; i++) {
                sb.append((char) random.nextInt(65536));
            }
            Turn turn = engine.decide(sb.toString(), DialogState.START);
            assertTrue(turn.decision() != null);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"发什么快递 AND NOT 顺丰", "发票*", "运费?", "包邮~2", "(尺码) [怎么选]", "title:发票",
            "\\", "\"能开发票吗\"", "+发货 -快递", "尺码^10 怎么选", "/.*/"})
    void luceneQuerySyntaxIsPlainText(String message) {
        Decision d = engine.decide(message, DialogState.START).decision();
        assertTrue(d instanceof Decision.Answer || d instanceof Decision.Suggest || d instanceof Decision.Unknown,
                message + " -> " + d);
    }

    @Test
    void clickingASuggestionGetsItsAnswer() {
        Decision.Answer answer = engine.answer("ship-time").orElseThrow();
        assertEquals("ship-time", answer.faqId());
        assertTrue(answer.answer().length() > 5);
        assertTrue(engine.answer("no-such-id").isEmpty());
        assertTrue(engine.answer(null).isEmpty());
    }

    @Test
    void hotQuestionsComeFirst() {
        List<Candidate> hot = engine.hotQuestions(8);
        assertEquals(8, hot.size());
        assertEquals("ship-time", hot.get(0).faqId());
        assertEquals(List.of(), engine.hotQuestions(0));
    }

    @Test
    void theBuilderRejectsNonsenseSettingsWithTheKeyInTheMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IntentEngine.builder().answerThreshold(1.5).build());
        assertTrue(e.getMessage().contains("answerThreshold"));
        assertThrows(IllegalArgumentException.class,
                () -> IntentEngine.builder().answerThreshold(0.4).suggestThreshold(0.6).build());
        assertThrows(IllegalArgumentException.class, () -> IntentEngine.builder().unknownsBeforeOffer(-1).build());
        assertThrows(IllegalArgumentException.class, () -> IntentEngine.builder().cacheSize(-1).build());
    }

    @Test
    void aMissingFileFailsTheBuildWithItsName() {
        IntentFileException e = assertThrows(IntentFileException.class,
                () -> IntentEngine.builder().faq(java.nio.file.Path.of("no-such-faq.jsonl")).build());
        assertTrue(e.getMessage().startsWith("no-such-faq.jsonl"), e.getMessage());
    }

    @Test
    void aCachedDecisionIsTheSameAsAFreshOne() throws Exception {
        IntentEngine uncached = IntentEngine.builder().cacheSize(0).build();
        for (String q : List.of("发什么快递", "能开发票吗", "火星上能种土豆吗", "尺码偏大吗")) {
            Decision first = engine.decide(q, DialogState.START).decision();
            Decision again = engine.decide(q, DialogState.START).decision();
            assertEquals(first, again);
            assertEquals(uncached.decide(q, DialogState.START).decision(), first);
        }
    }
}
