package dev.xiaoer.intents.faq;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cn.smart.HMMChineseTokenizer;
import org.apache.lucene.analysis.standard.StandardTokenizer;

/**
 * The analyses of a normalised question: first synonyms and filler phrases are rewritten ({@link TextRewriter}),
 * then each field is a plain Lucene chain:
 * <ul>
 *   <li>{@code words}: smartcn words ({@link HMMChineseTokenizer}) → filler and punctuation dropped
 *       ({@link StopFilter});</li>
 *   <li>{@code bigrams}: one token per Han character ({@link StandardTokenizer}) → particles
 *       dropped → overlapping character bigrams plus the characters themselves ({@link CJKBigramFilter} with
 *       unigrams; no bigram spans a dropped particle or a boundary).</li>
 * </ul>
 * The {@code entry} field (a whole entry's phrasings and answer as one text) is analysed like {@code bigrams}.
 * The bigram field is what makes a question match when smartcn segments the query and the FAQ differently
 * (快递到哪了 → 快/递/到/哪/了, but 快递 is a bigram either way).
 *
 * <p>Analyzers reuse their token streams per thread, so one instance serves every query thread.
 */
final class FaqAnalyzers {

    static final String WORDS = "words";
    static final String BIGRAMS = "bigrams";
    static final String ENTRY = "entry";
    private static final int ALL_SCRIPTS = CJKBigramFilter.HAN | CJKBigramFilter.HIRAGANA
            | CJKBigramFilter.KATAKANA | CJKBigramFilter.HANGUL;

    final TextRewriter rewriter;
    final Analyzer words;
    final Analyzer bigrams;

    FaqAnalyzers(Synonyms synonyms) {
        this.rewriter = synonyms.rewriter(ChatFiller.PHRASES);
        CharArraySet wordStops = ChatFiller.wordStops();
        CharArraySet characterStops = ChatFiller.characterStops();
        this.words = new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String fieldName) {
                Tokenizer tokenizer = new HMMChineseTokenizer();
                return new TokenStreamComponents(tokenizer, new StopFilter(tokenizer, wordStops));
            }
        };
        this.bigrams = new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String fieldName) {
                Tokenizer tokenizer = new StandardTokenizer();
                return new TokenStreamComponents(tokenizer,
                        new CJKBigramFilter(new StopFilter(tokenizer, characterStops), ALL_SCRIPTS, true));
            }
        };
    }

    /** The text every field analyses: {@code normalised} with synonyms and filler phrases rewritten. */
    String prepare(String normalised) {
        return rewriter.rewrite(normalised);
    }

    Analyzer forField(String field) {
        return WORDS.equals(field) ? words : bigrams;
    }
}
