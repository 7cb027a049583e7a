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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable, in-memory Lucene index of a FAQ, and the similarity of a query to each entry.
 *
 * <p>Documents: one per phrasing (the standard question and each similar question) with two fields, {@code words}
 * (smartcn) and {@code bigrams} (characters and character bigrams); one per entry, field {@code entry}, holding all
 * of the entry's phrasings and its answer; and one per <em>topic</em>, field {@code topic} (smartcn words), holding
 * the phrasings of every entry that shares a tag (an entry without a tag is a topic of its own; the {@code hot}
 * tag is a display flag, not a topic). Scoring is BM25 on each field; in the two phrasing fields a term's idf
 * counts the entries that use it, not the phrasings.
 *
 * <p>Similarity of a query to an entry, in [0, 1]:
 * <ol>
 *   <li>per field, a document's BM25 score divided by the query's self-score — the score a document identical to
 *       the query would get — and clamped to 1. This is query coverage: 1 when the document holds every query word,
 *       whatever the query's length or rarity of words, so that scores are comparable across queries;</li>
 *   <li>a query term a document lacks earns partial credit where the document has a term the FAQ's own paraphrase
 *       groups associate with it ({@link Associations}: word associations in the words field, character ones in
 *       the bigram and entry fields) — the vocabulary gap between how a buyer and the FAQ put the same thing;</li>
 *   <li>a phrasing's similarity is {@value #WORD_WEIGHT} × words + the rest × bigrams: words carry the meaning,
 *       characters rescue what smartcn segments differently (快递 → 快/递) and typos (花被 for 花呗);</li>
 *   <li>an entry's similarity is {@value #PHRASING_WEIGHT} × its best phrasing + {@value #ENTRY_WEIGHT} × its entry
 *       document + {@value #TOPIC_WEIGHT} × its best topic document: the entry document finds an entry from words
 *       spread over several phrasings or only in the answer; the topic is the smoothing of cluster-based retrieval,
 *       so that a query about 花呗 prefers the payment entries even when it shares more words with a shipping one.</li>
 * </ol>
 * Each entry also gets an exactness: the best harmonic mean, over its phrasings, of how much of the query the
 * phrasing covers and how much of the phrasing the query covers (1 for the phrasing itself), without association
 * credit. The confidence ({@link ConfidenceBands}) uses it, so that a buyer who types an FAQ question gets its
 * answer with confidence, while a query that is only contained in a longer question does not.
 *
 * <p>Queries run on postings compiled from the Lucene index ({@link FieldPostings}); {@link #luceneScores} runs the
 * same through an {@link IndexSearcher}, which the tests use to prove both score the same.
 *
 * <p>Thread-safe: nothing changes after {@link #build}; per-query scratch space is per thread.
 */
public final class FaqIndex {

    /** Weight of the smartcn words field in a phrasing's similarity; the bigram field gets the rest. */
    static final float WORD_WEIGHT = 0.85f;
    /** Weight of the best phrasing in an entry's similarity. */
    static final float PHRASING_WEIGHT = 0.30f;
    /** Weight of the whole-entry document in an entry's similarity. */
    static final float ENTRY_WEIGHT = 0.45f;
    /** Weight of the entry's best topic document in its similarity. */
    static final float TOPIC_WEIGHT = 0.25f;
    /** An association of strength g earns min(1, ASSOCIATION_WEIGHT × g) of the query term's weight. */
    static final double ASSOCIATION_WEIGHT = 8;
    /** The tag that marks hot questions for the widget: not a topic. */
    static final String HOT_TAG = "hot";
    /** Query terms considered per field (a capped query has at most 200 characters, so this is never reached). */
    private static final int MAX_QUERY_TERMS = 512;
    private static final String ENTRY_ORDINAL = "entry-ordinal";
    private static final String TOPIC_ORDINAL = "topic-ordinal";
    private static final String WHOLE_ENTRY = "whole-entry";
    /** Slots per document in the per-query score array: two fields' raw scores, then their association credits. */
    private static final int SLOTS = 4;

    private final List<FaqEntry> entries;
    private final Map<String, Integer> ordinals;
    private final Synonyms synonyms;
    private final FaqAnalyzers analyzers;
    /** Entry of every Lucene document; -1 for topic documents. */
    private final int[] docEntry;
    /** Topic of every Lucene document; -1 for phrasing and entry documents. */
    private final int[] docTopic;
    /** Whether a Lucene document is an entry's whole-entry document. */
    private final boolean[] wholeEntry;
    /** Topics of every entry. */
    private final int[][] entryTopics;
    private final int topicCount;
    private final int phrasingCount;
    private final FieldPostings words;
    private final FieldPostings bigrams;
    private final FieldPostings entryText;
    private final FieldPostings topics;
    private final Associations wordAssociations;
    private final Associations characterAssociations;
    private final IndexSearcher searcher;

    private FaqIndex(Built b) {
        this.entries = b.entries;
        this.synonyms = b.synonyms;
        this.analyzers = b.analyzers;
        this.docEntry = b.docEntry;
        this.docTopic = b.docTopic;
        this.wholeEntry = b.wholeEntry;
        this.entryTopics = b.entryTopics;
        this.topicCount = b.topicCount;
        this.phrasingCount = b.phrasings;
        this.words = b.words;
        this.bigrams = b.bigrams;
        this.entryText = b.entryText;
        this.topics = b.topics;
        this.wordAssociations = b.wordAssociations;
        this.characterAssociations = b.characterAssociations;
        this.searcher = b.searcher;
        Map<String, Integer> byId = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            byId.put(entries.get(i).id(), i);
        }
        this.ordinals = Map.copyOf(byId);
    }

    /** Everything {@link #build} computes, handed to the constructor in one piece. */
    private static final class Built {
        List<FaqEntry> entries;
        Synonyms synonyms;
        FaqAnalyzers analyzers;
        int[] docEntry;
        int[] docTopic;
        boolean[] wholeEntry;
        int[][] entryTopics;
        int topicCount;
        int phrasings;
        FieldPostings words;
        FieldPostings bigrams;
        FieldPostings entryText;
        FieldPostings topics;
        Associations wordAssociations;
        Associations characterAssociations;
        IndexSearcher searcher;
    }

    /** Indexes the entries (already validated by {@link FaqFile}) with the given synonyms. */
    public static FaqIndex build(List<FaqEntry> entries, Synonyms synonyms) {
        Built b = new Built();
        b.entries = List.copyOf(entries);
        b.synonyms = synonyms;
        FaqAnalyzers analyzers = new FaqAnalyzers(synonyms);
        b.analyzers = analyzers;
        List<List<String>> topicMembers = topics(b.entries, b);
        Map<String, Analyzer> perField = Map.of(FaqAnalyzers.WORDS, analyzers.words,
                FaqAnalyzers.BIGRAMS, analyzers.bigrams, FaqAnalyzers.ENTRY, analyzers.bigrams,
                FaqAnalyzers.TOPIC, analyzers.words);
        ByteBuffersDirectory directory = new ByteBuffersDirectory();
        List<List<List<String>>> wordGroups = new ArrayList<>(b.entries.size());
        List<List<List<String>>> characterGroups = new ArrayList<>(b.entries.size());
        try {
            IndexWriterConfig config = new IndexWriterConfig(new PerFieldAnalyzerWrapper(analyzers.words, perField));
            config.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
            config.setSimilarity(similarity());
            int phrasings = 0;
            try (IndexWriter writer = new IndexWriter(directory, config)) {
                for (int e = 0; e < b.entries.size(); e++) {
                    FaqEntry entry = b.entries.get(e);
                    List<List<String>> entryWords = new ArrayList<>();
                    List<List<String>> entryCharacters = new ArrayList<>();
                    for (String phrasing : entry.phrasings()) {
                        String text = analyzers.prepare(normalise(phrasing));
                        Document doc = new Document();
                        doc.add(new StoredField(ENTRY_ORDINAL, e));
                        doc.add(new TextField(FaqAnalyzers.WORDS, text, Field.Store.NO));
                        doc.add(new TextField(FaqAnalyzers.BIGRAMS, text, Field.Store.NO));
                        writer.addDocument(doc);
                        entryWords.add(tokens(analyzers.words, FaqAnalyzers.WORDS, text));
                        entryCharacters.add(tokens(analyzers.bigrams, FaqAnalyzers.BIGRAMS, text));
                        phrasings++;
                    }
                    wordGroups.add(entryWords);
                    characterGroups.add(entryCharacters);
                    Document whole = new Document();
                    whole.add(new StoredField(ENTRY_ORDINAL, e));
                    whole.add(new StoredField(WHOLE_ENTRY, 1));
                    whole.add(new TextField(FaqAnalyzers.ENTRY,
                            analyzers.prepare(normalise(String.join("。", entry.phrasings()) + "。" + entry.answer())),
                            Field.Store.NO));
                    writer.addDocument(whole);
                }
                for (int t = 0; t < topicMembers.size(); t++) {
                    Document topic = new Document();
                    topic.add(new StoredField(TOPIC_ORDINAL, t));
                    topic.add(new TextField(FaqAnalyzers.TOPIC,
                            analyzers.prepare(normalise(String.join("。", topicMembers.get(t)))), Field.Store.NO));
                    writer.addDocument(topic);
                }
                writer.forceMerge(1);
            }
            b.phrasings = phrasings;
            DirectoryReader reader = DirectoryReader.open(directory);
            LeafReader leaf = reader.leaves().get(0).reader();
            int docs = leaf.maxDoc();
            b.docEntry = new int[docs];
            b.docTopic = new int[docs];
            b.wholeEntry = new boolean[docs];
            StoredFields stored = leaf.storedFields();
            for (int doc = 0; doc < docs; doc++) {
                Document d = stored.document(doc);
                if (d.getField(ENTRY_ORDINAL) != null) {
                    b.docEntry[doc] = d.getField(ENTRY_ORDINAL).numericValue().intValue();
                    b.docTopic[doc] = -1;
                    b.wholeEntry[doc] = d.getField(WHOLE_ENTRY) != null;
                } else {
                    b.docEntry[doc] = -1;
                    b.docTopic[doc] = d.getField(TOPIC_ORDINAL).numericValue().intValue();
                }
            }
            b.words = FieldPostings.compile(leaf, FaqAnalyzers.WORDS, b.docEntry, b.entries.size());
            b.bigrams = FieldPostings.compile(leaf, FaqAnalyzers.BIGRAMS, b.docEntry, b.entries.size());
            b.entryText = FieldPostings.compile(leaf, FaqAnalyzers.ENTRY);
            b.topics = FieldPostings.compile(leaf, FaqAnalyzers.TOPIC);
            b.wordAssociations = Associations.learn(wordGroups);
            b.characterAssociations = Associations.learn(characterGroups);
            b.words.relate(b.wordAssociations, ASSOCIATION_WEIGHT, docs);
            b.bigrams.relate(b.characterAssociations, ASSOCIATION_WEIGHT, docs);
            b.entryText.relate(b.characterAssociations, ASSOCIATION_WEIGHT, docs);
            IndexSearcher searcher = new IndexSearcher(reader);
            searcher.setSimilarity(similarity());
            b.searcher = searcher;
            return new FaqIndex(b);
        } catch (IOException e) {
            throw new UncheckedIOException("building an in-memory index failed", e);
        }
    }

    /**
     * Groups the entries into topics — one per tag (but {@value #HOT_TAG}), in order of first use, and one for each
     * entry without a tag — fills {@code b.entryTopics} and returns each topic's phrasings.
     */
    private static List<List<String>> topics(List<FaqEntry> entries, Built b) {
        Map<String, Integer> byTag = new LinkedHashMap<>();
        List<List<String>> members = new ArrayList<>();
        b.entryTopics = new int[entries.size()][];
        for (int e = 0; e < entries.size(); e++) {
            FaqEntry entry = entries.get(e);
            List<Integer> mine = new ArrayList<>();
            for (String tag : entry.tags()) {
                if (tag.equals(HOT_TAG)) {
                    continue;
                }
                Integer topic = byTag.get(tag);
                if (topic == null) {
                    topic = members.size();
                    byTag.put(tag, topic);
                    members.add(new ArrayList<>());
                }
                if (!mine.contains(topic)) {
                    mine.add(topic);
                    members.get(topic).addAll(entry.phrasings());
                }
            }
            if (mine.isEmpty()) {
                mine.add(members.size());
                members.add(new ArrayList<>(entry.phrasings()));
            }
            b.entryTopics[e] = mine.stream().mapToInt(Integer::intValue).toArray();
        }
        b.topicCount = members.size();
        return members;
    }

    private static List<String> tokens(Analyzer analyzer, String field, String text) {
        List<String> out = new ArrayList<>();
        try (TokenStream stream = analyzer.tokenStream(field, text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                out.add(term.toString());
            }
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException("analysing a string cannot fail", e);
        }
        return out;
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

    /** The number of topics (tags other than hot, plus one per untagged entry). */
    public int topicCount() {
        return topicCount;
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

    /** The word associations learned from this FAQ's paraphrase groups. */
    Associations wordAssociations() {
        return wordAssociations;
    }

    /**
     * The {@code max} entries most similar to a query, most similar first (ties in file order); entries sharing no
     * term (or associated term) with the query are left out, so the list may be shorter or empty.
     *
     * @param normalised the query after {@link TextNormalizer#forSearch}
     */
    public List<Ranked> rank(String normalised, int max) {
        String text = analyzers.prepare(normalised);
        Scratch s = Scratch.get(docEntry.length, entries.size(), topicCount);
        // Words and topics share the smartcn analysis, bigrams and entries the character one: one pass each.
        int wordLength = collect(analyzers.words, words, text, s.word, topics, s.topic);
        int bigramLength = collect(analyzers.bigrams, bigrams, text, s.bigram, entryText, s.entry);
        float selfWords = words.selfScore(s.word.idfs, s.word.freqs, s.word.distinct, wordLength);
        float selfBigrams = bigrams.selfScore(s.bigram.idfs, s.bigram.freqs, s.bigram.distinct, bigramLength);
        float selfEntry = entryText.selfScore(s.entry.idfs, s.entry.freqs, s.entry.distinct, bigramLength);
        float selfTopic = topics.selfScore(s.topic.idfs, s.topic.freqs, s.topic.distinct, wordLength);
        if (selfWords == 0f && selfBigrams == 0f) {
            return List.of();
        }
        int generation = s.nextGeneration();
        // Fields never share a document, so slots 0 and 1 hold whichever two fields a document has.
        accumulate(s, s.word, generation, 0);
        accumulate(s, s.bigram, generation, 1);
        accumulate(s, s.entry, generation, 0);
        accumulate(s, s.topic, generation, 0);
        credit(s, s.word, generation, 2);
        credit(s, s.bigram, generation, 3);
        credit(s, s.entry, generation, 2);
        float wordWeight = selfBigrams == 0f ? 1f : selfWords == 0f ? 0f : WORD_WEIGHT;
        for (int i = 0; i < s.touchedDocs; i++) {
            int doc = s.touched[i];
            float[] d = s.docScores;
            int at = SLOTS * doc;
            int topic = docTopic[doc];
            if (topic >= 0) {
                s.topicStamp[topic] = generation;
                s.topicScore[topic] = coverage(d[at], selfTopic);
                continue;
            }
            int entry = docEntry[doc];
            if (s.entryStamp[entry] != generation) {
                s.entryStamp[entry] = generation;
                s.entryPhrasing[entry] = 0f;
                s.entryWhole[entry] = 0f;
                s.entryExactness[entry] = 0f;
                s.touchedEntryList[s.touchedEntries++] = entry;
            }
            if (wholeEntry[doc]) {
                s.entryWhole[entry] = coverage(d[at] + d[at + 2], selfEntry);
                continue;
            }
            float phrasing = wordWeight * coverage(d[at] + d[at + 2], selfWords)
                    + (1f - wordWeight) * coverage(d[at + 1] + d[at + 3], selfBigrams);
            if (phrasing > s.entryPhrasing[entry]) {
                s.entryPhrasing[entry] = phrasing;
            }
            float exactness = exactness(wordWeight, d[at], d[at + 1], selfWords, selfBigrams,
                    words.docSelf[doc], bigrams.docSelf[doc]);
            if (exactness > s.entryExactness[entry]) {
                s.entryExactness[entry] = exactness;
            }
        }
        for (int i = 0; i < s.touchedEntries; i++) {
            int entry = s.touchedEntryList[i];
            float topic = 0f;
            for (int t : entryTopics[entry]) {
                if (s.topicStamp[t] == generation && s.topicScore[t] > topic) {
                    topic = s.topicScore[t];
                }
            }
            s.entryBest[entry] = PHRASING_WEIGHT * s.entryPhrasing[entry]
                    + ENTRY_WEIGHT * s.entryWhole[entry] + TOPIC_WEIGHT * topic;
        }
        return top(s, max);
    }

    private static float coverage(float score, float self) {
        return self == 0f ? 0f : Math.min(1f, score / self);
    }

    /**
     * The harmonic mean of how much of the query a phrasing covers and how much of the phrasing the query covers,
     * from the plain (uncredited) field scores.
     */
    private static float exactness(float wordWeight, float words, float bigrams, float selfWords, float selfBigrams,
                                   float phrasingWords, float phrasingBigrams) {
        float ofQuery = wordWeight * coverage(words, selfWords) + (1f - wordWeight) * coverage(bigrams, selfBigrams);
        float ofPhrasing = wordWeight * coverage(words, phrasingWords)
                + (1f - wordWeight) * coverage(bigrams, phrasingBigrams);
        return ofQuery + ofPhrasing == 0f ? 0f : 2f * ofQuery * ofPhrasing / (ofQuery + ofPhrasing);
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
            result.add(new Ranked(entries.get(best[i]), bestScore[i], s.entryExactness[best[i]]));
        }
        return Collections.unmodifiableList(result);
    }

    /** Higher similarity first; on a tie the earlier entry in the file. */
    private static boolean before(float score, int entry, float otherScore, int otherEntry) {
        return score > otherScore || (score == otherScore && entry < otherEntry);
    }

    /** Starts a document's slots the first time a query touches it. */
    private static void touch(Scratch s, int doc, int generation) {
        if (s.docStamp[doc] != generation) {
            s.docStamp[doc] = generation;
            Arrays.fill(s.docScores, SLOTS * doc, SLOTS * doc + SLOTS, 0f);
            s.touched[s.touchedDocs++] = doc;
        }
    }

    private static void accumulate(Scratch s, QueryTerms q, int generation, int slot) {
        for (int t = 0; t < q.distinct; t++) {
            FieldPostings.Term term = q.terms[t];
            if (term == null) {
                continue;
            }
            int[] docs = term.docs;
            float[] scores = term.scores;
            for (int k = 0; k < docs.length; k++) {
                int doc = docs[k];
                touch(s, doc, generation);
                s.docScores[SLOTS * doc + slot] += scores[k];
            }
        }
    }

    /** Adds the association credit of every query term ({@link FieldPostings#relate}) to a slot. */
    private static void credit(Scratch s, QueryTerms q, int generation, int slot) {
        for (int t = 0; t < q.distinct; t++) {
            FieldPostings.Term term = q.terms[t];
            if (term == null) {
                continue;
            }
            int[] docs = term.creditDocs;
            float[] credits = term.credits;
            for (int k = 0; k < docs.length; k++) {
                int doc = docs[k];
                touch(s, doc, generation);
                s.docScores[SLOTS * doc + slot] += credits[k];
            }
        }
    }

    /**
     * Analyses the query into distinct terms with their frequencies for one field, and a second field that shares
     * the analysis; returns the number of tokens (the query's length, as its own BM25 length normalisation needs).
     */
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

    private FieldPostings postings(String field) {
        switch (field) {
            case FaqAnalyzers.WORDS:
                return words;
            case FaqAnalyzers.BIGRAMS:
                return bigrams;
            case FaqAnalyzers.ENTRY:
                return entryText;
            case FaqAnalyzers.TOPIC:
                return topics;
            default:
                throw new IllegalArgumentException("no field " + field);
        }
    }

    /**
     * Lucene's own BM25 score of every document for the query in one field, via {@link IndexSearcher} and a
     * {@link BooleanQuery} of the query's distinct terms: the reference the compiled postings must match. In the
     * phrasing fields Lucene is given the idf over entries ({@link EntryIdfSimilarity}), counted here from the
     * index independently of {@link FieldPostings}.
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
        IndexSearcher fieldSearcher = new IndexSearcher(searcher.getIndexReader());
        boolean phrasingField = FaqAnalyzers.WORDS.equals(field) || FaqAnalyzers.BIGRAMS.equals(field);
        fieldSearcher.setSimilarity(phrasingField
                ? new EntryIdfSimilarity(searcher.getIndexReader(), field, docEntry, entries.size())
                : similarity());
        float[] scores = new float[docEntry.length];
        TopDocs top = fieldSearcher.search(query.build(), Math.max(1, docEntry.length));
        for (ScoreDoc hit : top.scoreDocs) {
            scores[hit.doc] = hit.score;
        }
        return scores;
    }

    /** The same scores from the compiled postings (without association credit), for the comparison. */
    float[] compiledScores(String field, String normalised) {
        FieldPostings postings = postings(field);
        QueryTerms q = new QueryTerms();
        collect(analyzers.forField(field), postings, analyzers.prepare(normalised), q, null, null);
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

    /** The idf a field's compiled postings use for a term (NaN when no document has it), for the tests. */
    float idf(String field, String term) {
        FieldPostings.Term t = postings(field).terms.get(term);
        return t == null ? Float.NaN : t.idf;
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
        final QueryTerms topic = new QueryTerms();
        int[] docStamp = new int[0];
        float[] docScores = new float[0];
        int[] touched = new int[0];
        int touchedDocs;
        int[] entryStamp = new int[0];
        float[] entryPhrasing = new float[0];
        float[] entryWhole = new float[0];
        float[] entryExactness = new float[0];
        float[] entryBest = new float[0];
        int[] touchedEntryList = new int[0];
        int touchedEntries;
        int[] topicStamp = new int[0];
        float[] topicScore = new float[0];
        final int[] topEntries = new int[16];
        final float[] topScores = new float[16];
        private int generation;

        static Scratch get(int docs, int entries, int topics) {
            Scratch s = LOCAL.get();
            if (s.docStamp.length < docs || s.entryStamp.length < entries || s.topicStamp.length < topics) {
                int d = Math.max(docs, s.docStamp.length);
                int e = Math.max(entries, s.entryStamp.length);
                int t = Math.max(topics, s.topicStamp.length);
                s.docStamp = new int[d];
                s.docScores = new float[SLOTS * d];
                s.touched = new int[d];
                s.entryStamp = new int[e];
                s.entryPhrasing = new float[e];
                s.entryWhole = new float[e];
                s.entryExactness = new float[e];
                s.entryBest = new float[e];
                s.touchedEntryList = new int[e];
                s.topicStamp = new int[t];
                s.topicScore = new float[t];
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
                Arrays.fill(topicStamp, 0);
                generation = 1;
            }
            return generation;
        }
    }
}
