package dev.xiaoer.intents.faq;

import dev.xiaoer.intents.text.TextNormalizer;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable, in-memory index of a FAQ: one Lucene document per phrasing (standard question or similar
 * question) with its entry, two fields ({@code words} from smartcn, {@code bigrams} from characters), BM25.
 *
 * <p>A query's similarity to a phrasing is, per field, its BM25 score divided by the score the query would get
 * against itself (so a phrasing that contains every query word in the same proportions scores 1, whatever the
 * query), clamped to 1, then averaged over the two fields; an entry's similarity is that of its closest phrasing.
 * Queries run on precompiled postings ({@link FieldPostings}); {@link #luceneScore} runs the same through an
 * {@code IndexSearcher}, which the tests use to prove both agree.
 *
 * <p>Thread-safe: nothing changes after {@link #build}; per-query scratch space is per thread.
 */
public final class FaqIndex {

    /** Weight of the smartcn words field in the similarity; the bigram field gets the rest. */
    static final float WORD_WEIGHT = 0.5f;
    /** Query terms considered per field (a capped query has at most 200 characters, so this is never reached). */
    private static final int MAX_QUERY_TERMS = 256;
    private static final String ENTRY = "entry";

    private final List<FaqEntry> entries;
    private final Map<String, Integer> ordinals;
    private final Synonyms synonyms;
    private final FaqAnalyzers analyzers;
    private final int[] docEntry;
    private final FieldPostings words;
    private final FieldPostings bigrams;
    private final IndexSearcher searcher;

    private FaqIndex(List<FaqEntry> entries, Synonyms synonyms, FaqAnalyzers analyzers, int[] docEntry,
                     FieldPostings words, FieldPostings bigrams, IndexSearcher searcher) {
        this.entries = entries;
        this.synonyms = synonyms;
        this.analyzers = analyzers;
        this.docEntry = docEntry;
        this.words = words;
        this.bigrams = bigrams;
        this.searcher = searcher;
        Map<String, Integer> byId = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            byId.put(entries.get(i).id(), i);
        }
        this.ordinals = Map.copyOf(byId);
    }

    /** Indexes the entries (already validated by {@link FaqFile}) with the given synonyms. */
    public static FaqIndex build(List<FaqEntry> entries, Synonyms synonyms) {
        List<FaqEntry> frozen = List.copyOf(entries);
        FaqAnalyzers analyzers = new FaqAnalyzers(synonyms);
        Map<String, Analyzer> perField = Map.of(FaqAnalyzers.WORDS, analyzers.words,
                FaqAnalyzers.BIGRAMS, analyzers.bigrams);
        ByteBuffersDirectory directory = new ByteBuffersDirectory();
        try {
            IndexWriterConfig config = new IndexWriterConfig(new PerFieldAnalyzerWrapper(analyzers.words, perField));
            config.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
            try (IndexWriter writer = new IndexWriter(directory, config)) {
                for (int e = 0; e < frozen.size(); e++) {
                    for (String phrasing : frozen.get(e).phrasings()) {
                        String text = TextNormalizer.normalize(phrasing, TextNormalizer.Mode.SEARCH,
                                Integer.MAX_VALUE / 8).text();
                        Document doc = new Document();
                        doc.add(new StoredField(ENTRY, e));
                        doc.add(new TextField(FaqAnalyzers.WORDS, text, Field.Store.NO));
                        doc.add(new TextField(FaqAnalyzers.BIGRAMS, text, Field.Store.NO));
                        writer.addDocument(doc);
                    }
                }
                writer.forceMerge(1);
            }
            DirectoryReader reader = DirectoryReader.open(directory);
            LeafReader leaf = reader.leaves().get(0).reader();
            int[] docEntry = new int[leaf.maxDoc()];
            var stored = leaf.storedFields();
            for (int doc = 0; doc < docEntry.length; doc++) {
                docEntry[doc] = stored.document(doc).getField(ENTRY).numericValue().intValue();
            }
            IndexSearcher searcher = new IndexSearcher(reader);
            return new FaqIndex(frozen, synonyms, analyzers, docEntry,
                    FieldPostings.compile(leaf, FaqAnalyzers.WORDS),
                    FieldPostings.compile(leaf, FaqAnalyzers.BIGRAMS), searcher);
        } catch (IOException e) {
            throw new UncheckedIOException("building an in-memory index failed", e);
        }
    }

    /** The entries, in file order. */
    public List<FaqEntry> entries() {
        return entries;
    }

    /** The number of entries. */
    public int size() {
        return entries.size();
    }

    /** The number of indexed phrasings (Lucene documents). */
    public int phrasings() {
        return docEntry.length;
    }

    /** The synonyms this index was built with. */
    public Synonyms synonyms() {
        return synonyms;
    }

    /** The entry with this id. */
    public Optional<FaqEntry> entry(String id) {
        Integer ordinal = id == null ? null : ordinals.get(id);
        return ordinal == null ? Optional.empty() : Optional.of(entries.get(ordinal));
    }

    /**
     * The {@code max} entries most similar to a query, most similar first; entries sharing no term with the query
     * are left out, so the list may be shorter or empty.
     *
     * @param normalised the query after {@link TextNormalizer#forSearch}
     */
    public List<Ranked> rank(String normalised, int max) {
        Scratch s = Scratch.get(docEntry.length, entries.size());
        int wordLength = collect(analyzers.words, words, normalised, s.word);
        int bigramLength = collect(analyzers.bigrams, bigrams, normalised, s.bigram);
        float selfWords = words.selfScore(s.word.idfs, s.word.freqs, s.word.distinct, wordLength);
        float selfBigrams = bigrams.selfScore(s.bigram.idfs, s.bigram.freqs, s.bigram.distinct, bigramLength);
        if (selfWords == 0f && selfBigrams == 0f) {
            return List.of();
        }
        int generation = s.nextGeneration();
        accumulate(s, s.word, generation, 0);
        accumulate(s, s.bigram, generation, 1);
        float wordWeight = selfBigrams == 0f ? 1f : selfWords == 0f ? 0f : WORD_WEIGHT;
        for (int i = 0; i < s.touchedDocs; i++) {
            int doc = s.touched[i];
            float w = selfWords == 0f ? 0f : Math.min(1f, s.docScores[2 * doc] / selfWords);
            float b = selfBigrams == 0f ? 0f : Math.min(1f, s.docScores[2 * doc + 1] / selfBigrams);
            float similarity = wordWeight * w + (1f - wordWeight) * b;
            int entry = docEntry[doc];
            if (s.entryStamp[entry] != generation) {
                s.entryStamp[entry] = generation;
                s.entryBest[entry] = similarity;
                s.touchedEntryList[s.touchedEntries++] = entry;
            } else if (similarity > s.entryBest[entry]) {
                s.entryBest[entry] = similarity;
            }
        }
        return top(s, max);
    }

    private List<Ranked> top(Scratch s, int max) {
        int n = 0;
        int[] best = s.topEntries;
        float[] bestScore = s.topScores;
        int limit = Math.min(max, best.length);
        for (int i = 0; i < s.touchedEntries; i++) {
            int entry = s.touchedEntryList[i];
            float score = s.entryBest[entry];
            if (n == limit && score <= bestScore[n - 1]) {
                continue;
            }
            int at = n < limit ? n++ : n - 1;
            // Insertion keeps ties in file order: an earlier entry stays ahead of a later one with the same score.
            while (at > 0 && (bestScore[at - 1] < score
                    || (bestScore[at - 1] == score && best[at - 1] > entry))) {
                best[at] = best[at - 1];
                bestScore[at] = bestScore[at - 1];
                at--;
            }
            best[at] = entry;
            bestScore[at] = score;
        }
        if (n == 0) {
            return List.of();
        }
        List<Ranked> result = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            result.add(new Ranked(entries.get(best[i]), bestScore[i]));
        }
        return Collections.unmodifiableList(result);
    }

    private void accumulate(Scratch s, QueryTerms q, int generation, int field) {
        for (int t = 0; t < q.distinct; t++) {
            FieldPostings.Term term = q.terms[t];
            if (term == null) {
                continue;
            }
            int[] docs = term.docs;
            float[] scores = term.scores;
            for (int k = 0; k < docs.length; k++) {
                int doc = docs[k];
                if (s.docStamp[doc] != generation) {
                    s.docStamp[doc] = generation;
                    s.docScores[2 * doc] = 0f;
                    s.docScores[2 * doc + 1] = 0f;
                    s.touched[s.touchedDocs++] = doc;
                }
                s.docScores[2 * doc + field] += scores[k];
            }
        }
    }

    /** Analyses the query for one field into distinct terms; returns the number of tokens (the query's length). */
    private static int collect(Analyzer analyzer, FieldPostings postings, String text, QueryTerms q) {
        q.distinct = 0;
        int length = 0;
        try (TokenStream stream = analyzer.tokenStream(postings.field, text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken() && length < MAX_QUERY_TERMS) {
                length++;
                FieldPostings.Term found = postings.terms.get(term.buffer(), 0, term.length());
                if (found != null) {
                    int seen = -1;
                    for (int i = 0; i < q.distinct; i++) {
                        if (q.terms[i] == found) {
                            seen = i;
                            break;
                        }
                    }
                    if (seen >= 0) {
                        q.freqs[seen]++;
                        continue;
                    }
                }
                q.terms[q.distinct] = found;
                q.idfs[q.distinct] = found == null ? postings.unseenIdf : found.idf;
                q.freqs[q.distinct] = 1;
                q.distinct++;
            }
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException("analysing a string cannot fail", e);
        }
        return length;
    }

    /**
     * Lucene's own BM25 score of every document for the query in one field, via {@link IndexSearcher} and a
     * {@link BooleanQuery} of the query's distinct terms: the reference the precompiled postings must match.
     */
    float[] luceneScores(String field, String normalised) throws IOException {
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (TokenStream stream = analyzers.forField(field).tokenStream(field, normalised)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                if (seen.add(term.toString())) {
                    query.add(new TermQuery(new Term(field, term.toString())), BooleanClause.Occur.SHOULD);
                }
            }
            stream.end();
        }
        float[] scores = new float[docEntry.length];
        TopDocs top = searcher.search(query.build(), Math.max(1, docEntry.length));
        for (ScoreDoc hit : top.scoreDocs) {
            scores[hit.doc] = hit.score;
        }
        return scores;
    }

    /** The same scores from the precompiled postings, for the comparison. */
    float[] leanScores(String field, String normalised) {
        FieldPostings postings = FaqAnalyzers.WORDS.equals(field) ? words : bigrams;
        QueryTerms q = new QueryTerms();
        collect(analyzers.forField(field), postings, normalised, q);
        float[] scores = new float[docEntry.length];
        for (int t = 0; t < q.distinct; t++) {
            if (q.terms[t] != null) {
                for (int k = 0; k < q.terms[t].docs.length; k++) {
                    scores[q.terms[t].docs[k]] += q.terms[t].scores[k];
                }
            }
        }
        return scores;
    }

    /** The distinct terms of a query in one field. */
    private static final class QueryTerms {
        final FieldPostings.Term[] terms = new FieldPostings.Term[MAX_QUERY_TERMS];
        final float[] idfs = new float[MAX_QUERY_TERMS];
        final int[] freqs = new int[MAX_QUERY_TERMS];
        int distinct;
    }

    /** Per-thread working memory, grown to the largest index seen, never cleared (generation stamps instead). */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

        final QueryTerms word = new QueryTerms();
        final QueryTerms bigram = new QueryTerms();
        int[] docStamp = new int[0];
        float[] docScores = new float[0];
        int[] touched = new int[0];
        int touchedDocs;
        int[] entryStamp = new int[0];
        float[] entryBest = new float[0];
        int[] touchedEntryList = new int[0];
        int touchedEntries;
        final int[] topEntries = new int[16];
        final float[] topScores = new float[16];
        private int generation;

        static Scratch get(int docs, int entries) {
            Scratch s = LOCAL.get();
            if (s.docStamp.length < docs) {
                s.docStamp = new int[docs];
                s.docScores = new float[2 * docs];
                s.touched = new int[docs];
                s.generation = 0;
                java.util.Arrays.fill(s.entryStamp, 0);
            }
            if (s.entryStamp.length < entries) {
                s.entryStamp = new int[entries];
                s.entryBest = new float[entries];
                s.touchedEntryList = new int[entries];
                s.generation = 0;
                java.util.Arrays.fill(s.docStamp, 0);
            }
            return s;
        }

        int nextGeneration() {
            touchedDocs = 0;
            touchedEntries = 0;
            if (++generation == Integer.MAX_VALUE) {
                java.util.Arrays.fill(docStamp, 0);
                java.util.Arrays.fill(entryStamp, 0);
                generation = 1;
            }
            return generation;
        }
    }
}
