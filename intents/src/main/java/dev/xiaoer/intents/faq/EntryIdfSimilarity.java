package dev.xiaoer.intents.faq;

import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.CollectionStatistics;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.TermStatistics;
import org.apache.lucene.search.similarities.BM25Similarity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;

/**
 * Lucene's BM25 with the idf of the FAQ's phrasing fields: documents are phrasings, but a term's rarity is counted
 * in entries ({@code log(1 + (entries − df + 0.5) / (df + 0.5))} with df the number of entries having the term).
 * Only {@link FaqIndex#luceneScores} uses it, as the reference the compiled postings are checked against; the
 * entry counts are taken from the index here, independently of {@link FieldPostings}.
 */
final class EntryIdfSimilarity extends BM25Similarity {

    private final IndexReader reader;
    private final String field;
    private final int[] docEntry;
    private final int entries;

    EntryIdfSimilarity(IndexReader reader, String field, int[] docEntry, int entries) {
        super(FieldPostings.K1, FieldPostings.B);
        this.reader = reader;
        this.field = field;
        this.docEntry = docEntry;
        this.entries = entries;
    }

    @Override
    public Explanation idfExplain(CollectionStatistics collectionStats, TermStatistics termStats) {
        int df = entriesWith(termStats);
        return Explanation.match(idf(df, entries), "idf over entries, df " + df + " of " + entries);
    }

    private int entriesWith(TermStatistics termStats) {
        Set<Integer> seen = new HashSet<>();
        try {
            for (LeafReaderContext leaf : reader.leaves()) {
                Terms terms = leaf.reader().terms(field);
                if (terms == null) {
                    continue;
                }
                TermsEnum it = terms.iterator();
                if (!it.seekExact(termStats.term())) {
                    continue;
                }
                PostingsEnum postings = it.postings(null, PostingsEnum.NONE);
                for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
                    seen.add(docEntry[leaf.docBase + doc]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return seen.size();
    }
}
