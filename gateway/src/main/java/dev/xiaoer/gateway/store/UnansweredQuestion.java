package dev.xiaoer.gateway.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A buyer question the bot could not answer (its reply had the band {@value #BAND}): the buyer's text, where and
 * when it was asked, and the seq of the bot's reply. The raw material of the unanswered-question report.
 */
public record UnansweredQuestion(String conversationId, long questionSeq, Instant askedAt, String text,
                                 long replySeq) {

    /** The decision band of a bot reply that did not know the answer. */
    public static final String BAND = "unknown";

    public UnansweredQuestion {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(askedAt, "askedAt");
        Objects.requireNonNull(text, "text");
    }
}
