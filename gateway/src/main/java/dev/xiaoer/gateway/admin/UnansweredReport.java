package dev.xiaoer.gateway.admin;

import dev.xiaoer.gateway.store.ConversationStore;
import dev.xiaoer.gateway.store.UnansweredQuestion;
import dev.xiaoer.intents.Decision;
import dev.xiaoer.intents.DialogState;
import dev.xiaoer.intents.IntentEngine;
import dev.xiaoer.intents.text.TextNormalizer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What buyers asked that the bot could not answer (its reply had the band {@code unknown}): the questions grouped by
 * their normalised text (the intents normaliser, so 发货了吗？ and 发货了吗, or full- and half-width, are one
 * question), counted, with a few of the buyers' own wordings, most asked first — the shop's list of what to add to
 * the FAQ next. Each group also says what the bot answers now, so questions already covered by a new entry show.
 *
 * <p>{@code suggest} replies are left out on purpose: there the FAQ had the answer and offered it; what the shop
 * adds for those is another wording of an existing entry, not a new one.
 */
public final class UnansweredReport {

    /** Newest questions read at most per report: a bound on memory and time whatever the window. */
    static final int MAX_QUESTIONS = 20_000;
    static final int MAX_EXAMPLES = 3;
    /** Groups reported at most. */
    public static final int MAX_GROUPS = 200;

    private final ConversationStore store;
    private final IntentEngine engine;

    public UnansweredReport(ConversationStore store, IntentEngine engine) {
        this.store = store;
        this.engine = engine;
    }

    /** The top {@code limit} questions asked in {@code [from, to)}. Reads the store: never on an event loop. */
    public Result top(Instant from, Instant to, int limit) {
        if (limit < 1 || limit > MAX_GROUPS) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_GROUPS + ", was " + limit);
        }
        List<UnansweredQuestion> asked = store.unansweredQuestions(from, to, MAX_QUESTIONS);
        Map<String, Group> groups = new LinkedHashMap<>();
        for (UnansweredQuestion q : asked) { // newest first
            String key = TextNormalizer.forSearch(q.text()).text();
            if (key.isBlank()) {
                continue; // only emoji or punctuation: nothing the FAQ could answer
            }
            groups.computeIfAbsent(key, Group::new).add(q);
        }
        List<Group> sorted = new ArrayList<>(groups.values());
        sorted.sort(Comparator.comparingInt((Group g) -> -g.conversations.size())
                .thenComparingInt(g -> -g.count)
                .thenComparing((Group g) -> g.lastAskedAt, Comparator.reverseOrder()));
        List<Question> out = new ArrayList<>(Math.min(limit, sorted.size()));
        for (Group g : sorted.subList(0, Math.min(limit, sorted.size()))) {
            Decision now = engine.decide(g.examples.get(0), DialogState.START).decision();
            out.add(new Question(g.examples.get(0), g.key, g.count, g.conversations.size(), g.lastAskedAt,
                    List.copyOf(g.examples), now.band(), now instanceof Decision.Answer a ? a.faqId() : null));
        }
        return new Result(from, to, asked.size(), asked.size() >= MAX_QUESTIONS, groups.size(), out);
    }

    /** One normalised question and what is known of it; examples newest first, distinct. */
    private static final class Group {
        final String key;
        final List<String> examples = new ArrayList<>(MAX_EXAMPLES);
        final Set<String> conversations = new HashSet<>();
        int count;
        Instant lastAskedAt;

        Group(String key) {
            this.key = key;
        }

        void add(UnansweredQuestion q) {
            count++;
            conversations.add(q.conversationId());
            if (lastAskedAt == null || q.askedAt().isAfter(lastAskedAt)) {
                lastAskedAt = q.askedAt();
            }
            String text = q.text().strip();
            if (examples.size() < MAX_EXAMPLES && !examples.contains(text)) {
                examples.add(text);
            }
        }
    }

    /**
     * The report: the window, how many unanswered questions were read ({@code truncated} when the window held more
     * than {@value #MAX_QUESTIONS}, of which the newest were read), how many distinct questions, and the top ones.
     */
    public record Result(Instant from, Instant to, int questionsRead, boolean truncated, int distinct,
                         List<Question> questions) {
        public Result {
            questions = List.copyOf(questions);
        }
    }

    /**
     * One question: {@code text} is the latest wording (to prefill a new FAQ entry), {@code normalized} the form it
     * was grouped by; asked {@code count} times in {@code conversations} conversations; {@code nowBand} and
     * {@code nowFaqId} are what the bot answers to it now ({@code answer} once an entry covers it).
     */
    public record Question(String text, String normalized, int count, int conversations, Instant lastAskedAt,
                           List<String> examples, String nowBand, String nowFaqId) {
        public Question {
            examples = List.copyOf(examples);
        }
    }
}
