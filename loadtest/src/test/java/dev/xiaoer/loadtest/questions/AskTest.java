package dev.xiaoer.loadtest.questions;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AskTest {

    private final ShopQuestion shipping = new ShopQuestion("多久能发货", "ship-time", "paraphrase", "answer", "ship-time");

    @Test
    void aKnownQuestionWantsItsOwnEntry() {
        Ask ask = new Ask(shipping.text(), shipping);
        assertTrue(ask.acceptsReply("answer", "ship-time"));
        assertFalse(ask.acceptsReply("answer", "return-how"), "another buyer's answer");
        assertFalse(ask.acceptsReply("suggest", null));
        assertFalse(ask.acceptsReply(null, null));
    }

    @Test
    void aNeverSeenQuestionTakesAnyAnswerOfTheBotsButNotAHandoff() {
        Ask ask = new Ask("多久能发货 q1x2", null);
        assertTrue(ask.acceptsReply("answer", "ship-time"));
        assertTrue(ask.acceptsReply("suggest", null));
        assertTrue(ask.acceptsReply("unknown", null));
        assertFalse(ask.acceptsReply("handoff", null));
    }
}
