package dev.xiaoer.loadtest.questions;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuestionMixTest {

    private static final List<ShopQuestion> QUESTIONS = ShopQuestions.load();
    private static final int DRAWS = 100_000;

    @Test
    void aFewQuestionsAreAskedMostAndTheTailStillComesUp() {
        QuestionMix mix = QuestionMix.zipf(QUESTIONS, 1.0, 0);
        SplittableRandom random = new SplittableRandom(1);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < DRAWS; i++) {
            counts.merge(mix.next(random).text(), 1, Integer::sum);
        }
        List<ShopQuestion> ranked = mix.ranked();
        int first = counts.getOrDefault(ranked.get(0).text(), 0);
        int tenth = counts.getOrDefault(ranked.get(9).text(), 0);
        int hundredth = counts.getOrDefault(ranked.get(99).text(), 0);
        // Zipf with s = 1: the first is asked about ten times as often as the tenth, which is ten times the 100th.
        assertTrue(first > 5 * tenth && tenth > 5 * hundredth, first + " / " + tenth + " / " + hundredth);
        assertTrue(hundredth > 0, "the 100th question never came up");
        assertTrue(counts.size() > ranked.size() / 2, "only " + counts.size() + " distinct questions came up");
    }

    @Test
    void aFifthOfTheMixIsTextNobodyHasAskedBeforeAndNoTwoAreAlike() {
        QuestionMix mix = QuestionMix.zipf(QUESTIONS, 1.0, 0.2);
        SplittableRandom random = new SplittableRandom(2);
        Set<String> known = new HashSet<>();
        QUESTIONS.forEach(q -> known.add(q.text()));
        Set<String> unique = new HashSet<>();
        int neverSeen = 0;
        for (int i = 0; i < DRAWS; i++) {
            Ask ask = mix.next(random);
            if (ask.neverSeen()) {
                neverSeen++;
                assertTrue(unique.add(ask.text()), "asked twice: " + ask.text());
                assertFalse(known.contains(ask.text()));
                assertNull(ask.expectedBand());
            } else {
                assertTrue(known.contains(ask.text()));
                assertNotNull(ask.expectedBand());
            }
        }
        double share = neverSeen / (double) DRAWS;
        assertTrue(share > 0.19 && share < 0.21, "never-seen share " + share);
    }

    @Test
    void twoMixesMakeDifferentUniqueText() {
        Ask a = QuestionMix.unique(QUESTIONS).next(new SplittableRandom(3));
        Ask b = QuestionMix.unique(QUESTIONS).next(new SplittableRandom(3));
        // Same base question (same seed), different words: two runs against one gateway share no cache entry.
        assertFalse(a.text().equals(b.text()), a.text());
    }

    @Test
    void questionsThatGoToPeopleAreLeftOutOfTheChatMix() {
        QuestionMix mix = QuestionMix.zipf(QUESTIONS, 0, 0);
        assertTrue(QUESTIONS.stream().anyMatch(q -> !q.botReplies()), "the FAQ has a question routed to people");
        assertTrue(mix.ranked().stream().allMatch(ShopQuestion::botReplies));
        assertEquals(QUESTIONS.stream().filter(ShopQuestion::botReplies).count(), mix.ranked().size());
    }

    @Test
    void badShapesAreRefusedWithTheirName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuestionMix.zipf(QUESTIONS, -1, 0.2));
        assertTrue(e.getMessage().contains("Zipf exponent"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> QuestionMix.zipf(QUESTIONS, 1, 1.5));
        assertTrue(e.getMessage().contains("never-seen share"), e.getMessage());
    }
}
