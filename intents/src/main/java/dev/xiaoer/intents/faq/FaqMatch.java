package dev.xiaoer.intents.faq;

import java.util.List;

/**
 * The FAQ's verdict on one query: the band, the confidence of the best candidate, the best candidates (up to
 * {@link ConfidenceBands#MAX_CANDIDATES}) and those to show the buyer (the answer, or the 1–3 suggestions).
 */
public record FaqMatch(Band band, double confidence, List<Scored> candidates, List<Scored> shown) {

    /** Nothing in the FAQ shares a word with the query. */
    public static final FaqMatch NOTHING = new FaqMatch(Band.UNKNOWN, 0, List.of(), List.of());

    /** The three outcomes of a FAQ search. */
    public enum Band { ANSWER, SUGGEST, UNKNOWN }

    /** A candidate entry with its similarity and its confidence (similarity less its rival's margin). */
    public record Scored(FaqEntry entry, double similarity, double confidence) {
    }

    public FaqMatch {
        candidates = List.copyOf(candidates);
        shown = List.copyOf(shown);
    }
}
