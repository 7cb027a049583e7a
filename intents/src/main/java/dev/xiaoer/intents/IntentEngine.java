package dev.xiaoer.intents;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The bot's brain: keyword rules first, then the FAQ, then the conversation policy. Text in, {@link Turn} out.
 *
 * <p>Thread-safe: {@link #decide} may be called from many threads at once, also while a reload runs; a reload
 * swaps in a new immutable index atomically, and queries in flight finish on the old one. {@code decide} never
 * throws on any input text (empty, huge, binary garbage) and never touches the disk.
 */
public interface IntentEngine {

    /** A builder for an engine; with no files set it uses the embedded FAQ, synonyms and rules. */
    static IntentEngineBuilder builder() {
        return new IntentEngineBuilder();
    }

    /** Decides what to do with one buyer message, given what was remembered of the conversation. */
    Turn decide(String message, DialogState state);

    /**
     * The same turn as {@link #decide}, but only when it needs no FAQ search: a rule fired, the message is small
     * talk, or the FAQ's decision on it is cached. Cheap enough for an event loop (no tokenising, no scoring);
     * when empty, call {@link #decide} on a worker thread. Never throws.
     */
    default Optional<Turn> quickDecision(String message, DialogState state) {
        return Optional.empty();
    }

    /** The answer of one FAQ entry by id, for a buyer who clicked a suggestion; empty if there is no such entry. */
    Optional<Decision.Answer> answer(String faqId);

    /** Up to {@code max} questions to show as buttons in the widget's greeting (entries tagged {@code hot} first). */
    List<Candidate> hotQuestions(int max);

    /** The number of FAQ entries in force. */
    int faqSize();

    /**
     * How the decision cache has served so far, for metrics: cheap, thread-safe, never throws. An engine without a
     * cache reports {@link CacheStats#NONE}.
     */
    default CacheStats cacheStats() {
        return CacheStats.NONE;
    }

    /**
     * Loads a new FAQ file (and the synonyms in force) and swaps it in.
     *
     * @throws IntentFileException naming the file, line and field if the file is invalid; the old FAQ stays
     */
    void reloadFaq(Path faqFile) throws IntentFileException;

    /**
     * Loads a new rules file and swaps it in.
     *
     * @throws IntentFileException naming the file, line and the fix if the file is invalid; the old rules stay
     */
    void reloadRules(Path rulesFile) throws IntentFileException;
}
