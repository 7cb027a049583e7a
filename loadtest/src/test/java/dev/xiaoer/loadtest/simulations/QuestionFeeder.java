package dev.xiaoer.loadtest.simulations;

import dev.xiaoer.loadtest.questions.Ask;
import dev.xiaoer.loadtest.questions.QuestionMix;
import dev.xiaoer.loadtest.questions.ShopQuestions;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Gatling's feeder of buyer questions: an endless stream drawn from the question file the build writes from the
 * FAQ (a Zipf law over its questions and paraphrases, with a share made unique so that no cache holds them). Each
 * record puts {@code text}, {@code band}, {@code faqId} (empty when none is expected) and {@code neverSeen} in the
 * user's session.
 */
final class QuestionFeeder implements Iterator<Map<String, Object>> {

    /** Every band the bot itself may answer a never-seen question with. */
    static final Set<String> BOT_BANDS = Set.of("answer", "suggest", "unknown", "smalltalk");

    private final QuestionMix mix;

    private QuestionFeeder(QuestionMix mix) {
        this.mix = mix;
    }

    /** Zipf with exponent {@code -Dzipf} (default 1.0) and {@code -DneverSeen} of them unique (default 0.2). */
    static QuestionFeeder fromProperties() {
        double neverSeen = Knobs.share("neverSeen", 0.2);
        double zipf = Double.parseDouble(Knobs.text("zipf", "1.0"));
        return new QuestionFeeder(QuestionMix.zipf(ShopQuestions.load(), zipf, neverSeen));
    }

    /** Only questions the bot knows (no unique text), for simulations that count frames exactly. */
    static QuestionFeeder knownOnly() {
        return new QuestionFeeder(QuestionMix.zipf(ShopQuestions.load(), 1.0, 0));
    }

    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public Map<String, Object> next() {
        Ask ask = mix.next(ThreadLocalRandom.current());
        return Map.of(
                "text", ask.text(),
                "band", ask.neverSeen() ? "" : ask.expectedBand(),
                "faqId", ask.expectedFaqId() == null ? "" : ask.expectedFaqId(),
                "neverSeen", ask.neverSeen());
    }
}
