package dev.xiaoer.intents;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.xiaoer.intents.faq.ConfidenceBands;
import dev.xiaoer.intents.faq.FaqEntry;
import dev.xiaoer.intents.faq.FaqFile;
import dev.xiaoer.intents.faq.FaqIndex;
import dev.xiaoer.intents.faq.FaqMatch;
import dev.xiaoer.intents.faq.Synonyms;
import dev.xiaoer.intents.routing.Rule;
import dev.xiaoer.intents.routing.RuleHit;
import dev.xiaoer.intents.routing.RuleScan;
import dev.xiaoer.intents.routing.RoutingRules;
import dev.xiaoer.intents.routing.RulesFile;
import dev.xiaoer.intents.routing.Smalltalk;
import dev.xiaoer.intents.text.NormalizedText;
import dev.xiaoer.intents.text.TextNormalizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * The engine behind {@link IntentEngine}: rules, then small talk, then the FAQ, then the conversation policy.
 *
 * <p>What can change at run time — the FAQ with its index and decision cache, and the rules — sits in two
 * immutable snapshots behind volatile fields; a reload builds a new snapshot off to the side and swaps it in with
 * one write. The cache belongs to its FAQ snapshot, so a reload can never serve a decision of the old FAQ.
 */
final class ShopIntentEngine implements IntentEngine {

    private static final Logger LOG = LoggerFactory.getLogger(ShopIntentEngine.class);
    private static final String HUMAN_QUEUE = "human";

    /** One FAQ in force: its index and the cache of decisions made on it. */
    private record FaqSnapshot(FaqIndex index, Cache<String, Decision> cache) {
    }

    private final Path synonymsFile;
    private final ConfidenceBands bands;
    private final int unknownsBeforeOffer;
    private final long cacheSize;
    private volatile FaqSnapshot faq;
    private volatile RoutingRules rules;
    // Counted here, not by Caffeine: a reload replaces the cache, and the counts must outlive it.
    private final LongAdder cacheRequests = new LongAdder();
    private final LongAdder cacheMisses = new LongAdder();

    ShopIntentEngine(FaqIndex index, RoutingRules rules, Path synonymsFile, ConfidenceBands bands,
                     int unknownsBeforeOffer, long cacheSize) {
        this.synonymsFile = synonymsFile;
        this.bands = bands;
        this.unknownsBeforeOffer = unknownsBeforeOffer;
        this.cacheSize = cacheSize;
        this.faq = snapshot(index);
        this.rules = rules;
    }

    private FaqSnapshot snapshot(FaqIndex index) {
        Cache<String, Decision> cache = cacheSize == 0 ? null
                : Caffeine.newBuilder().maximumSize(cacheSize).build();
        return new FaqSnapshot(index, cache);
    }

    @Override
    public Turn decide(String message, DialogState state) {
        DialogState current = state == null ? DialogState.START : state;
        try {
            return decideOrThrow(message == null ? "" : message, current, true);
        } catch (RuntimeException | StackOverflowError e) {
            // A bug must cost one buyer one "I don't know", never the conversation.
            LOG.error("deciding on a message failed; answering unknown", e);
            return new Turn(new Decision.Unknown(0, List.of(), false), List.of(), current);
        }
    }

    @Override
    public Optional<Turn> quickDecision(String message, DialogState state) {
        try {
            return Optional.ofNullable(decideOrThrow(message == null ? "" : message,
                    state == null ? DialogState.START : state, false));
        } catch (RuntimeException | StackOverflowError e) {
            LOG.error("deciding on a message failed; leaving it to decide()", e);
            return Optional.empty();
        }
    }

