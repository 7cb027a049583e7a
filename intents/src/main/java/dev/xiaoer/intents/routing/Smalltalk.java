package dev.xiaoer.intents.routing;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recognises messages that are only small talk — greetings, thanks, acknowledgements, and yes/no to an offer of a
 * human — and holds the replies. A message counts only if it is entirely made of known phrases and filler
 * (亲在吗, 好的谢谢, 不用了哈): any other word makes it a question for the FAQ.
 */
public final class Smalltalk {

    /** What a small-talk phrase means. */
    public enum Category {
        /** 你好, 在吗. */
        GREETING,
        /** 谢谢. */
        THANKS,
        /** 好的, 收到, 知道了 — when no human was offered. */
        ACKNOWLEDGEMENT,
        /** 好的, 是的, 转吧, 要 — yes to an offer of a human. */
        ACCEPT_HUMAN,
        /** 不用了, 没事了, 算了 — no to an offer of a human. */
        DECLINE_HUMAN,
        /** 亲, 呀, 哈, 客服 — carries no meaning by itself. */
        FILLER
    }

    /** Messages longer than this (normalised, spaces removed) are never small talk. */
    static final int MAX_LENGTH = 24;

    private final Map<String, Set<Category>> phrases;
    private final int longestPhrase;
    private final Map<Category, String> replies;
    /** Characters some phrase starts with: a message starting with any other is not small talk. */
    private final java.util.BitSet starts = new java.util.BitSet(65536);

    Smalltalk(Map<Category, List<String>> phrasesByCategory, Map<Category, String> replies) {
        Map<String, Set<Category>> map = new HashMap<>();
        int longest = 0;
        for (Map.Entry<Category, List<String>> e : phrasesByCategory.entrySet()) {
            for (String phrase : e.getValue()) {
                map.computeIfAbsent(phrase, k -> EnumSet.noneOf(Category.class)).add(e.getKey());
                longest = Math.max(longest, phrase.length());
                starts.set(phrase.charAt(0));
            }
        }
        this.phrases = Map.copyOf(map);
        this.longestPhrase = longest;
        this.replies = Map.copyOf(replies);
    }

    /** The reply configured for a category (greeting, thanks, acknowledgement, declined human). */
    public String reply(Category category) {
        return replies.getOrDefault(category, "");
    }

    /**
     * The categories a message is made of, or null when it is not small talk. An empty set means the message is
     * only filler (亲, 嗯嗯 is an acceptance, but 亲 alone is just a buyer calling).
     *
     * @param normalised the message after {@code TextNormalizer.forScan}
     */
    public Set<Category> classify(String normalised) {
        String text = normalised.indexOf(' ') >= 0 ? normalised.replace(" ", "") : normalised;
        if (text.isEmpty() || text.length() > MAX_LENGTH || !starts.get(text.charAt(0))) {
            return null;
        }
        // Longest-first cover of the whole message by known phrases; any gap means a real question.
        EnumSet<Category> seen = EnumSet.noneOf(Category.class);
        int at = 0;
        while (at < text.length()) {
            Set<Category> found = null;
            int length = Math.min(longestPhrase, text.length() - at);
            for (; length > 0; length--) {
                found = phrases.get(text.substring(at, at + length));
                if (found != null) {
                    break;
                }
            }
            if (found == null) {
                return null;
            }
            seen.addAll(found);
            at += length;
        }
        seen.remove(Category.FILLER);
        return seen;
    }
}
