package dev.xiaoer.intents.routing;

import dev.xiaoer.intents.text.NormalizedText;
import dev.xiaoer.intents.text.TextNormalizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Compiled routing rules: every trigger and exception of every rule, normalised, in one {@link TriggerMatcher}.
 * A message is normalised for scanning ({@link TextNormalizer#forScan}: at most {@value TextNormalizer#SCAN_CAP}
 * characters) and scanned once.
 *
 * <p>A trigger occurrence counts unless an exception of the same rule overlaps it (人工费 silences 人工 there,
 * 工商银行 silences 找工商 in 找工商银行), or it is a run of letters or digits glued to more letters or digits
 * (315 inside an order number or a model like a315, sb inside usb). When triggers of several queues fire, the
 * highest priority wins; among triggers of that queue, the first in the message is reported. Immutable and
 * thread-safe.
 */
public final class RoutingRules {

    private final List<Rule> rules;
    private final Smalltalk smalltalk;
    private final TriggerMatcher matcher;
    /** Per pattern: the rule's index, whether it is an exception, and the word as written in the file. */
    private final int[] patternRule;
    private final boolean[] patternIsException;
    private final String[] patternWord;
    private final String source;

    RoutingRules(String source, List<Rule> rules, Smalltalk smalltalk, List<String> patterns, int[] patternRule,
                 boolean[] patternIsException, String[] patternWord) {
        this.source = source;
        this.rules = List.copyOf(rules);
        this.smalltalk = smalltalk;
        this.matcher = new TriggerMatcher(patterns);
        this.patternRule = patternRule;
        this.patternIsException = patternIsException;
        this.patternWord = patternWord;
    }

    /** Where these rules came from. */
    public String source() {
        return source;
    }

    /** The rules, queues first then flags, in file order. */
    public List<Rule> rules() {
        return rules;
    }

    /** The small-talk phrases and replies of this rules file. */
    public Smalltalk smalltalk() {
        return smalltalk;
    }

    /** Scans a buyer message as typed. */
    public RuleScan scan(String message) {
        return scan(TextNormalizer.forScan(message));
    }

    /** Scans a message already normalised with {@link TextNormalizer#forScan}. */
    public RuleScan scan(NormalizedText message) {
        String text = message.text();
        if (text.isEmpty()) {
            return RuleScan.NONE;
        }
        Collector collector = new Collector();
        matcher.scan(text, text.length(), collector);
        if (collector.count == 0) {
            return RuleScan.NONE;
        }
        RuleHit route = null;
        List<RuleHit> flags = List.of();
        boolean[] flagged = null;
        for (int i = 0; i < collector.count; i++) {
            int p = collector.patterns[i];
            if (patternIsException[p]) {
                continue;
            }
            int start = collector.starts[i];
            int end = collector.ends[i];
            if (gluedToNumberOrWord(text, start, end) || silenced(collector, p, start, end)) {
                continue;
            }
            Rule rule = rules.get(patternRule[p]);
            RuleHit hit = new RuleHit(rule, patternWord[p], message.originalOffset(start));
            if (rule.kind() == Rule.Kind.QUEUE) {
                if (route == null || rule.priority() > route.rule().priority()
                        || (rule.priority() == route.rule().priority() && hit.offset() < route.offset())) {
                    route = hit;
                }
            } else {
                if (flagged == null) {
                    flagged = new boolean[rules.size()];
                    flags = new ArrayList<>(2);
                }
                if (!flagged[patternRule[p]]) {
                    flagged[patternRule[p]] = true;
                    flags.add(hit);
                }
            }
        }
        if (route == null && flags.isEmpty()) {
            return RuleScan.NONE;
        }
        return new RuleScan(Optional.ofNullable(route), flags);
    }

    private boolean silenced(Collector c, int pattern, int start, int end) {
        int rule = patternRule[pattern];
        for (int i = 0; i < c.count; i++) {
            int q = c.patterns[i];
            if (patternIsException[q] && patternRule[q] == rule && c.starts[i] < end && c.ends[i] > start) {
                return true;
            }
        }
        return false;
    }

    /** True when a trigger starting or ending in a letter or digit continues a longer word or number. */
    private static boolean gluedToNumberOrWord(String text, int start, int end) {
        char first = text.charAt(start);
        char last = text.charAt(end - 1);
        if (isAsciiWord(first) && start > 0 && continues(text, start - 1, first, -1)) {
            return true;
        }
        return isAsciiWord(last) && end < text.length() && continues(text, end, last, +1);
    }

    private static boolean continues(String text, int at, char edge, int direction) {
        char c = text.charAt(at);
        if (isDigit(edge) && (c == '.' || c == ',')) {
            // 3,150 and 12.315: a digit beyond the separator continues the number.
            int beyond = at + direction;
            return beyond >= 0 && beyond < text.length() && isDigit(text.charAt(beyond));
        }
        return isAsciiWord(c);
    }

    private static boolean isAsciiWord(char c) {
        return (c >= 'a' && c <= 'z') || isDigit(c);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Gathers raw matches in arrays; a message has few. */
    private static final class Collector implements TriggerMatcher.Sink {
        int[] patterns = new int[8];
        int[] starts = new int[8];
        int[] ends = new int[8];
        int count;

        @Override
        public void match(int pattern, int start, int end) {
            if (count == patterns.length) {
                patterns = java.util.Arrays.copyOf(patterns, count * 2);
                starts = java.util.Arrays.copyOf(starts, count * 2);
                ends = java.util.Arrays.copyOf(ends, count * 2);
            }
            patterns[count] = pattern;
            starts[count] = start;
            ends[count] = end;
            count++;
        }
    }
}