    /** The turn; with {@code search} false, null when the FAQ would have to be searched. */
    private Turn decideOrThrow(String message, DialogState state, boolean search) {
        RoutingRules rules = this.rules;
        NormalizedText scanned = TextNormalizer.forScan(message);
        RuleScan scan = rules.scan(scanned);
        List<Flag> flags = flags(scan);
        if (scan.route().isPresent()) {
            RuleHit hit = scan.route().get();
            Route route = new Route(hit.rule().id(), hit.rule().name(), hit.rule().priority(), hit.trigger(),
                    hit.offset(), Route.Reason.KEYWORD);
            return new Turn(new Decision.Handoff(route), flags, DialogState.START);
        }
        Set<Smalltalk.Category> talk = rules.smalltalk().classify(scanned.text());
        if (talk != null) {
            Turn turn = smalltalk(talk, rules, scanned, state, flags);
            if (turn != null) {
                return turn;
            }
        }
        String question = TextNormalizer.forSearch(message).text();
        Decision decision = search ? faqDecision(question) : cachedFaqDecision(question);
        if (decision == null) {
            return null;
        }
        if (decision instanceof Decision.Unknown unknown) {
            int inARow = state.consecutiveUnknowns() + 1;
            boolean offer = unknownsBeforeOffer > 0 && inARow >= unknownsBeforeOffer && !state.humanOffered();
            DialogState next = new DialogState(offer ? 0 : inARow, state.humanOffered() || offer);
            Decision.Unknown result = offer
                    ? new Decision.Unknown(unknown.confidence(), unknown.candidates(), true) : unknown;
            return new Turn(result, flags, next);
        }
        return new Turn(decision, flags, DialogState.START);
    }

    private Turn smalltalk(Set<Smalltalk.Category> talk, RoutingRules rules, NormalizedText scanned,
                           DialogState state, List<Flag> flags) {
        Smalltalk st = rules.smalltalk();
        if (state.humanOffered()) {
            if (talk.contains(Smalltalk.Category.DECLINE_HUMAN)) {
                return new Turn(new Decision.Smalltalk(Decision.Smalltalk.Kind.DECLINED_HUMAN,
                        st.reply(Smalltalk.Category.DECLINE_HUMAN)), flags, DialogState.START);
            }
            if (talk.contains(Smalltalk.Category.ACCEPT_HUMAN)) {
                Rule queue = humanQueue(rules);
                Route route = new Route(queue.id(), queue.name(), queue.priority(), scanned.text(), -1,
                        Route.Reason.ACCEPTED_OFFER);
                return new Turn(new Decision.Handoff(route), flags, DialogState.START);
            }
        }
        // Small talk neither counts as an unknown nor resets the count; an open offer lapses.
        DialogState next = new DialogState(state.consecutiveUnknowns(), false);
        if (talk.contains(Smalltalk.Category.THANKS)) {
            return new Turn(new Decision.Smalltalk(Decision.Smalltalk.Kind.THANKS,
                    st.reply(Smalltalk.Category.THANKS)), flags, next);
        }
        if (talk.contains(Smalltalk.Category.GREETING) || talk.isEmpty()) {
            return new Turn(new Decision.Smalltalk(Decision.Smalltalk.Kind.GREETING,
                    st.reply(Smalltalk.Category.GREETING)), flags, next);
        }
        if (talk.contains(Smalltalk.Category.ACKNOWLEDGEMENT) || talk.contains(Smalltalk.Category.DECLINE_HUMAN)
                || talk.contains(Smalltalk.Category.ACCEPT_HUMAN)) {
            return new Turn(new Decision.Smalltalk(Decision.Smalltalk.Kind.THANKS,
                    st.reply(Smalltalk.Category.ACKNOWLEDGEMENT)), flags, next);
        }
        return null;
    }

    /** The queue an accepted offer goes to: {@code human} if the rules have it, else the lowest priority. */
    private static Rule humanQueue(RoutingRules rules) {
        Rule lowest = null;
        for (Rule r : rules.rules()) {
            if (r.kind() != Rule.Kind.QUEUE) {
                continue;
            }
            if (r.id().equals(HUMAN_QUEUE)) {
                return r;
            }
            if (lowest == null || r.priority() < lowest.priority()) {
                lowest = r;
            }
        }
        return lowest;
    }

    private static List<Flag> flags(RuleScan scan) {
        if (scan.flags().isEmpty()) {
            return List.of();
        }
        List<Flag> flags = new ArrayList<>(scan.flags().size());
        for (RuleHit hit : scan.flags()) {
            flags.add(new Flag(hit.rule().id(), hit.rule().name(), hit.trigger(), hit.offset()));
        }
        return flags;
    }

