package dev.xiaoer.intents.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;

/**
 * Per-character normalisation, computed once for the whole Basic Multilingual Plane: NFKC, lower case and
 * Traditional → Simplified fused into one table lookup, plus the kind of every resulting character.
 *
 * <p>Per-character NFKC differs from whole-string NFKC only for combining sequences; combining marks are dropped
 * anyway, which suits buyer text (café and cafe should match).
 */
final class CharTable {

    /** Not text at all: controls, format characters, combining marks, private use. Removed without a trace. */
    static final byte DROP = 0;
    /** Whitespace: a word boundary, except between two Han characters. */
    static final byte SPACE = 1;
    /** Punctuation and symbols, emoji included: a boundary; runs collapse to one. */
    static final byte PUNCT = 2;
    /** Letters and digits of any script but Han. */
    static final byte WORD = 3;
    /** Han ideographs. */
    static final byte HAN = 4;

    private static final String[] MAP = new String[65536];
    private static final byte[] KIND = new byte[65536];

    static {
        char[] t2s = loadTraditionalToSimplified();
        for (int c = 0; c < 65536; c++) {
            KIND[c] = classify(c);
        }
        for (int c = 0; c < 65536; c++) {
            if (Character.isSurrogate((char) c)) {
                continue;
            }
            String original = String.valueOf((char) c);
            String mapped = Normalizer.normalize(original, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
            StringBuilder sb = null;
            for (int i = 0; i < mapped.length(); i++) {
                char m = mapped.charAt(i);
                char s = t2s[m] != 0 ? t2s[m] : m;
                if (s != m && sb == null) {
                    sb = new StringBuilder(mapped.substring(0, i));
                }
                if (sb != null) {
                    sb.append(s);
                }
            }
            if (sb != null) {
                mapped = sb.toString();
            }
            if (!mapped.equals(original)) {
                MAP[c] = mapped;
            }
        }
    }

    private CharTable() {
    }

    /** The normalised form of {@code c}, or null when it normalises to itself. */
    static String map(char c) {
        return MAP[c];
    }

    /** The kind of an already-normalised character. */
    static byte kind(char c) {
        return KIND[c];
    }

    /** The kind of a supplementary code point (emoji, rare Han, mathematical letters). */
    static byte kindOf(int codePoint) {
        return codePoint < 65536 ? KIND[codePoint] : classify(codePoint);
    }

    private static byte classify(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == 0x0B) {
            return SPACE;
        }
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER:
            case Character.LOWERCASE_LETTER:
            case Character.TITLECASE_LETTER:
            case Character.MODIFIER_LETTER:
            case Character.OTHER_LETTER:
            case Character.DECIMAL_DIGIT_NUMBER:
            case Character.LETTER_NUMBER:
            case Character.OTHER_NUMBER:
                return Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN ? HAN : WORD;
            case Character.SPACE_SEPARATOR:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
                return SPACE;
            case Character.CONNECTOR_PUNCTUATION:
            case Character.DASH_PUNCTUATION:
            case Character.START_PUNCTUATION:
            case Character.END_PUNCTUATION:
            case Character.INITIAL_QUOTE_PUNCTUATION:
            case Character.FINAL_QUOTE_PUNCTUATION:
            case Character.OTHER_PUNCTUATION:
            case Character.MATH_SYMBOL:
            case Character.CURRENCY_SYMBOL:
            case Character.MODIFIER_SYMBOL:
            case Character.OTHER_SYMBOL:
                return PUNCT;
            default:
                return DROP;
        }
    }

    private static char[] loadTraditionalToSimplified() {
        char[] table = new char[65536];
        try (InputStream in = CharTable.class.getResourceAsStream("t2s.txt")) {
            if (in == null) {
                throw new IllegalStateException("t2s.txt is missing from the classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                int hash = line.indexOf('#');
                String content = hash >= 0 ? line.substring(0, hash) : line;
                for (String pair : content.trim().split("\\s+")) {
                    if (pair.isEmpty()) {
                        continue;
                    }
                    if (pair.length() != 2) {
                        throw new IllegalStateException("t2s.txt:" + lineNo + ": not a pair: " + pair);
                    }
                    table[pair.charAt(0)] = pair.charAt(1);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return table;
    }
}
