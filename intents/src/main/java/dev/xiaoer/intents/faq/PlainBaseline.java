package dev.xiaoer.intents.faq;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The yardstick the FAQ design is measured against: what a developer gets from Lucene out of the box for Chinese.
 * {@link SmartChineseAnalyzer} with its defaults on the raw question and similar questions (one document each),
 * BM25, the query's words as SHOULD clauses, the top document's entry first — no normalisation, no bigrams, no
 * synonyms, no filler words, no confidence. Used by {@code eval --baseline} only.
 */
public final class PlainBaseline {

    private static final String TEXT = "text";
    private static final String ENTRY = "entry";
    /** Documents fetched per query to find the best few distinct entries. */
    private static final int DOCS_PER_QUERY = 50;

    private final List<FaqEntry> entries;
    private final SmartChineseAnalyzer analyzer = new SmartChineseAnalyzer();
    private final IndexSearcher searcher;
    private final StoredFields stored;

    private PlainBaseline(List<FaqEntry> entries, IndexSearcher searcher) throws IOException {
        this.entries = entries;
        this.searcher = searcher;
        this.stored = searcher.getIndexReader().storedFields();
    }

    /** Indexes the entries as plain smartcn text. */
    public static PlainBaseline build(List<FaqEntry> entries) {
        ByteBuffersDirectory directory = new ByteBuffersDirectory();
        try (SmartChineseAnalyzer analyzer = new SmartChineseAnalyzer()) {
            try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(analyzer))) {
                for (int e = 0; e < entries.size(); e++) {
                    for (String phrasing : entries.get(e).phrasings()) {
                        Document doc = new Document();
                        doc.add(new StoredField(ENTRY, e));
                        doc.add(new TextField(TEXT, phrasing, Field.Store.NO));
                        writer.addDocument(doc);
                    }
                }
            }
            return new PlainBaseline(List.copyOf(entries), new IndexSearcher(DirectoryReader.open(directory)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The best distinct entries for a raw query, best first; similarity is the raw BM25 score. */
    public List<Ranked> rank(String query, int max) {
        try {
            BooleanQuery.Builder builder = new BooleanQuery.Builder();
            Set<String> seen = new HashSet<>();
            try (TokenStream stream = analyzer.tokenStream(TEXT, query)) {
                CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
                stream.reset();
                while (stream.incrementToken()) {
                    if (seen.add(term.toString()) && seen.size() <= IndexSearcher.getMaxClauseCount()) {
                        builder.add(new TermQuery(new Term(TEXT, term.toString())), BooleanClause.Occur.SHOULD);
                    }
                }
                stream.end();
            }
            if (seen.isEmpty()) {
                return List.of();
            }
            List<Ranked> result = new ArrayList<>(max);
            Set<Integer> taken = new HashSet<>();
            for (ScoreDoc hit : searcher.search(builder.build(), DOCS_PER_QUERY).scoreDocs) {
                int entry = stored.document(hit.doc).getField(ENTRY).numericValue().intValue();
                if (taken.add(entry)) {
                    result.add(new Ranked(entries.get(entry), hit.score));
                    if (result.size() == max) {
                        break;
                    }
                }
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
