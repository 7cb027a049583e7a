package dev.xiaoer.intents;

import java.util.List;
import java.util.Objects;

/**
 * What the bot decided to do with one buyer message; the closed set of outcomes of {@link IntentEngine#decide}.
 *
 * <p>Every case names its {@link #band()}, the word used on the wire, in the {@code ask} CLI and in metrics.
 */
public sealed interface Decision
        permits Decision.Answer, Decision.Suggest, Decision.Unknown, Decision.Handoff, Decision.Smalltalk {

    /** The band name: {@code answer}, {@code suggest}, {@code unknown}, {@code handoff} or {@code smalltalk}. */
    String band();

    /** One clear best FAQ entry; the bot replies with its answer. */
    record Answer(String faqId, String question, String answer, double confidence, List<Candidate> candidates)
            implements Decision {
        public Answer {
            Objects.requireNonNull(faqId, "faqId");
            Objects.requireNonNull(question, "question");
            Objects.requireNonNull(answer, "answer");
            candidates = List.copyOf(candidates);
        }

        @Override
        public String band() {
            return "answer";
        }
    }

    /** Two or three close candidates, offered to the buyer as "您是想问…". */
    record Suggest(double confidence, List<Candidate> candidates) implements Decision {
        public Suggest {
            candidates = List.copyOf(candidates);
            if (candidates.isEmpty()) {
                throw new IllegalArgumentException("a suggestion needs at least one candidate");
            }
        }

        @Override
        public String band() {
            return "suggest";
        }
    }

    /**
     * Nothing good enough: the bot admits it does not know. {@code offerHuman} is set when the conversation policy
     * decides it is time to offer a person (after N unknowns in a row).
     */
    record Unknown(double confidence, List<Candidate> candidates, boolean offerHuman) implements Decision {
        public Unknown {
            candidates = List.copyOf(candidates);
        }

        @Override
        public String band() {
            return "unknown";
        }
    }

    /** The chat goes to a human queue at once, for the reason given in {@code route}. */
    record Handoff(Route route) implements Decision {
        public Handoff {
            Objects.requireNonNull(route, "route");
        }

        @Override
        public String band() {
            return "handoff";
        }
    }

    /** Greetings, thanks, and "不用了" after a human was offered: the bot answers politely, nothing is searched. */
    record Smalltalk(Kind kind, String reply) implements Decision {
        /** Which kind of small talk. */
        public enum Kind { GREETING, THANKS, DECLINED_HUMAN }

        public Smalltalk {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(reply, "reply");
        }

        @Override
        public String band() {
            return "smalltalk";
        }
    }
}
