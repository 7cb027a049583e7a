package dev.xiaoer.intents.faq;

/** A FAQ entry and how similar a query is to its closest phrasing, in [0, 1]. */
public record Ranked(FaqEntry entry, double similarity) {
}
