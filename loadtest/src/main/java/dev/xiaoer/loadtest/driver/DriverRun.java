package dev.xiaoer.loadtest.driver;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.xiaoer.loadtest.questions.Ask;
import dev.xiaoer.loadtest.questions.QuestionMix;
import dev.xiaoer.loadtest.questions.ShopQuestion;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * What every connection of one run shares: the options, the questions and their encodings, the tally, and whether
 * new messages may still be sent.
 */
final class DriverRun {

    final DriverOptions options;
    final Tally tally = new Tally();
    private final QuestionMix mix;
    private final Ask fixed;
    /** The JSON string literal (quotes included) of each known question, encoded once. */
    private final Map<String, byte[]> quoted = new ConcurrentHashMap<>();
    private volatile boolean sending = true;

    DriverRun(DriverOptions options, List<ShopQuestion> questions) {
        this.options = options;
        this.mix = switch (options.mix()) {
            case UNIQUE -> QuestionMix.unique(questions);
            case ZIPF, FIXED -> QuestionMix.zipf(questions, options.zipf(), options.neverSeen());
        };
        // The most asked question: every message is a cache hit, the cheapest path through the gateway.
        ShopQuestion top = mix.ranked().get(0);
        this.fixed = new Ask(top.text(), top);
    }

    Ask nextAsk(RandomGenerator random) {
        return options.mix() == DriverOptions.Mix.FIXED ? fixed : mix.next(random);
    }

    /** The question as a JSON string literal, quotes included. */
    byte[] quoted(Ask ask) {
        if (ask.neverSeen()) {
            return quote(ask.text());
        }
        return quoted.computeIfAbsent(ask.text(), DriverRun::quote);
    }

    private static byte[] quote(String text) {
        byte[] body = JsonStringEncoder.getInstance().quoteAsUTF8(text);
        byte[] out = new byte[body.length + 2];
        out[0] = '"';
        System.arraycopy(body, 0, out, 1, body.length);
        out[out.length - 1] = '"';
        return out;
    }

    boolean sending() {
        return sending;
    }

    void stopSending() {
        sending = false;
    }

    String describeMix() {
        return switch (options.mix()) {
            case FIXED -> "always \"" + fixed.text() + "\" (a cache hit)";
            case UNIQUE -> "every question never seen (no cache hit)";
            case ZIPF -> String.format("Zipf s=%.2f over %d FAQ phrasings, %.0f%% never seen", options.zipf(),
                    mix.ranked().size(), options.neverSeen() * 100);
        };
    }
}
