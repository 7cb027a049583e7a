package dev.xiaoer.intents.faq;

/**
 * A FAQ entry and how similar a query is to it, in [0, 1]; {@code exactness} in [0, 1] says how close the query
 * is to one of the entry's phrasings word for word (1 for the phrasing itself), which the confidence uses.
 */
public record Ranked(FaqEntry entry, double similarity, double exactness) {

    /** A ranking entry without an exactness (the plain baseline's). */
    public Ranked(FaqEntry entry, double similarity) {
        this(entry, similarity, 0);
    }
}
