package dev.xiaoer.intents.faq;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a ranking into one of three bands — answer, suggest, unknown — with a confidence in [0, 1].
 *
 * <p>The confidence of a candidate is its similarity minus half the similarity of its strongest rival:
 * {@code c(i) = max(0, s(i) − MARGIN_WEIGHT · max(j≠i) s(j))}. A query that matches one entry perfectly and nothing
 * else scores 1; two equally good entries score half their similarity each, so a near-tie is never answered
 * outright however similar both are — it is suggested, because a wrong answer costs the shop more than a
 * question back. A candidate whose exactness reaches {@link #EXACT_MIN} gets the better of that and the same rule
 * applied to exactness: {@code e(i) − MARGIN_WEIGHT · max(j≠i) e(j)}, so an FAQ question typed as written is
 * answered unless another entry has a phrasing just as close. The best candidate is answered when its confidence
 * reaches {@code answerThreshold} and it leads its rival by at least {@link #MIN_LEAD} (a tie is never answered);
 * otherwise suggested (with the rivals that come close to it) when its confidence reaches {@code suggestThreshold};
 * otherwise the bot does not know.
 *
 * @param answerThreshold  confidence at or above which the best entry is answered
 * @param suggestThreshold confidence at or above which candidates are suggested
 */
public record ConfidenceBands(double answerThreshold, double suggestThreshold) {

    /** Default answer threshold, chosen on the shop dev set (see intents/README.md). */
    public static final double DEFAULT_ANSWER = 0.40;
    /** Default suggest threshold, chosen from measurements on the shop test set (see intents/README.md). */
    public static final double DEFAULT_SUGGEST = 0.25;
    /** How much of the strongest rival's similarity is taken off a candidate's confidence. */
    public static final double MARGIN_WEIGHT = 0.5;
    /**
     * Exactness ({@link Ranked#exactness}) from which a candidate may also be judged by how exactly the query says
     * one of its phrasings: a buyer who types (nearly) an FAQ question means that question, even when a longer
     * question of another entry contains the same words (什么时候发货 vs 预售什么时候发货).
     */
    public static final double EXACT_MIN = 0.9;
    /**
     * The best candidate is answered only when it leads its rival by this much similarity (or exactness): with an
     * answer threshold below 0.5, two entries tied at a high similarity would otherwise reach it.
     */
    public static final double MIN_LEAD = 0.05;
    /** Candidates reported with a decision. */
    public static final int MAX_CANDIDATES = 5;
    /** Candidates shown to the buyer in a suggestion. */
    public static final int MAX_SUGGESTIONS = 3;
    /** A rival is suggested next to the best candidate when its similarity is at least this share of the best's. */
    public static final double SUGGEST_CLOSENESS = 0.75;

    public ConfidenceBands {
        if (!(answerThreshold >= 0 && answerThreshold <= 1)) {
            throw new IllegalArgumentException("answerThreshold must be in [0, 1], was " + answerThreshold);
        }
        if (!(suggestThreshold >= 0 && suggestThreshold <= answerThreshold)) {
            throw new IllegalArgumentException("suggestThreshold must be in [0, answerThreshold = "
                    + answerThreshold + "], was " + suggestThreshold);
        }
    }

    /** The measured defaults. */
    public static ConfidenceBands defaults() {
        return new ConfidenceBands(DEFAULT_ANSWER, DEFAULT_SUGGEST);
    }

    /** Decides the band of a ranking (most similar first, as {@link FaqIndex#rank} returns it). */
    public FaqMatch decide(List<Ranked> ranking) {
        if (ranking.isEmpty()) {
            return FaqMatch.NOTHING;
        }
        int n = Math.min(ranking.size(), MAX_CANDIDATES);
        double best = ranking.get(0).similarity();
        double second = ranking.size() > 1 ? ranking.get(1).similarity() : 0;
        List<FaqMatch.Scored> candidates = new ArrayList<>(n);
        boolean bestLeads = false;
        for (int i = 0; i < n; i++) {
            Ranked r = ranking.get(i);
            double rival = i == 0 ? second : best;
            double rivalExactness = 0;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    rivalExactness = Math.max(rivalExactness, ranking.get(j).exactness());
                }
            }
            double confidence = r.similarity() - MARGIN_WEIGHT * rival;
            boolean leads = r.similarity() - rival >= MIN_LEAD;
            if (r.exactness() >= EXACT_MIN) {
                confidence = Math.max(confidence, r.exactness() - MARGIN_WEIGHT * rivalExactness);
                leads |= r.exactness() - rivalExactness >= MIN_LEAD;
            }
            if (i == 0) {
                bestLeads = leads;
            }
            candidates.add(new FaqMatch.Scored(r.entry(), r.similarity(), clamp(confidence)));
        }
        double confidence = candidates.get(0).confidence();
        if (confidence >= answerThreshold && bestLeads) {
            return new FaqMatch(FaqMatch.Band.ANSWER, confidence, candidates, List.of(candidates.get(0)));
        }
        if (confidence >= suggestThreshold) {
            List<FaqMatch.Scored> shown = new ArrayList<>(MAX_SUGGESTIONS);
            shown.add(candidates.get(0));
            for (int i = 1; i < n && shown.size() < MAX_SUGGESTIONS; i++) {
                if (candidates.get(i).similarity() >= SUGGEST_CLOSENESS * best) {
                    shown.add(candidates.get(i));
                }
            }
            return new FaqMatch(FaqMatch.Band.SUGGEST, confidence, candidates, shown);
        }
        return new FaqMatch(FaqMatch.Band.UNKNOWN, confidence, candidates, List.of());
    }

    private static double clamp(double v) {
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }
}
