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
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable, in-memory Lucene index of a FAQ, and the similarity of a query to each entry.
 *
 * <p>Documents: one per phrasing (the standard question and each similar question) with two fields, {@code words}
 * (smartcn) and {@code bigrams} (characters and character bigrams); and one per entry, field {@code entry}, holding
 * all of the entry's phrasings and its answer. Scoring is BM25 on each field.
 *
 * <p>Similarity of a query to an entry, in [0, 1]:
 * <ol>
 *   <li>per field, a document's BM25 score divided by the query's self-score — the score a document identical to
 *       the query would get — and clamped to 1. This is query coverage: 1 when the document holds every query word,
 *       whatever the query's length or rarity of words, so that scores are comparable across queries;</li>
 *   <li>a phrasing's similarity is {@value #WORD_WEIGHT} × words + the rest × bigrams: words carry the meaning,
 *       characters rescue what smartcn segments differently (快递 → 快/递) and typos (花被 for 花呗);</li>
 *   <li>an entry's similarity is {@value #ENTRY_WEIGHT} × its entry document's coverage + the rest × its best
 *       phrasing's: a query that mixes words of several phrasings, or words only the answer uses, still finds its
 *       entry.</li>
 * </ol>
 * Queries run on postings compiled from the Lucene index ({@link FieldPostings}); {@link #luceneScores} runs the
 * same through an {@link IndexSearcher}, which the tests use to prove both score the same.
 *
 * <p>Thread-safe: nothing changes after {@link #build}; per-query scratch space is per thread.
 */
public final class FaqIndex {

    /** Weight of the smartcn words field in a phrasing's similarity; the bigram field gets the rest. */
    static final float WORD_WEIGHT = 0.85f;
    /** Weight of the whole-entry document in an entry's similarity; the best phrasing gets the rest. */
    static final float ENTRY_WEIGHT = 0.5f;
    /** Query terms considered per field (a capped query has at most 200 characters, so this is never reached). */
    private static final int MAX_QUERY_TERMS = 512;
    private static final String ENTRY_ORDINAL = "entry-ordinal";

    private final List<FaqEntry> entries;
    private final Map<String, Integer> ordinals;
    private final Synonyms synonyms;
    private final FaqAnalyzers analyzers;
    /** Entry of every Lucene document. */
    private final int[] docEntry;
    private final int phrasingCount;
    private final FieldPostings words;
    private final FieldPostings bigrams;
    private final FieldPostings entryText;
    private final IndexSearcher searcher;

    private FaqIndex(List<FaqEntry> entries, Synonyms synonyms, FaqAnalyzers analyzers, int[] docEntry,
                     int phrasingCount, LeafReader leaf, IndexSearcher searcher) throws IOException {
        this.entries = entries;
        this.synonyms = synonyms;
        this.analyzers = analyzers;
        this.docEntry = docEntry;
        this.phrasingCount = phrasingCount;
        this.words = FieldPostings.compile(leaf, FaqAnalyzers.WORDS);
        this.bigrams = FieldPostings.compile(leaf, FaqAnalyzers.BIGRAMS);
        this.entryText = FieldPostings.compile(leaf, FaqAnalyzers.ENTRY);
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
                FaqAnalyzers.BIGRAMS, analyzers.bigrams, FaqAnalyzers.ENTRY, analyzers.bigrams);
        ByteBuffersDirectory directory = new ByteBuffersDirectory();
        try {
            IndexWriterConfig config = new IndexWriterConfig(new PerFieldAnalyzerWrapper(analyzers.words, perField));
            config.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
            config.setSimilarity(similarity());
            int phrasings = 0;
            try (IndexWriter writer = new IndexWriter(directory, config)) {
                for (int e = 0; e < frozen.size(); e++) {
                    FaqEntry entry = frozen.get(e);
                    for (String phrasing : entry.phrasings()) {
                        String text = analyzers.prepare(normalise(phrasing));
                        Document doc = new Document();
                        doc.add(new StoredField(ENTRY_ORDINAL, e));
                        doc.add(new TextField(FaqAnalyzers.WORDS, text, Field.Store.NO));
                        doc.add(new TextField(FaqAnalyzers.BIGRAMS, text, Field.Store.NO));
                        writer.addDocument(doc);
                        phrasings++;
                    }
                    Document whole = new Document();
                    whole.add(new StoredField(ENTRY_ORDINAL, e));
                    whole.add(new TextField(FaqAnalyzers.ENTRY,
                            analyzers.prepare(normalise(String.join("。", entry.phrasings()) + "。" + entry.answer())),
                            Field.Store.NO));
                    writer.addDocument(whole);
                }
                writer.forceMerge(1);
            }
            DirectoryReader reader = DirectoryReader.open(directory);
            LeafReader leaf = reader.leaves().get(0).reader();
            int[] docEntry = new int[leaf.maxDoc()];
            StoredFields stored = leaf.storedFields();
            for (int doc = 0; doc < docEntry.length; doc++) {
                docEntry[doc] = stored.document(doc).getField(ENTRY_ORDINAL).numericValue().intValue();
            }
            IndexSearcher searcher = new IndexSearcher(reader);
            searcher.setSimilarity(similarity());
            return new FaqIndex(frozen, synonyms, analyzers, docEntry, phrasings, leaf, searcher);
        } catch (IOException e) {
            throw new UncheckedIOException("building an in-memory index failed", e);
        }
    }

    private static BM25Similarity similarity() {
        return new BM25Similarity(FieldPostings.K1, FieldPostings.B);
    }

    private static String normalise(String text) {
        return TextNormalizer.normalize(text, TextNormalizer.Mode.SEARCH, Integer.MAX_VALUE / 16).text();
    }

    /** The entries, in file order. */
    public List<FaqEntry> entries() {
        return entries;
    }

    /** The number of entries. */
    public int size() {
        return entries.size();
    }

    /** The number of indexed phrasings (questions and similar questions). */
    public int phrasings() {
        return phrasingCount;
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
     * The {@code max} entries most similar to a query, most similar first (ties in file order); entries sharing no
     * term with the query are left out, so the list may be shorter or empty.
     *
     * @param normalised the query after {@link TextNormalizer#forSearch}
     */
    public List<Ranked> rank(String normalised, int max) {
        String text = analyzers.prepare(normalised);
        Scratch s = Scratch.get(docEntry.length, entries.size());
        int wordLength = collect(analyzers.words, words, text, s.word);
        // The bigram and entry fields share one analysis: one pass fills both term lists.
        int bigramLength = collect(analyzers.bigrams, bigrams, text, s.bigram, entryText, s.entry);
        int entryLength = bigramLength;
        float selfWords = words.selfScore(s.word.idfs, s.word.freqs, s.word.distinct, wordLength);
        float selfBigrams = bigrams.selfScore(s.bigram.idfs, s.bigram.freqs, s.bigram.distinct, bigramLength);
        float selfEntry = entryText.selfScore(s.entry.idfs, s.entry.freqs, s.entry.distinct, entryLength);
        if (selfWords == 0f && selfBigrams == 0f) {
            return List.of();
        }
        int generation = s.nextGeneration();
        accumulate(s, s.word, generation, 0);
        accumulate(s, s.bigram, generation, 1);
        accumulate(s, s.entry, generation, 2);
        float wordWeight = selfBigrams == 0f ? 1f : selfWords == 0f ? 0f : WORD_WEIGHT;
        for (int i = 0; i < s.touchedDocs; i++) {
            int doc = s.touched[i];
            int entry = docEntry[doc];
            if (s.entryStamp[entry] != generation) {
                s.entryStamp[entry] = generation;
                s.entryPhrasing[entry] = 0f;
                s.entryWhole[entry] = 0f;
                s.touchedEntryList[s.touchedEntries++] = entry;
            }
            float whole = s.docScores[3 * doc + 2];
            if (whole > 0f) {
                s.entryWhole[entry] = selfEntry == 0f ? 0f : Math.min(1f, whole / selfEntry);
                continue;
            }
            float w = selfWords == 0f ? 0f : Math.min(1f, s.docScores[3 * doc] / selfWords);
            float b = selfBigrams == 0f ? 0f : Math.min(1f, s.docScores[3 * doc + 1] / selfBigrams);
            float phrasing = wordWeight * w + (1f - wordWeight) * b;
            if (phrasing > s.entryPhrasing[entry]) {
                s.entryPhrasing[entry] = phrasing;
            }
        }
        for (int i = 0; i < s.touchedEntries; i++) {
            int entry = s.touchedEntryList[i];
            s.entryBest[entry] = (1f - ENTRY_WEIGHT) * s.entryPhrasing[entry] + ENTRY_WEIGHT * s.entryWhole[entry];
        }
        return top(s, max);
    }

    private List<Ranked> top(Scratch s, int max) {
        int n = 0;
        int[] best = s.topEntries;
        float[] bestScore = s.topScores;
        int limit = Math.min(max, best.length);
        if (limit <= 0) {
            return List.of();
        }
        for (int i = 0; i < s.touchedEntries; i++) {
            int entry = s.touchedEntryList[i];
            float score = s.entryBest[entry];
            if (score <= 0f || (n == limit && !before(score, entry, bestScore[n - 1], best[n - 1]))) {
                continue;
            }
            int at = n < limit ? n++ : n - 1;
            while (at > 0 && before(score, entry, bestScore[at - 1], best[at - 1])) {
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

    /** Higher similarity first; on a tie the earlier entry in the file. */
    private static boolean before(float score, int entry, float otherScore, int otherEntry) {
        return score > otherScore || (score == otherScore && entry < otherEntry);
    }

    private static void accumulate(Scratch s, QueryTerms q, int generation, int field) {
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
                    s.docScores[3 * doc] = 0f;
                    s.docScores[3 * doc + 1] = 0f;
                    s.docScores[3 * doc + 2] = 0f;
                    s.touched[s.touchedDocs++] = doc;
                }
                s.docScores[3 * doc + field] += scores[k];
            }
        }
    }

    /**
     * Analyses the query for one field into distinct terms with their frequencies; returns the number of tokens
     * (the query's length, as the query's own BM25 length normalisation needs it).
     */
    private static int collect(Analyzer analyzer, FieldPostings postings, String text, QueryTerms q) {
        return collect(analyzer, postings, text, q, null, null);
    }

    /** As above, filling a second field's term list from the same tokens when {@code second} is given. */
    private static int collect(Analyzer analyzer, FieldPostings postings, String text, QueryTerms q,
                               FieldPostings second, QueryTerms q2) {
        q.distinct = 0;
        if (q2 != null) {
            q2.distinct = 0;
        }
        int length = 0;
        try (TokenStream stream = analyzer.tokenStream(postings.field, text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken() && length < MAX_QUERY_TERMS) {
                length++;
                add(q, postings, term);
                if (q2 != null) {
                    add(q2, second, term);
                }
            }
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException("analysing a string cannot fail", e);
        }
        return length;
    }

    private static void add(QueryTerms q, FieldPostings postings, CharTermAttribute term) {
        FieldPostings.Term found = postings.terms.get(term.buffer(), 0, term.length());
        if (found != null) {
            for (int i = 0; i < q.distinct; i++) {
                if (q.terms[i] == found) {
                    q.freqs[i]++;
                    return;
                }
            }
        }
        // A term no document has only weighs in the self-score; repeats of it count as separate terms.
        q.terms[q.distinct] = found;
        q.idfs[q.distinct] = found == null ? postings.unseenIdf : found.idf;
        q.freqs[q.distinct] = 1;
        q.distinct++;
    }

    /**
     * Lucene's own BM25 score of every document for the query in one field, via {@link IndexSearcher} and a
     * {@link BooleanQuery} of the query's distinct terms: the reference the compiled postings must match.
     */
    float[] luceneScores(String field, String normalised) throws IOException {
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        Set<String> seen = new HashSet<>();
        try (TokenStream stream = analyzers.forField(field).tokenStream(field, analyzers.prepare(normalised))) {
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

    /** The same scores from the compiled postings, for the comparison. */
    float[] compiledScores(String field, String normalised) {
        FieldPostings postings = FaqAnalyzers.WORDS.equals(field) ? words
                : FaqAnalyzers.BIGRAMS.equals(field) ? bigrams : entryText;
        QueryTerms q = new QueryTerms();
        collect(analyzers.forField(field), postings, analyzers.prepare(normalised), q);
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
        final QueryTerms entry = new QueryTerms();
        int[] docStamp = new int[0];
        float[] docScores = new float[0];
        int[] touched = new int[0];
        int touchedDocs;
        int[] entryStamp = new int[0];
        float[] entryPhrasing = new float[0];
        float[] entryWhole = new float[0];
        float[] entryBest = new float[0];
        int[] touchedEntryList = new int[0];
        int touchedEntries;
        final int[] topEntries = new int[16];
        final float[] topScores = new float[16];
        private int generation;

        static Scratch get(int docs, int entries) {
            Scratch s = LOCAL.get();
            if (s.docStamp.length < docs || s.entryStamp.length < entries) {
                int d = Math.max(docs, s.docStamp.length);
                int e = Math.max(entries, s.entryStamp.length);
                s.docStamp = new int[d];
                s.docScores = new float[3 * d];
                s.touched = new int[d];
                s.entryStamp = new int[e];
                s.entryPhrasing = new float[e];
                s.entryWhole = new float[e];
                s.entryBest = new float[e];
                s.touchedEntryList = new int[e];
                s.generation = 0;
            }
            return s;
        }

        int nextGeneration() {
            touchedDocs = 0;
            touchedEntries = 0;
            if (++generation == Integer.MAX_VALUE) {
                Arrays.fill(docStamp, 0);
                Arrays.fill(entryStamp, 0);
                generation = 1;
            }
            return generation;
        }
    }
}
