package dev.xiaoer.intents.faq;

import java.util.List;
import java.util.Objects;

/** One FAQ entry: the standard question, the other ways buyers ask it, the shop's answer and free tags. */
public record FaqEntry(String id, String question, List<String> similar, String answer, List<String> tags) {
    public FaqEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(answer, "answer");
        similar = List.copyOf(similar);
        tags = List.copyOf(tags);
    }

    /** The standard question followed by the similar ones: every phrasing that gets its own index document. */
    public List<String> phrasings() {
        java.util.ArrayList<String> all = new java.util.ArrayList<>(similar.size() + 1);
        all.add(question);
        all.addAll(similar);
        return all;
    }
}
