package dev.xiaoer.intents.faq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which terms a FAQ uses for one another, learned from its own paraphrase groups: an entry's question and similar
 * questions say the same thing in different words, so a term of one phrasing that keeps lining up with a term of
 * another (退货 … 退回, 华为 … huawei, 限额 … 额度) is evidence that a buyer who writes the first means the second.
 *
 * <p>This is the translation model of FAQ retrieval (Berger &amp; Lafferty 1999; Jeon, Croft &amp; Lee 2005):
 * IBM Model 1 is trained by expectation–maximisation on every ordered pair of phrasings of every entry, giving
 * t(w | s), the probability that term s of one phrasing is rendered as w in another (with an empty source term
 * that absorbs words no term explains). Training on both directions of each pair and keeping the geometric mean
 * {@code sqrt(t(w|s) · t(s|w))} makes an association symmetric and removes one-sided noise: a rare word whose only
 * phrasing happens to sit next to a common one gets a high t in one direction only. A pair is also only kept when
 * some entry shows it as a real substitution — w in one phrasing and not the other, s the other way round — and
 * never for a term with itself, which plain matching already credits.
 *
 * <p>Everything is built from the FAQ file at load time, deterministically (terms are numbered in order of first
 * appearance, and every loop runs in that order). Immutable once learned.
 */
final class Associations {

    /** EM iterations; the table hardly changes after five or six on FAQ-sized data. */
    static final int ITERATIONS = 8;
    /** Associations weaker than this are dropped: below it they are mostly coincidences of one entry. */
    static final double MIN_STRENGTH = 0.05;
    /** At most this many associations per term, strongest first (a bound on query cost; rarely reached). */
    static final int MAX_PER_TERM = 12;

    static final Associations NONE = new Associations(Map.of());

    /** A term associated with another, and how strongly, in (0, 1]. */
    record Related(String term, double strength) {
    }

    private final Map<String, List<Related>> related;

    private Associations(Map<String, List<Related>> related) {
        this.related = related;
    }

    /** The terms associated with {@code term}, strongest first; empty when none. */
    List<Related> of(String term) {
        return related.getOrDefault(term, List.of());
    }

    /** Number of terms that have at least one association. */
    int size() {
        return related.size();
    }

