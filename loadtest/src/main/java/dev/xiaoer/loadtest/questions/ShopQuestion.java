package dev.xiaoer.loadtest.questions;

import java.util.Objects;

/**
 * One way a buyer asks one of the shop's FAQ questions, with what the bot is expected to do with it in a fresh
 * conversation: {@code band} is {@code answer}, {@code suggest}, {@code unknown}, {@code smalltalk} or
 * {@code handoff}; {@code faqId} is set when the band is {@code answer}.
 *
 * @param text  what the buyer types
 * @param entry the FAQ entry the phrasing belongs to
 * @param kind  {@code question} (the entry's standard question) or {@code paraphrase} (one of its {@code similar})
 */
public record ShopQuestion(String text, String entry, String kind, String band, String faqId) {

    public ShopQuestion {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(band, "band");
        if (band.equals("answer") == (faqId == null)) {
            throw new IllegalArgumentException("faqId is set exactly when the band is answer: " + text);
        }
    }

    /** Whether the bot itself replies to it (every band but a handoff to people). */
    public boolean botReplies() {
        return !band.equals("handoff");
    }
}
