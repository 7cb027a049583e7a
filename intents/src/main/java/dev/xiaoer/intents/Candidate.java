package dev.xiaoer.intents;

import java.util.Objects;

/** One FAQ entry considered for a query, with its normalised confidence in [0, 1]. */
public record Candidate(String faqId, String question, double confidence) {
    public Candidate {
        Objects.requireNonNull(faqId, "faqId");
        Objects.requireNonNull(question, "question");
    }
}
