package dev.xiaoer.gateway.admin;

import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.EventBody;
import dev.xiaoer.gateway.store.ConversationStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The figures of one day, in the business hours' time zone, read from the stored events: how many buyers chatted,
 * how many the bot handled alone, handoffs by queue, how fast buyers got a first answer from the bot and from
 * people (median and 90th percentile), ratings, flags, and chats by hour for a chart.
 *
 * <p>A chat belongs to the day its buyer first wrote. To tell that, and to see a handoff or an agent's first reply
 * that came after midnight, the events of the day before and the day after are read too (up to now): a chat that
 * began more than a day before its first message of the day is counted on that day.
 */
public final class DailySummary {

    private static final Set<String> TYPES = Set.of("buyer_message", "bot_reply", "handoff", "agent_joined",
            "agent_message", "rating", "flag");

    private final ConversationStore store;
    private final Clock clock;
    private final ZoneId zone;

    public DailySummary(ConversationStore store, Clock clock, ZoneId zone) {
        this.store = store;
        this.clock = clock;
        this.zone = zone;
    }

    /** Today, in the business hours' time zone. */
    public LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), zone);
    }

    /** The summary of {@code date}. Reads the store: never on an event loop. */
    public Day of(LocalDate date) {
        Instant start = date.atStartOfDay(zone).toInstant();
        Instant end = date.plusDays(1).atStartOfDay(zone).toInstant();
        Instant now = clock.instant();
        Instant readFrom = date.minusDays(1).atStartOfDay(zone).toInstant();
        Instant readTo = date.plusDays(2).atStartOfDay(zone).toInstant();
        if (readTo.isAfter(now)) {
            readTo = now.isAfter(readFrom) ? now.plusMillis(1) : readFrom;
        }
        Map<String, Chat> chats = new HashMap<>();
        Tally day = new Tally();
        store.forEachEventBetween(readFrom, readTo, TYPES, e -> {
            Chat c = chats.computeIfAbsent(e.conversationId(), id -> new Chat());
            c.see(e);
            if (!e.at().isBefore(start) && e.at().isBefore(end)) {
                day.see(e);
            }
        });

        int total = 0;
        int botAlone = 0;
        int handedOff = 0;
        int withPeople = 0;
        int[] byHour = new int[24];
        List<Long> bot = new ArrayList<>();
        List<Long> human = new ArrayList<>();
        int waitingForPeople = 0;
        for (Chat c : chats.values()) {
            if (c.firstBuyer != null && !c.firstBuyer.isBefore(start) && c.firstBuyer.isBefore(end)) {
                total++;
                byHour[c.firstBuyer.atZone(zone).getHour()]++;
                if (c.firstHandoff == null) {
                    botAlone++;
                } else {
                    handedOff++;
                }
                if (c.joined) {
                    withPeople++;
                }
                if (c.firstAnswer != null) {
                    bot.add(Duration.between(c.firstBuyer, c.firstAnswer).toMillis());
                }
            }
            if (c.firstHandoff != null && !c.firstHandoff.isBefore(start) && c.firstHandoff.isBefore(end)) {
                if (c.firstAgentMessage != null) {
                    human.add(Duration.between(c.firstHandoff, c.firstAgentMessage).toMillis());
                } else {
                    waitingForPeople++;
                }
            }
        }
        double percent = total == 0 ? 0 : Math.round(botAlone * 1000.0 / total) / 10.0;
        return new Day(date, zone.getId(), total, botAlone, percent, handedOff, withPeople, day.handoffs,
                day.transfers, new FirstResponses(Times.of(bot), Times.of(human), waitingForPeople),
                Ratings.of(day.scores), day.flags, day.unknownAnswers, byHour);
    }

    /** What one conversation's events (over the read window) say, for the per-chat figures. */
    private static final class Chat {
        Instant firstBuyer;
        Instant firstAnswer;
        Instant firstHandoff;
        Instant firstAgentMessage;
        boolean joined;

        void see(ConversationEvent e) {
            EventBody b = e.body();
            if (b instanceof EventBody.BuyerSaid) {
                if (firstBuyer == null) {
                    firstBuyer = e.at();
                }
            } else if (b instanceof EventBody.BotReplied) {
                if (firstBuyer != null && firstAnswer == null) {
                    firstAnswer = e.at();
                }
            } else if (b instanceof EventBody.HandedOff h) {
                if (firstBuyer != null && firstAnswer == null) {
                    firstAnswer = e.at(); // a first message that asked for people is answered by the line
                }
                if (firstHandoff == null && !"transfer".equals(h.reason())) {
                    firstHandoff = e.at();
                }
            } else if (b instanceof EventBody.AgentJoined) {
                joined = true;
            } else if (b instanceof EventBody.AgentSaid) {
                if (firstHandoff != null && firstAgentMessage == null) {
                    firstAgentMessage = e.at();
                }
            }
        }
    }

    /** What happened within the day itself, whatever day the chat began. */
    private static final class Tally {
        final Map<String, Integer> handoffs = new TreeMap<>();
        final Map<String, Integer> flags = new TreeMap<>();
        final List<Integer> scores = new ArrayList<>();
        int transfers;
        int unknownAnswers;

        void see(ConversationEvent e) {
            EventBody b = e.body();
            if (b instanceof EventBody.HandedOff h) {
                if ("transfer".equals(h.reason())) {
                    transfers++;
                } else {
                    handoffs.merge(h.queue(), 1, Integer::sum);
                }
            } else if (b instanceof EventBody.Rated r) {
                scores.add(r.score());
            } else if (b instanceof EventBody.Flagged f) {
                flags.merge(f.rule(), 1, Integer::sum);
            } else if (b instanceof EventBody.BotReplied r && "unknown".equals(r.band())) {
                unknownAnswers++;
            }
        }
    }

    /**
     * One day: {@code chats} (buyers who first wrote that day), of which {@code botResolved} never went to people
     * ({@code botResolvedPercent}, one decimal), {@code handedOff} did and {@code withPeople} were taken by a person;
     * handoffs that day by queue (transfers between lines apart); first responses; ratings and flags given that day
     * by rule; the bot's unknown answers that day; and chats by the hour they began (0–23, local time).
     */
    public record Day(LocalDate date, String timeZone, int chats, int botResolved, double botResolvedPercent,
                      int handedOff, int withPeople, Map<String, Integer> handoffsByQueue, int transfers,
                      FirstResponses firstResponse, Ratings ratings, Map<String, Integer> flagsByRule,
                      int unknownAnswers, int[] chatsByHour) {
        public Day {
            handoffsByQueue = Collections.unmodifiableMap(new TreeMap<>(handoffsByQueue));
            flagsByRule = Collections.unmodifiableMap(new TreeMap<>(flagsByRule));
            chatsByHour = chatsByHour.clone();
        }

        @Override
        public int[] chatsByHour() {
            return chatsByHour.clone();
        }
    }

    /**
     * How fast buyers got a first answer. {@code bot}: from a chat's first buyer message to the first bot reply (or
     * the handoff that answered it) — stored with the same timestamp when the bot decided at once, so this is close
     * to zero; the live latency is in /metrics. {@code human}: from the chat's first handoff that day to the first
     * agent message; {@code stillWaiting} handoffs of the day no person has answered yet.
     */
    public record FirstResponses(Times bot, Times human, int stillWaiting) {
    }

    /** Durations in milliseconds: how many, the median and the 90th percentile (nearest rank; null when none). */
    public record Times(int count, Long medianMillis, Long p90Millis) {
        static Times of(List<Long> millis) {
            if (millis.isEmpty()) {
                return new Times(0, null, null);
            }
            List<Long> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            return new Times(sorted.size(), rank(sorted, 0.5), rank(sorted, 0.9));
        }

        private static long rank(List<Long> sorted, double q) {
            int i = (int) Math.ceil(q * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
        }
    }

    /** Ratings given: how many, their average (two decimals; null when none), and how many of each score 1–5. */
    public record Ratings(int count, Double average, Map<Integer, Integer> distribution) {
        public Ratings {
            distribution = Collections.unmodifiableMap(new TreeMap<>(distribution));
        }

        static Ratings of(List<Integer> scores) {
            Map<Integer, Integer> d = new TreeMap<>();
            for (int s = 1; s <= 5; s++) {
                d.put(s, 0);
            }
            long sum = 0;
            for (int s : scores) {
                d.merge(s, 1, Integer::sum);
                sum += s;
            }
            Double average = scores.isEmpty() ? null : Math.round(sum * 100.0 / scores.size()) / 100.0;
            return new Ratings(scores.size(), average, d);
        }
    }
}
