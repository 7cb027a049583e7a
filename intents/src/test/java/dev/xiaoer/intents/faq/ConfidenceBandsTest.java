package dev.xiaoer.intents.faq;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConfidenceBandsTest {

    private static final ConfidenceBands BANDS = new ConfidenceBands(0.5, 0.25);

    private static Ranked ranked(String id, double similarity) {
        return new Ranked(new FaqEntry(id, "q-" + id, List.of(), "a-" + id, List.of()), similarity);
    }

    private static Ranked ranked(String id, double similarity, double exactness) {
        return new Ranked(new FaqEntry(id, "q-" + id, List.of(), "a-" + id, List.of()), similarity, exactness);
    }

    @Test
    void anFaqQuestionTypedAsWrittenIsAnsweredDespiteALongerQuestionThatContainsIt() {
        // Similarity alone is a near-tie (0.9 − 0.5 × 0.85 = 0.475); the exact phrasing settles it.
        FaqMatch m = BANDS.decide(List.of(ranked("a", 0.9, 1.0), ranked("b", 0.85, 0.7)));
        assertEquals(FaqMatch.Band.ANSWER, m.band());
        assertEquals(0.65, m.confidence(), 1e-9);
    }

    @Test
    void exactnessBelowTheBarDoesNotRaiseConfidence() {
        FaqMatch m = BANDS.decide(List.of(ranked("a", 0.9, 0.85), ranked("b", 0.85, 0.1)));
        assertEquals(FaqMatch.Band.SUGGEST, m.band());
        assertEquals(0.475, m.confidence(), 1e-9);
    }

    @Test
    void twoEntriesWithTheSamePhrasingAreNotAnsweredOnExactness() {
        FaqMatch m = BANDS.decide(List.of(ranked("a", 1.0, 1.0), ranked("b", 1.0, 1.0)));
        assertEquals(FaqMatch.Band.SUGGEST, m.band());
        assertEquals(0.5, m.confidence(), 1e-9);
        assertEquals(List.of("a", "b"), m.shown().stream().map(s -> s.entry().id()).toList());
    }

    @Test
    void aNearTieIsSuggestedEvenWhenALowAnswerThresholdIsReached() {
        ConfidenceBands low = new ConfidenceBands(0.4, 0.25);
        assertEquals(FaqMatch.Band.SUGGEST, low.decide(List.of(ranked("a", 0.92), ranked("b", 0.9))).band());
        assertEquals(FaqMatch.Band.ANSWER, low.decide(List.of(ranked("a", 0.92), ranked("b", 0.8))).band());
    }

    @Test
    void aClearBestIsAnswered() {
        FaqMatch m = BANDS.decide(List.of(ranked("a", 0.9), ranked("b", 0.2)));
        assertEquals(FaqMatch.Band.ANSWER, m.band());
        assertEquals(0.8, m.confidence(), 1e-9);
        assertEquals("a", m.shown().get(0).entry().id());
    }

    @Test
    void confidenceExactlyAtTheAnswerThresholdIsAnswered() {
        assertEquals(FaqMatch.Band.ANSWER, BANDS.decide(List.of(ranked("a", 0.5))).band());
        assertEquals(FaqMatch.Band.SUGGEST, BANDS.decide(List.of(ranked("a", 0.4999))).band());
    }

    @Test
    void twoEquallyGoodEntriesAreSuggestedNotAnswered() {
        FaqMatch m = BANDS.decide(List.of(ranked("a", 0.95), ranked("b", 0.95), ranked("c", 0.9), ranked("d", 0.3)));
        assertEquals(FaqMatch.Band.SUGGEST, m.band());
        assertEquals(0.475, m.confidence(), 1e-9);
        assertEquals(List.of("a", "b", "c"), m.shown().stream().map(s -> s.entry().id()).toList());
        assertEquals(4, m.candidates().size());
    }

    @Test
    void onlyCloseRivalsAreSuggestedBesideTheBest() {
        FaqMatch m = BANDS.decide(List.of(ranked("a", 0.6), ranked("b", 0.5), ranked("c", 0.3)));
        assertEquals(FaqMatch.Band.SUGGEST, m.band());
        assertEquals(List.of("a", "b"), m.shown().stream().map(s -> s.entry().id()).toList());
    }

    @Test
    void weakMatchesAreUnknownButKeepTheirCandidates() {
        FaqMatch m = BANDS.decide(List.of(ranked("a", 0.3), ranked("b", 0.2)));
        assertEquals(FaqMatch.Band.UNKNOWN, m.band());
        assertEquals(0.2, m.confidence(), 1e-9);
        assertEquals(2, m.candidates().size());
        assertEquals(FaqMatch.NOTHING, BANDS.decide(List.of()));
    }

    @Test
    void rivalsConfidenceIsTheirSimilarityLessHalfTheBest() {
        FaqMatch m = BANDS.decide(List.of(ranked("a", 0.8), ranked("b", 0.7)));
        assertEquals(0.45, m.candidates().get(0).confidence(), 1e-9);
        assertEquals(0.3, m.candidates().get(1).confidence(), 1e-9);
    }

    @Test
    void atMostFiveCandidatesAreReported() {
        FaqMatch m = BANDS.decide(List.of(ranked("a", 0.9), ranked("b", 0.1), ranked("c", 0.1), ranked("d", 0.1),
                ranked("e", 0.1), ranked("f", 0.1)));
        assertEquals(5, m.candidates().size());
    }

    @Test
    void thresholdsOutOfOrderAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ConfidenceBands(0.3, 0.4));
        assertThrows(IllegalArgumentException.class, () -> new ConfidenceBands(1.2, 0.4));
        assertThrows(IllegalArgumentException.class, () -> new ConfidenceBands(Double.NaN, 0.1));
    }
}
