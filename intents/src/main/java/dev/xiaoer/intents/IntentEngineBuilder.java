package dev.xiaoer.intents;

import dev.xiaoer.intents.faq.ConfidenceBands;
import dev.xiaoer.intents.faq.FaqEntry;
import dev.xiaoer.intents.faq.FaqFile;
import dev.xiaoer.intents.faq.FaqIndex;
import dev.xiaoer.intents.faq.Synonyms;
import dev.xiaoer.intents.routing.RoutingRules;
import dev.xiaoer.intents.routing.RulesFile;

import java.nio.file.Path;
import java.util.List;

/**
 * Assembles an {@link IntentEngine}. Every file is optional: without one, the embedded default (sample shop FAQ,
 * default synonyms, default rules) is used. Arguments are validated in {@link #build()}.
 */
public final class IntentEngineBuilder {

    Path faqFile;
    Path synonymsFile;
    Path rulesFile;
    double answerThreshold = Double.NaN;
    double suggestThreshold = Double.NaN;
    int unknownsBeforeOffer = 2;
    long cacheSize = 50_000;

    IntentEngineBuilder() {
    }

    /** The FAQ file (JSON Lines or CSV); null for the embedded sample FAQ. */
    public IntentEngineBuilder faq(Path file) {
        this.faqFile = file;
        return this;
    }

    /** The synonyms file; null for the shipped default list. */
    public IntentEngineBuilder synonyms(Path file) {
        this.synonymsFile = file;
        return this;
    }

    /** The routing rules file (YAML); null for the shipped default rules. */
    public IntentEngineBuilder rules(Path file) {
        this.rulesFile = file;
        return this;
    }

    /** Confidence at or above which the best entry is answered outright; NaN for the measured default. */
    public IntentEngineBuilder answerThreshold(double confidence) {
        this.answerThreshold = confidence;
        return this;
    }

    /** Confidence at or above which close candidates are suggested; NaN for the measured default. */
    public IntentEngineBuilder suggestThreshold(double confidence) {
        this.suggestThreshold = confidence;
        return this;
    }

    /** How many unknowns in a row before the bot offers a human (default 2; 0 never offers). */
    public IntentEngineBuilder unknownsBeforeOffer(int count) {
        this.unknownsBeforeOffer = count;
        return this;
    }

    /** Maximum number of normalised questions whose decisions are cached (default 50,000; 0 disables the cache). */
    public IntentEngineBuilder cacheSize(long entries) {
        this.cacheSize = entries;
        return this;
    }

    /**
     * Loads the files and builds the engine.
     *
     * @throws IntentFileException if a file is invalid, naming the file, line and field
     * @throws IllegalArgumentException if a threshold or count is out of range
     */
    public IntentEngine build() throws IntentFileException {
        double answer = Double.isNaN(answerThreshold) ? ConfidenceBands.DEFAULT_ANSWER : answerThreshold;
        double suggest = Double.isNaN(suggestThreshold)
                ? Math.min(ConfidenceBands.DEFAULT_SUGGEST, answer) : suggestThreshold;
        if (!(answer >= 0 && answer <= 1)) {
            throw new IllegalArgumentException("answerThreshold must be in [0, 1], was " + answerThreshold);
        }
        if (!(suggest >= 0 && suggest <= answer)) {
            throw new IllegalArgumentException("suggestThreshold must be in [0, answerThreshold = " + answer
                    + "], was " + suggestThreshold);
        }
        if (unknownsBeforeOffer < 0) {
            throw new IllegalArgumentException("unknownsBeforeOffer must be >= 0 (0 never offers), was "
                    + unknownsBeforeOffer);
        }
        if (cacheSize < 0) {
            throw new IllegalArgumentException("cacheSize must be >= 0 (0 disables the cache), was " + cacheSize);
        }
        List<FaqEntry> entries = faqFile == null ? FaqFile.embedded() : FaqFile.read(faqFile);
        Synonyms synonyms = synonymsFile == null ? Synonyms.embedded() : Synonyms.read(synonymsFile);
        RoutingRules rules = rulesFile == null ? RulesFile.embedded() : RulesFile.read(rulesFile);
        return new ShopIntentEngine(FaqIndex.build(entries, synonyms), rules, synonymsFile,
                new ConfidenceBands(answer, suggest), unknownsBeforeOffer, cacheSize);
    }
}
