package dev.xiaoer.loadtest.questions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * What buyers ask, in what proportions. Real traffic is skewed: a few questions (when does it ship, which courier)
 * make up most of it, and a long tail is asked rarely. So known questions are drawn with a Zipf law over the FAQ's
 * questions and paraphrases, and a share of messages is text the gateway has never seen: a known question with a
 * unique word appended, which no decision cache can hold and which costs a full FAQ search.
 *
 * <p>Immutable and thread-safe; callers bring their own random generator.
 */
public final class QuestionMix {

    /** Fixed, so that two runs rank the same questions as the popular ones. */
    private static final long RANK_SEED = 8;

    private final List<ShopQuestion> ranked;
    private final double[] cumulative;
    private final double neverSeenShare;
    private final String runTag;
    private final AtomicLong counter = new AtomicLong();

    private QuestionMix(List<ShopQuestion> ranked, double exponent, double neverSeenShare, String runTag) {
        this.ranked = ranked;
        this.neverSeenShare = neverSeenShare;
        this.runTag = runTag;
        this.cumulative = new double[ranked.size()];
        double sum = 0;
        for (int i = 0; i < ranked.size(); i++) {
            sum += 1.0 / Math.pow(i + 1, exponent);
            cumulative[i] = sum;
        }
        for (int i = 0; i < cumulative.length; i++) {
            cumulative[i] /= sum;
        }
    }

    /**
     * A Zipf mix over the questions the bot answers itself (handoffs are left out: they would move the chat to
     * people), with {@code neverSeenShare} of the messages made unique.
     *
     * @param exponent       the Zipf exponent (1.0 is the classic law; 0 draws uniformly)
     * @param neverSeenShare from 0 (all known) to 1 (every message unique)
     */
    public static QuestionMix zipf(List<ShopQuestion> questions, double exponent, double neverSeenShare) {
        if (!(exponent >= 0 && exponent <= 5)) {
            throw new IllegalArgumentException("the Zipf exponent must be from 0 to 5, was " + exponent);
        }
        if (!(neverSeenShare >= 0 && neverSeenShare <= 1)) {
            throw new IllegalArgumentException("the never-seen share must be from 0 to 1, was " + neverSeenShare);
        }
        List<ShopQuestion> ranked = new ArrayList<>();
        for (ShopQuestion q : questions) {
            if (q.botReplies()) {
                ranked.add(q);
            }
        }
        if (ranked.isEmpty()) {
            throw new IllegalArgumentException("no question the bot answers itself");
        }
        Collections.shuffle(ranked, new Random(RANK_SEED));
        return new QuestionMix(List.copyOf(ranked), exponent, neverSeenShare, runTag(new Random()));
    }

    /** Every message a question the gateway has never seen (a known question made unique). */
    public static QuestionMix unique(List<ShopQuestion> questions) {
        return zipf(questions, 0, 1);
    }

    /** The next message a buyer sends. */
    public Ask next(RandomGenerator random) {
        ShopQuestion q = ranked.get(rank(random.nextDouble()));
        if (neverSeenShare > 0 && random.nextDouble() < neverSeenShare) {
            return new Ask(q.text() + " " + uniqueWord(), null);
        }
        return new Ask(q.text(), q);
    }

    /** The questions in rank order, most asked first. */
    public List<ShopQuestion> ranked() {
        return ranked;
    }

    /** The share of messages made unique. */
    public double neverSeenShare() {
        return neverSeenShare;
    }

    private int rank(double u) {
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Letters and digits only, so that the text normaliser keeps it and it changes the cache key; the run tag
     * keeps it unique across processes and runs against one long-lived gateway.
     */
    private String uniqueWord() {
        return "q" + runTag + Long.toString(counter.incrementAndGet(), 36);
    }

    private static String runTag(Random random) {
        return Long.toString((random.nextLong() >>> 1) % (36L * 36 * 36 * 36 * 36), 36).toLowerCase(Locale.ROOT)
                + "x";
    }
}
