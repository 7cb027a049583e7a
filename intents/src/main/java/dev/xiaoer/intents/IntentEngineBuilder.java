package dev.xiaoer.intents;

import java.nio.file.Path;

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
        throw new UnsupportedOperationException("not built yet: the FAQ engine issue implements this");
    }
}
