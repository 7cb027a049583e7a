package dev.xiaoer.intents;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Conversations told as stories: what the buyer says, what the bot decides, what it remembers. */
class ConversationPolicyTest {

    private final IntentEngine engine = Engines.embedded();

    private static final String NONSENSE_1 = "火星上能种土豆吗";
    private static final String NONSENSE_2 = "你们老家下雪了没有";

    @Test
    void afterTwoUnknownsInARowTheBotOffersAHuman() {
        Turn first = engine.decide(NONSENSE_1, DialogState.START);
        Decision.Unknown u1 = assertInstanceOf(Decision.Unknown.class, first.decision());
        assertFalse(u1.offerHuman());
        assertEquals(new DialogState(1, false), first.next());

        Turn second = engine.decide(NONSENSE_2, first.next());
        Decision.Unknown u2 = assertInstanceOf(Decision.Unknown.class, second.decision());
        assertTrue(u2.offerHuman());
        assertTrue(second.next().humanOffered());
    }

    @Test
    void acceptingTheOfferHandsOffToTheHumanQueue() {
        DialogState offered = new DialogState(0, true);
        for (String yes : new String[] {"好的", "是的", "转吧", "要", "嗯嗯", "好的谢谢", "yes", "Yes please!"}) {
            Turn turn = engine.decide(yes, offered);
            Decision.Handoff handoff = assertInstanceOf(Decision.Handoff.class, turn.decision(), yes);
            assertEquals("human", handoff.route().queue());
            assertEquals(Route.Reason.ACCEPTED_OFFER, handoff.route().reason());
            assertEquals(-1, handoff.route().offset());
            assertEquals(DialogState.START, turn.next());
        }
    }

    @Test
    void decliningTheOfferIsRespected() {
        DialogState offered = new DialogState(0, true);
        for (String no : new String[] {"不用了", "没事了", "算了", "不用了谢谢", "不需要", "no thanks", "No."}) {
            Turn turn = engine.decide(no, offered);
            Decision.Smalltalk talk = assertInstanceOf(Decision.Smalltalk.class, turn.decision(), no);
            assertEquals(Decision.Smalltalk.Kind.DECLINED_HUMAN, talk.kind());
            assertFalse(talk.reply().isBlank());
            assertFalse(turn.next().humanOffered());
        }
    }

    @Test
    void sayingYesWithoutAnOfferIsJustAnAcknowledgement() {
        Turn turn = engine.decide("好的", DialogState.START);
        assertInstanceOf(Decision.Smalltalk.class, turn.decision());
    }

    @Test
    void anAnswerResetsTheCountOfUnknowns() {
        Turn turn = engine.decide("发什么快递？", new DialogState(1, false));
        assertInstanceOf(Decision.Answer.class, turn.decision());
        assertEquals(DialogState.START, turn.next());
    }

    @Test
    void greetingsAndThanksAreSmalltalkAndDoNotCountAsUnknowns() {
        for (String hello : new String[] {"你好", "在吗", "亲在吗", "客服你好", "亲", "老板在吗"}) {
            Turn turn = engine.decide(hello, new DialogState(1, false));
            Decision.Smalltalk talk = assertInstanceOf(Decision.Smalltalk.class, turn.decision(), hello);
            assertEquals(Decision.Smalltalk.Kind.GREETING, talk.kind(), hello);
            assertEquals(1, turn.next().consecutiveUnknowns());
        }
        Decision.Smalltalk thanks = assertInstanceOf(Decision.Smalltalk.class,
                engine.decide("谢谢亲", DialogState.START).decision());
        assertEquals(Decision.Smalltalk.Kind.THANKS, thanks.kind());
    }

    @Test
    void anotherQuestionAfterTheOfferLetsTheOfferLapse() {
        Turn turn = engine.decide("发什么快递？", new DialogState(0, true));
        assertInstanceOf(Decision.Answer.class, turn.decision());
        assertFalse(turn.next().humanOffered());
    }

    @Test
    void aKeywordHandoffWinsOverEverything() {
        String message = "不用了，我要退款";
        Turn turn = engine.decide(message, new DialogState(0, true));
        Decision.Handoff handoff = assertInstanceOf(Decision.Handoff.class, turn.decision());
        assertEquals("after-sales", handoff.route().queue());
        assertEquals(Route.Reason.KEYWORD, handoff.route().reason());
        assertEquals("退款", handoff.route().trigger());
        assertEquals(message.indexOf('退'), handoff.route().offset());
    }

    @Test
    void zeroUnknownsBeforeOfferNeverOffers() throws Exception {
        IntentEngine never = IntentEngine.builder().unknownsBeforeOffer(0).cacheSize(0).build();
        DialogState state = DialogState.START;
        for (int i = 0; i < 4; i++) {
            Turn turn = never.decide(i % 2 == 0 ? NONSENSE_1 : NONSENSE_2, state);
            assertFalse(((Decision.Unknown) turn.decision()).offerHuman());
            state = turn.next();
        }
        assertFalse(state.humanOffered());
    }

    @Test
    void threeUnknownsBeforeOfferWaitsForTheThird() throws Exception {
        IntentEngine patient = IntentEngine.builder().unknownsBeforeOffer(3).build();
        Turn t1 = patient.decide(NONSENSE_1, DialogState.START);
        Turn t2 = patient.decide(NONSENSE_2, t1.next());
        Turn t3 = patient.decide(NONSENSE_1, t2.next());
        assertFalse(((Decision.Unknown) t2.decision()).offerHuman());
        assertTrue(((Decision.Unknown) t3.decision()).offerHuman());
    }

    @Test
    void flagsComeWithTheDecision() {
        Turn turn = engine.decide("发什么快递？骗子", DialogState.START);
        assertEquals(1, turn.flags().size());
        assertEquals("abuse", turn.flags().get(0).rule());
        assertEquals(6, turn.flags().get(0).offset());
    }
}
