package dev.xiaoer.intents.faq;

import org.apache.lucene.analysis.CharArrayMap;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.SmallFloat;

import java.io.IOException;

/**
 * One field of the FAQ index compiled for scoring without an {@code IndexSearcher}: for every term, its documents
 * and its BM25 contribution to each, precomputed from the Lucene index's own statistics (doc count, document
 * frequency, encoded norms), with Lucene's formula and defaults (k1 = 1.2, b = 0.75). A query then costs one
 * hash look-up per term plus one addition per posting; on a few hundred short questions this is an order of
 * magnitude cheaper than building and running a {@code BooleanQuery}, and scores the same.
 */
final class FieldPostings {

    static final float K1 = 1.2f;
    static final float B = 0.75f;
    private static final float[] LENGTH_TABLE = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            LENGTH_TABLE[i] = SmallFloat.byte4ToInt((byte) i);
        }
    }

    /** The postings of one term: documents in order and the term's BM25 score in each. */
    static final class Term {
        final float idf;
        final int[] docs;
        final float[] scores;

        Term(float idf, int[] docs, float[] scores) {
            this.idf = idf;
            this.docs = docs;
            this.scores = scores;
        }
    }

    final String field;
    final CharArrayMap<Term> terms;
    final int docCount;
    final float avgLength;
    /** The idf of a term no document has: what a query word unknown to the FAQ weighs in the self-score. */
    final float unseenIdf;

    private FieldPostings(String field, CharArrayMap<Term> terms, int docCount, float avgLength) {
        this.field = field;
        this.terms = terms;
        this.docCount = docCount;
        this.avgLength = avgLength;
        this.unseenIdf = idf(0, docCount);
    }

    static FieldPostings compile(LeafReader leaf, String field) throws IOException {
        Terms luceneTerms = leaf.terms(field);
        CharArrayMap<Term> terms = new CharArrayMap<>(luceneTerms == null ? 16 : (int) Math.max(16,
                luceneTerms.size()), false);
        if (luceneTerms == null) {
            return new FieldPostings(field, terms, 0, 1f);
        }
        int docCount = luceneTerms.getDocCount();
        float avgLength = (float) (luceneTerms.getSumTotalTermFreq() / (double) docCount);
        float[] lengthFactor = new float[leaf.maxDoc()];
        NumericDocValues norms = leaf.getNormValues(field);
        for (int doc = 0; doc < lengthFactor.length; doc++) {
            int encoded = norms != null && norms.advanceExact(doc) ? (int) norms.longValue() & 0xFF : 1;
            lengthFactor[doc] = 1f / (K1 * ((1 - B) + B * LENGTH_TABLE[encoded] / avgLength));
        }
        TermsEnum it = luceneTerms.iterator();
        PostingsEnum postings = null;
        BytesRef bytes;
        while ((bytes = it.next()) != null) {
            int df = it.docFreq();
            float idf = idf(df, docCount);
            int[] docs = new int[df];
            float[] scores = new float[df];
            postings = it.postings(postings, PostingsEnum.FREQS);
            int n = 0;
            for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
                docs[n] = doc;
                scores[n] = idf - idf / (1f + postings.freq() * lengthFactor[doc]);
                n++;
            }
            terms.put(bytes.utf8ToString(), new Term(idf, docs, scores));
        }
        return new FieldPostings(field, terms, docCount, avgLength);
    }

    static float idf(long docFreq, long docCount) {
        return (float) Math.log(1 + (docCount - docFreq + 0.5D) / (docFreq + 0.5D));
    }

    /**
     * The BM25 score a document equal to the query would get: the query's own weight, against which a real
     * document's score is normalised. {@code idfs[i]} and {@code freqs[i]} describe the query's distinct terms.
     */
    float selfScore(float[] idfs, int[] freqs, int distinct, int queryLength) {
        if (distinct == 0) {
            return 0f;
        }
        float length = LENGTH_TABLE[SmallFloat.intToByte4(queryLength) & 0xFF];
        float lengthFactor = 1f / (K1 * ((1 - B) + B * length / avgLength));
        float sum = 0f;
        for (int i = 0; i < distinct; i++) {
            sum += idfs[i] - idfs[i] / (1f + freqs[i] * lengthFactor);
        }
        return sum;
    }
}
