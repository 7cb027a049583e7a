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
import java.util.Arrays;
import java.util.List;

/**
 * One field of the FAQ index compiled for scoring without an {@code IndexSearcher}: for every term, its documents
 * and its BM25 contribution to each, precomputed from the Lucene index's own statistics (doc count, document
 * frequency, encoded norms), with Lucene's formula and defaults (k1 = 1.2, b = 0.75). A query then costs one
 * hash look-up per term plus one addition per posting; on a few hundred short questions this is an order of
 * magnitude cheaper than building and running a {@code BooleanQuery}, and scores the same.
 *
 * <p>Optionally the idf counts <em>groups</em> of documents instead of documents ({@link #compile(LeafReader,
 * String, int[], int)}): the phrasing fields count entries, so a word that every phrasing of one entry repeats is
 * as rare as a word only one phrasing has — it still names a single intent. {@link EntryIdfSimilarity} gives
 * Lucene the same idf, for the comparison in the tests.
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
        final String text;
        final float idf;
        final int[] docs;
        final float[] scores;
        /**
         * Association credit of a query that has this term: the documents that lack it but have an associated term,
         * and the credit each earns ({@link #relate}); empty when the term has no associations.
         */
        int[] creditDocs = NO_DOCS;
        float[] credits = NO_CREDIT;

        Term(String text, float idf, int[] docs, float[] scores) {
            this.text = text;
            this.idf = idf;
            this.docs = docs;
            this.scores = scores;
        }
    }

    private static final int[] NO_DOCS = new int[0];
    private static final float[] NO_CREDIT = new float[0];

    final String field;
    final CharArrayMap<Term> terms;
    final int docCount;
    final float avgLength;
    /** The idf of a term no document has: what a query word unknown to the FAQ weighs in the self-score. */
    final float unseenIdf;
    /** Per document, the score it would get as its own query: the sum of its postings' scores. */
    final float[] docSelf;

    private FieldPostings(String field, CharArrayMap<Term> terms, int idfCount, float avgLength, float[] docSelf) {
        this.field = field;
        this.terms = terms;
        this.docCount = idfCount;
        this.avgLength = avgLength;
        this.unseenIdf = idf(0, idfCount);
        this.docSelf = docSelf;
    }

    /** A field whose idf counts documents. */
    static FieldPostings compile(LeafReader leaf, String field) throws IOException {
        return compile(leaf, field, null, 0);
    }

    /**
     * A field whose idf counts groups of documents: {@code group[doc]} is the group (entry) of a document, or
     * negative for a document outside the field; {@code groups} is how many groups there are.
     */
    static FieldPostings compile(LeafReader leaf, String field, int[] group, int groups) throws IOException {
        Terms luceneTerms = leaf.terms(field);
        CharArrayMap<Term> terms = new CharArrayMap<>(luceneTerms == null ? 16 : (int) Math.max(16,
                luceneTerms.size()), false);
        float[] docSelf = new float[leaf.maxDoc()];
        if (luceneTerms == null) {
            return new FieldPostings(field, terms, group == null ? 0 : groups, 1f, docSelf);
        }
        int docCount = luceneTerms.getDocCount();
        int idfCount = group == null ? docCount : groups;
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
        int[] freqs = new int[16];
        int[] groupSeen = group == null ? null : new int[groups];
        int termNumber = 0;
        while ((bytes = it.next()) != null) {
            int df = it.docFreq();
            int[] docs = new int[df];
            if (freqs.length < df) {
                freqs = new int[Math.max(df, 2 * freqs.length)];
            }
            postings = it.postings(postings, PostingsEnum.FREQS);
            int n = 0;
            for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
                docs[n] = doc;
                freqs[n] = postings.freq();
                n++;
            }
            float idf = idf(group == null ? df : distinctGroups(docs, group, groupSeen, ++termNumber), idfCount);
            float[] scores = new float[df];
            for (int k = 0; k < df; k++) {
                scores[k] = idf - idf / (1f + freqs[k] * lengthFactor[docs[k]]);
                docSelf[docs[k]] += scores[k];
            }
            String text = bytes.utf8ToString();
            terms.put(text, new Term(text, idf, docs, scores));
        }
        return new FieldPostings(field, terms, idfCount, avgLength, docSelf);
    }

    /** How many groups the documents belong to; {@code seen} is scratch space, stamped with {@code stamp}. */
    private static int distinctGroups(int[] docs, int[] group, int[] seen, int stamp) {
        int count = 0;
        for (int doc : docs) {
            int g = group[doc];
            if (g >= 0 && seen[g] != stamp) {
                seen[g] = stamp;
                count++;
            }
        }
        return count;
    }

    /**
     * Attaches associations: a query term of this field that {@code associations} relates to terms of this field
     * earns, in a document that lacks it, the best over its related terms present there of
     * {@code min(1, weight × strength) × idf(query term) × saturation(tf of the related term)}. This depends on the
     * term only, never on the query, so it is merged here once into one list per term: a query then pays one
     * addition per credited document, as for its own postings.
     */
    void relate(Associations associations, double weight, int maxDoc) {
        if (weight <= 0) {
            return;
        }
        float[] best = new float[maxDoc];
        int[] stamp = new int[maxDoc];
        int[] credited = new int[maxDoc];
        int mark = 0;
        for (Object key : terms.keySet()) {
            Term term = terms.get(key);
            List<Associations.Related> list = associations.of(term.text);
            if (list.isEmpty()) {
                continue;
            }
            int has = ++mark;
            for (int doc : term.docs) {
                stamp[doc] = has;
            }
            int found = ++mark;
            int n = 0;
            for (Associations.Related r : list) {
                Term other = terms.get(r.term());
                if (other == null) {
                    continue;
                }
                // other.scores hold idf(other) × saturation; rescale to the query term's idf.
                float factor = (float) Math.min(1.0, weight * r.strength()) * term.idf / other.idf;
                for (int k = 0; k < other.docs.length; k++) {
                    int doc = other.docs[k];
                    if (stamp[doc] == has) {
                        continue;
                    }
                    float c = factor * other.scores[k];
                    if (stamp[doc] != found) {
                        stamp[doc] = found;
                        best[doc] = c;
                        credited[n++] = doc;
                    } else if (c > best[doc]) {
                        best[doc] = c;
                    }
                }
            }
            int[] docs = Arrays.copyOf(credited, n);
            Arrays.sort(docs);
            float[] credits = new float[n];
            for (int k = 0; k < n; k++) {
                credits[k] = best[docs[k]];
            }
            term.creditDocs = docs;
            term.credits = credits;
        }
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