    /**
     * Learns associations from paraphrase groups: one group per FAQ entry, one list of terms per phrasing (as an
     * analyzer produced them). Groups with a single phrasing teach nothing and are skipped.
     */
    static Associations learn(List<List<List<String>>> groups) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        List<String> vocabulary = new ArrayList<>();
        List<int[][]> coded = new ArrayList<>();
        for (List<List<String>> group : groups) {
            if (group.size() < 2) {
                continue;
            }
            int[][] phrasings = new int[group.size()][];
            for (int p = 0; p < group.size(); p++) {
                phrasings[p] = termIds(group.get(p), ids, vocabulary);
            }
            coded.add(phrasings);
        }
        if (coded.isEmpty()) {
            return NONE;
        }
        Model1 model = Model1.train(coded, vocabulary.size());
        Map<String, List<Related>> related = new HashMap<>();
        for (int cell = 0; cell < model.cells; cell++) {
            int s = model.source[cell];
            int w = model.target[cell];
            if (s == model.nullTerm || s == w || !model.substitution[cell]) {
                continue;
            }
            int back = model.cell(w, s);
            if (back < 0) {
                continue;
            }
            double strength = Math.sqrt((double) model.t[cell] * model.t[back]);
            if (strength >= MIN_STRENGTH) {
                // A query term w is credited where a phrasing has s.
                related.computeIfAbsent(vocabulary.get(w), k -> new ArrayList<>())
                        .add(new Related(vocabulary.get(s), strength));
            }
        }
        Map<String, List<Related>> frozen = new HashMap<>();
        for (Map.Entry<String, List<Related>> e : related.entrySet()) {
            List<Related> list = e.getValue();
            list.sort((a, b) -> a.strength() != b.strength() ? Double.compare(b.strength(), a.strength())
                    : a.term().compareTo(b.term()));
            frozen.put(e.getKey(), List.copyOf(list.subList(0, Math.min(MAX_PER_TERM, list.size()))));
        }
        return new Associations(Collections.unmodifiableMap(frozen));
    }

    /** The phrasing as term numbers, repeats kept (Model 1 counts every occurrence). */
    private static int[] termIds(List<String> terms, Map<String, Integer> ids, List<String> vocabulary) {
        int[] out = new int[terms.size()];
        int n = 0;
        for (String term : terms) {
            Integer id = ids.get(term);
            if (id == null) {
                id = vocabulary.size();
                ids.put(term, id);
                vocabulary.add(term);
            }
            out[n++] = id;
        }
        return out;
    }

    private static boolean contains(int[] terms, int term) {
        for (int t : terms) {
            if (t == term) {
                return true;
            }
        }
        return false;
    }

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    /** An open-addressing map from a (source, target) key to its cell number, without boxing. */
    private static final class CellNumbers {
        private long[] keys = new long[1 << 12];
        private int[] values = new int[1 << 12];
        private int size;

        CellNumbers() {
            Arrays.fill(values, -1);
        }

        int get(long key) {
            int mask = keys.length - 1;
            for (int i = slot(key, mask); ; i = (i + 1) & mask) {
                if (values[i] < 0) {
                    return -1;
                }
                if (keys[i] == key) {
                    return values[i];
                }
            }
        }

        void put(long key, int value) {
            if (2 * (size + 1) > keys.length) {
                grow();
            }
            int mask = keys.length - 1;
            int i = slot(key, mask);
            while (values[i] >= 0 && keys[i] != key) {
                i = (i + 1) & mask;
            }
            if (values[i] < 0) {
                size++;
            }
            keys[i] = key;
            values[i] = value;
        }

        private void grow() {
            long[] oldKeys = keys;
            int[] oldValues = values;
            keys = new long[oldKeys.length * 2];
            values = new int[oldKeys.length * 2];
            Arrays.fill(values, -1);
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldValues[i] >= 0) {
                    put(oldKeys[i], oldValues[i]);
                }
            }
        }

        private static int slot(long key, int mask) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h >>> 40) & mask;
        }
    }

    /** IBM Model 1 over integer terms, with every (source, target) cell that ever co-occurs numbered once. */
    private static final class Model1 {
        final int nullTerm;
        private final CellNumbers cellOf = new CellNumbers();
        int cells;
        int[] source = new int[1024];
        int[] target = new int[1024];
        /** Whether some entry shows the cell's pair as a real substitution: each term in one phrasing only. */
        boolean[] substitution = new boolean[1024];
        float[] t;

        private Model1(int vocabularySize) {
            this.nullTerm = vocabularySize;
        }

        int cell(int s, int w) {
            return cellOf.get(key(s, w));
        }

        private int cellOrNew(int s, int w) {
            long k = key(s, w);
            int c = cellOf.get(k);
            if (c >= 0) {
                return c;
            }
            if (cells == source.length) {
                source = Arrays.copyOf(source, cells * 2);
                target = Arrays.copyOf(target, cells * 2);
                substitution = Arrays.copyOf(substitution, cells * 2);
            }
            source[cells] = s;
            target[cells] = w;
            cellOf.put(k, cells);
            return cells++;
        }

        static Model1 train(List<int[][]> groups, int vocabularySize) {
            Model1 m = new Model1(vocabularySize);
            // Layout of one ordered pair (source phrasing, target phrasing) in `layout`: for each target term, the
            // cells of (null, w) and (s, w) for every source term s.
            int size = 0;
            for (int[][] phrasings : groups) {
                for (int i = 0; i < phrasings.length; i++) {
                    for (int j = 0; j < phrasings.length; j++) {
                        if (i != j) {
                            size += phrasings[j].length * (phrasings[i].length + 1);
                        }
                    }
                }
            }
            int[] layout = new int[size];
            int at = 0;
            List<int[]> shapes = new ArrayList<>();
            for (int[][] phrasings : groups) {
                for (int i = 0; i < phrasings.length; i++) {
                    for (int j = 0; j < phrasings.length; j++) {
                        if (i == j) {
                            continue;
                        }
                        shapes.add(new int[]{phrasings[i].length + 1, phrasings[j].length});
                        for (int w : phrasings[j]) {
                            layout[at++] = m.cellOrNew(m.nullTerm, w);
                            boolean wOnlyHere = !contains(phrasings[i], w);
                            for (int s : phrasings[i]) {
                                int c = m.cellOrNew(s, w);
                                layout[at++] = c;
                                if (wOnlyHere && !contains(phrasings[j], s)) {
                                    m.substitution[c] = true;
                                }
                            }
                        }
                    }
                }
            }
            // Uniform start: t(w | s) = 1 / number of targets s ever meets.
            int[] fanOut = new int[vocabularySize + 1];
            for (int c = 0; c < m.cells; c++) {
                fanOut[m.source[c]]++;
            }
            m.t = new float[m.cells];
            for (int c = 0; c < m.cells; c++) {
                m.t[c] = 1f / fanOut[m.source[c]];
            }
            double[] count = new double[m.cells];
            double[] total = new double[vocabularySize + 1];
            for (int iteration = 0; iteration < ITERATIONS; iteration++) {
                Arrays.fill(count, 0);
                Arrays.fill(total, 0);
                at = 0;
                for (int[] shape : shapes) {
                    int width = shape[0];
                    for (int k = 0; k < shape[1]; k++) {
                        double z = 0;
                        for (int x = 0; x < width; x++) {
                            z += m.t[layout[at + x]];
                        }
                        for (int x = 0; x < width; x++) {
                            int c = layout[at + x];
                            double share = m.t[c] / z;
                            count[c] += share;
                            total[m.source[c]] += share;
                        }
                        at += width;
                    }
                }
                for (int c = 0; c < m.cells; c++) {
                    m.t[c] = (float) (count[c] / total[m.source[c]]);
                }
            }
            return m;
        }
    }
}
