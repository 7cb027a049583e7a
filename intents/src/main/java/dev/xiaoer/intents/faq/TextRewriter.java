package dev.xiaoer.intents.faq;

import org.apache.lucene.analysis.CharArrayMap;

import java.util.Map;

/**
 * Replaces words in a text, leftmost-longest first, in one pass: synonyms by their canonical word, filler phrases
 * by a space. Applied once to a normalised query (and to every indexed text) before any analyzer sees it, so both
 * fields read the same rewritten text and a query pays for the rewriting once.
 *
 * <p>Most characters start no word at all; a per-character table of the longest word starting with it makes those
 * cost one array read. Immutable and thread-safe.
 */
final class TextRewriter {

    private final CharArrayMap<String> replacements;
    /** For each character, the length of the longest word starting with it (0 when none does). */
    private final byte[] longestFrom = new byte[65536];

    TextRewriter(Map<String, String> words) {
        this.replacements = new CharArrayMap<>(Math.max(16, words.size()), false);
        for (Map.Entry<String, String> e : words.entrySet()) {
            String word = e.getKey();
            if (word.isEmpty()) {
                continue;
            }
            replacements.put(word, e.getValue());
            int length = Math.min(word.length(), Byte.MAX_VALUE);
            char first = word.charAt(0);
            if (length > longestFrom[first]) {
                longestFrom[first] = (byte) length;
            }
        }
    }

    /** The text with every listed word replaced; the same instance when nothing matched. */
    String rewrite(String text) {
        char[] chars = null;
        StringBuilder out = null;
        int copiedTo = 0;
        int n = text.length();
        for (int i = 0; i < n; ) {
            int longest = Math.min(longestFrom[text.charAt(i)], n - i);
            if (longest == 0) {
                i++;
                continue;
            }
            if (chars == null) {
                chars = text.toCharArray();
            }
            String replacement = null;
            int length = longest;
            for (; length > 0; length--) {
                replacement = replacements.get(chars, i, length);
                if (replacement != null) {
                    break;
                }
            }
            if (replacement == null) {
                i++;
                continue;
            }
            if (out == null) {
                out = new StringBuilder(n + 16);
            }
            out.append(chars, copiedTo, i - copiedTo).append(replacement);
            i += length;
            copiedTo = i;
        }
        if (out == null) {
            return text;
        }
        out.append(text, copiedTo, n);
        return out.toString();
    }
}