    /** The FAQ's decision on a normalised question if it needs no search (empty or cached), else null. */
    private Decision cachedFaqDecision(String normalised) {
        if (normalised.isEmpty()) {
            return new Decision.Unknown(0, List.of(), false);
        }
        Cache<String, Decision> cache = faq.cache();
        Decision cached = cache == null ? null : cache.getIfPresent(normalised);
        if (cached != null) {
            // A miss here is not counted: the caller goes on to decide(), which counts it.
            cacheRequests.increment();
        }
        return cached;
    }

    /** The FAQ's decision on a normalised question, from the cache of the FAQ in force when possible. */
    Decision faqDecision(String normalised) {
        FaqSnapshot snapshot = faq;
        if (normalised.isEmpty()) {
            return new Decision.Unknown(0, List.of(), false);
        }
        cacheRequests.increment();
        if (snapshot.cache() == null) {
            cacheMisses.increment();
            return toDecision(bands.decide(snapshot.index().rank(normalised, ConfidenceBands.MAX_CANDIDATES)));
        }
        return snapshot.cache().get(normalised, q -> {
            cacheMisses.increment();
            return toDecision(bands.decide(snapshot.index().rank(q, ConfidenceBands.MAX_CANDIDATES)));
        });
    }

    private static Decision toDecision(FaqMatch match) {
        switch (match.band()) {
            case ANSWER: {
                FaqEntry best = match.shown().get(0).entry();
                return new Decision.Answer(best.id(), best.question(), best.answer(), match.confidence(),
                        candidates(match.candidates()));
            }
            case SUGGEST:
                return new Decision.Suggest(match.confidence(), candidates(match.shown()));
            default:
                return new Decision.Unknown(match.confidence(), candidates(match.candidates()), false);
        }
    }

    private static List<Candidate> candidates(List<FaqMatch.Scored> scored) {
        List<Candidate> list = new ArrayList<>(scored.size());
        for (FaqMatch.Scored s : scored) {
            list.add(new Candidate(s.entry().id(), s.entry().question(), s.confidence()));
        }
        return list;
    }

    @Override
    public Optional<Decision.Answer> answer(String faqId) {
        return faq.index().entry(faqId)
                .map(e -> new Decision.Answer(e.id(), e.question(), e.answer(), 1.0, List.of()));
    }

    @Override
    public List<Candidate> hotQuestions(int max) {
        List<Candidate> hot = new ArrayList<>();
        if (max <= 0) {
            return hot;
        }
        List<FaqEntry> entries = faq.index().entries();
        for (FaqEntry e : entries) {
            if (hot.size() < max && e.tags().contains("hot")) {
                hot.add(new Candidate(e.id(), e.question(), 1.0));
            }
        }
        for (FaqEntry e : entries) {
            if (hot.size() < max && !e.tags().contains("hot")) {
                hot.add(new Candidate(e.id(), e.question(), 1.0));
            }
        }
        return List.copyOf(hot);
    }

    @Override
    public int faqSize() {
        return faq.index().size();
    }

    @Override
    public CacheStats cacheStats() {
        // Misses first: a request is counted before its miss, so reading in this order never sees hits < 0.
        long misses = cacheMisses.sum();
        long requests = Math.max(cacheRequests.sum(), misses);
        Cache<String, Decision> cache = faq.cache();
        return new CacheStats(requests, requests - misses, cache == null ? 0 : cache.estimatedSize());
    }

    @Override
    public synchronized void reloadFaq(Path faqFile) throws IntentFileException {
        List<FaqEntry> entries = FaqFile.read(faqFile);
        Synonyms synonyms = synonymsFile == null ? faq.index().synonyms() : Synonyms.read(synonymsFile);
        FaqIndex index = FaqIndex.build(entries, synonyms);
        faq = snapshot(index);
        LOG.info("FAQ reloaded from {}: {} entries, {} phrasings", faqFile, index.size(), index.phrasings());
    }

    @Override
    public synchronized void reloadRules(Path rulesFile) throws IntentFileException {
        RoutingRules loaded = RulesFile.read(rulesFile);
        rules = loaded;
        LOG.info("routing rules reloaded from {}: {} rules", rulesFile, loaded.rules().size());
    }
}
