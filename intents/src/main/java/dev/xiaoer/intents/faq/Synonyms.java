package dev.xiaoer.intents.faq;

import dev.xiaoer.intents.IntentFileException;
import dev.xiaoer.intents.text.TextNormalizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups of words that mean the same to a buyer (快递, 物流, 包裹), every word mapped to its group's first,
 * canonical word before analysis. The mapping works on the text, not on smartcn's words, because smartcn
 * splits many shop words (快递 → 快/递): mapping first makes both the words and the bigram field agree.
 *
 * <p>File format: UTF-8, one group a line, words separated by commas ({@code ,} or {@code ，}), the first word
 * canonical; {@code #} starts a comment. A word may appear in one group only.
 */
public final class Synonyms {

    /** The synonym list shipped inside the jar. */
    public static final String EMBEDDED = "/dev/xiaoer/intents/faq/synonyms.txt";

    private static final Synonyms NONE = new Synonyms("none", Map.of());

    private final String source;
    /** Normalised word → normalised canonical word; canonicals map to themselves. */
    private final Map<String, String> canonical;

    private Synonyms(String source, Map<String, String> canonical) {
        this.source = source;
        this.canonical = Map.copyOf(canonical);
    }

    /** No synonyms at all (for the plain baseline and for tests). */
    public static Synonyms none() {
        return NONE;
    }

    /** Reads a synonyms file. */
    public static Synonyms read(Path file) throws IntentFileException {
        try {
            return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IntentFileException(file.toString(), 0, null, "cannot read the file: " + e.getMessage(), e);
        }
    }

    /** The shipped default list. */
    public static Synonyms embedded() {
        try (InputStream in = Synonyms.class.getResourceAsStream(EMBEDDED)) {
            if (in == null) {
                throw new IllegalStateException("the embedded synonyms " + EMBEDDED + " are missing from the jar");
            }
            return parse("embedded:" + EMBEDDED, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException | IntentFileException e) {
            throw new IllegalStateException("the embedded synonyms are broken: " + e.getMessage(), e);
        }
    }

    /** Parses synonyms text; {@code name} is used in error messages. */
    public static Synonyms parse(String name, String text) throws IntentFileException {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        Map<String, String> canonical = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            if (line.isBlank()) {
                continue;
            }
            List<String> words = new ArrayList<>();
            for (String raw : line.split("[,，、]")) {
                if (raw.isBlank()) {
                    continue;
                }
                String word = TextNormalizer.forSearch(raw.strip()).text();
                if (word.isEmpty()) {
                    throw new IntentFileException(name, lineNo, raw.strip(),
                            "the word has nothing left after normalisation (only symbols or emoji)");
                }
                words.add(word);
            }
            if (words.size() < 2) {
                throw new IntentFileException(name, lineNo, null,
                        "a group needs at least two words separated by commas (canonical first)");
            }
            String head = words.get(0);
            for (String word : words) {
                Integer first = lineOf.putIfAbsent(word, lineNo);
                if (first != null) {
                    throw new IntentFileException(name, lineNo, word, first == lineNo
                            ? "the word appears twice in its group"
                            : "the word is already in the group on line " + first + " (a word may be in one group)");
                }
                canonical.put(word, head);
            }
        }
        return new Synonyms(name, canonical);
    }

    /** Where these synonyms came from. */
    public String source() {
        return source;
    }

    /** The number of words mapped (canonical words included). */
    public int size() {
        return canonical.size();
    }

    /** The canonical form of one normalised word, or the word itself. */
    public String canonicalOf(String normalisedWord) {
        return canonical.getOrDefault(normalisedWord, normalisedWord);
    }

    /**
     * The rewriting applied before tokenising: every synonym to its canonical word (canonicals to themselves, so
     * that a longer canonical is never re-mapped inside), and every filler phrase to a space.
     */
    TextRewriter rewriter(List<String> fillerPhrases) {
        Map<String, String> all = new LinkedHashMap<>();
        for (String phrase : fillerPhrases) {
            all.put(phrase, " ");
        }
        // Synonyms win over filler: a shop that lists 老板 as a synonym means it.
        all.putAll(canonical);
        return new TextRewriter(all);
    }
}
