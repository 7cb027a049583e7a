package dev.xiaoer.gateway.config;

import dev.xiaoer.gateway.agent.Agent;

import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The gateway's whole configuration, loaded and validated once at start ({@link #load(Path)}) and immutable after.
 *
 * <p>Each YAML section is one nested record read by one method of the loader, so a later issue adds its section
 * (agents, admin, widget) as one more component without touching the others.
 */
public record GatewayConfig(String source, Server server, Path dataDir, Intents intents, List<String> allowedOrigins,
                            Limits limits, Chat chat, Hours businessHours, Map<String, Texts> texts, Queues queues,
                            Retention retention, List<Agent> agents, List<String> quickReplies, Sla sla,
                            Console console, Admin admin, Metrics metrics) {

    /** The language used for system texts when a client names none. */
    public static final String DEFAULT_LANG = "zh";

    public GatewayConfig {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(intents, "intents");
        allowedOrigins = List.copyOf(allowedOrigins);
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(chat, "chat");
        Objects.requireNonNull(businessHours, "businessHours");
        texts = Map.copyOf(texts);
        if (!texts.containsKey(DEFAULT_LANG)) {
            throw new IllegalArgumentException("texts must include " + DEFAULT_LANG);
        }
        Objects.requireNonNull(queues, "queues");
        Objects.requireNonNull(retention, "retention");
        agents = List.copyOf(agents);
        quickReplies = List.copyOf(quickReplies);
        Objects.requireNonNull(sla, "sla");
        Objects.requireNonNull(console, "console");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * Loads the embedded defaults, overlaid with {@code file} when not null, and validates the result.
     *
     * @throws ConfigException naming the file, line, key and the fix
     */
    public static GatewayConfig load(Path file) throws ConfigException {
        return ConfigLoader.load(file);
    }

    /** The embedded defaults alone. */
    public static GatewayConfig defaults() {
        try {
            return ConfigLoader.load(null);
        } catch (ConfigException e) {
            throw new IllegalStateException("the embedded default configuration is invalid: " + e.getMessage(), e);
        }
    }

    /** This configuration listening on another port ({@code --port}). */
    public GatewayConfig withPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        return new GatewayConfig(source, new Server(server.host(), port, server.trustProxy(), server.tls(),
                server.shutdownGraceSeconds()), dataDir, intents, allowedOrigins, limits, chat, businessHours, texts,
                queues, retention, agents, quickReplies, sla, console, admin, metrics);
    }

    /** This configuration storing under another folder ({@code --data}). */
    public GatewayConfig withDataDir(Path dir) {
        return new GatewayConfig(source, server, dir, intents, allowedOrigins, limits, chat, businessHours, texts,
                queues, retention, agents, quickReplies, sla, console, admin, metrics);
    }

    /** This configuration with other limits (tests and embedders). */
    public GatewayConfig withLimits(Limits newLimits) {
        return new GatewayConfig(source, server, dataDir, intents, allowedOrigins, newLimits, chat, businessHours,
                texts, queues, retention, agents, quickReplies, sla, console, admin, metrics);
    }

    /** This configuration with another origin allow-list. */
    public GatewayConfig withAllowedOrigins(List<String> origins) {
        return new GatewayConfig(source, server, dataDir, intents, origins, limits, chat, businessHours, texts,
                queues, retention, agents, quickReplies, sla, console, admin, metrics);
    }

    /** This configuration with other business hours. */
    public GatewayConfig withBusinessHours(Hours hours) {
        return new GatewayConfig(source, server, dataDir, intents, allowedOrigins, limits, chat, hours, texts,
                queues, retention, agents, quickReplies, sla, console, admin, metrics);
    }

    /** This configuration with another server section. */
    public GatewayConfig withServer(Server newServer) {
        return new GatewayConfig(source, newServer, dataDir, intents, allowedOrigins, limits, chat, businessHours,
                texts, queues, retention, agents, quickReplies, sla, console, admin, metrics);
    }

    /** This configuration with other agents (tests and embedders; the config file's agents are validated). */
    public GatewayConfig withAgents(List<Agent> newAgents) {
        return new GatewayConfig(source, server, dataDir, intents, allowedOrigins, limits, chat, businessHours,
                texts, queues, retention, newAgents, quickReplies, sla, console, admin, metrics);
    }

    /** This configuration with another waiting-line section. */
    public GatewayConfig withQueues(Queues newQueues) {
        return new GatewayConfig(source, server, dataDir, intents, allowedOrigins, limits, chat, businessHours,
                texts, newQueues, retention, agents, quickReplies, sla, console, admin, metrics);
    }

    /** This configuration with another SLA. */
    public GatewayConfig withSla(Sla newSla) {
        return new GatewayConfig(source, server, dataDir, intents, allowedOrigins, limits, chat, businessHours,
                texts, queues, retention, agents, quickReplies, newSla, console, admin, metrics);
    }

    /** This configuration with another admin section (tests and embedders). */
    public GatewayConfig withAdmin(Admin newAdmin) {
        return new GatewayConfig(source, server, dataDir, intents, allowedOrigins, limits, chat, businessHours,
                texts, queues, retention, agents, quickReplies, sla, console, newAdmin, metrics);
    }

    /** This configuration with another metrics section. */
    public GatewayConfig withMetrics(Metrics newMetrics) {
        return new GatewayConfig(source, server, dataDir, intents, allowedOrigins, limits, chat, businessHours,
                texts, queues, retention, agents, quickReplies, sla, console, admin, newMetrics);
    }

    /** This configuration with other intents files (tests and embedders). */
    public GatewayConfig withIntents(Intents newIntents) {
        return new GatewayConfig(source, server, dataDir, newIntents, allowedOrigins, limits, chat, businessHours,
                texts, queues, retention, agents, quickReplies, sla, console, admin, metrics);
    }

    /** The texts for {@code lang}, or the default language's when there are none. */
    public Texts textsFor(String lang) {
        Texts t = lang == null ? null : texts.get(lang);
        return t != null ? t : texts.get(DEFAULT_LANG);
    }

    /** Where the gateway listens; TLS is on when {@code tls} is not null. */
    public record Server(String host, int port, boolean trustProxy, Tls tls, int shutdownGraceSeconds) {
        public Server {
            Objects.requireNonNull(host, "host");
        }
    }

    /** A PEM certificate chain and its PKCS#8 private key. */
    public record Tls(Path certificate, Path privateKey) {
        public Tls {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(privateKey, "privateKey");
        }
    }

    /** The bot's files (null = embedded) and its conversation policy. */
    public record Intents(Path faq, Path synonyms, Path rules, int unknownsBeforeOffer) {
    }

    /** What one client may send, and how fast. */
    public record Limits(int maxFrameBytes, int maxTextChars, int messagesPerSecond, int messageBurst,
                         int ipMessagesPerSecond, int ipMessageBurst, int floodCloseAfter, int maxConnectionsPerIp,
                         int idleTimeoutSeconds, int maxTabsPerSession) {
    }

    /** How conversations run: threads, idle closing, greeting buttons. */
    public record Chat(int threads, int idleCloseMinutes, int hotQuestions) {
    }

    /** When people answer: per weekday opening ranges in a time zone, and whole closed dates. */
    public record Hours(ZoneId timeZone, Map<DayOfWeek, List<Opening>> week, Set<LocalDate> closedDates) {
        public Hours {
            Objects.requireNonNull(timeZone, "timeZone");
            week = Map.copyOf(week);
            closedDates = Set.copyOf(closedDates);
        }
    }

    /** One opening range of a day, in minutes since midnight; {@code toMinute} may be 1440 (24:00). */
    public record Opening(int fromMinute, int toMinute) {
        public Opening {
            if (fromMinute < 0 || toMinute > 24 * 60 || fromMinute >= toMinute) {
                throw new IllegalArgumentException("bad opening " + fromMinute + "-" + toMinute);
            }
        }
    }

    /** Everything the bot and the system say to buyers in one language. */
    public record Texts(String greeting, String suggest, String unknown, String offerHuman, String alreadyWaiting,
                        String withAgent, String outOfHours, String leaveMessage, String noAgents,
                        String stillWaiting, String today, String tomorrow, List<String> weekdays) {
        public Texts {
            weekdays = List.copyOf(weekdays);
            if (weekdays.size() != 7) {
                throw new IllegalArgumentException("weekdays needs 7 names, had " + weekdays.size());
            }
        }
    }

    /**
     * Waiting lines: the assumed handling time per chat used for wait estimates until real ones are measured, how
     * long an agent who dropped off or went away keeps their chats, and the queues the routing rules define.
     */
    public record Queues(int handleSeconds, int graceSeconds, List<QueueInfo> known) {
        public Queues {
            known = List.copyOf(known);
        }

        /** The queue with this id, if the rules define it. */
        public Optional<QueueInfo> queue(String id) {
            for (QueueInfo q : known) {
                if (q.id().equals(id)) {
                    return Optional.of(q);
                }
            }
            return Optional.empty();
        }
    }

    /** One queue of the routing rules: its id, the name buyers and agents see, and its priority. */
    public record QueueInfo(String id, String name, int priority) {
        public QueueInfo {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
        }
    }

    /** The service level: a chat waiting longer than this raises reminders. */
    public record Sla(int waitMinutes) {
    }

    /** The agent console: how long a login stays valid without the secret. */
    public record Console(int tokenHours) {
    }

    /**
     * The admin API ({@code /api/admin/…}): its bearer token, or an empty string when the API is off. The token is
     * never printed ({@link #toString()}).
     */
    public record Admin(String token) {
        public Admin {
            Objects.requireNonNull(token, "token");
        }

        /** Whether the admin API is on (a token is configured). */
        public boolean enabled() {
            return !token.isEmpty();
        }

        @Override
        public String toString() {
            return "Admin[" + (enabled() ? "token set" : "off") + "]";
        }
    }

    /** Who may read {@code /metrics}. */
    public record Metrics(MetricsAccess access) {
        public Metrics {
            Objects.requireNonNull(access, "access");
        }
    }

    /** {@code open}: anyone who reaches the port; {@code token}: with the admin token; {@code off}: nobody (404). */
    public enum MetricsAccess {
        OPEN,
        TOKEN,
        OFF
    }

    /** How long closed conversations are kept. */
    public record Retention(int days) {
    }
}
