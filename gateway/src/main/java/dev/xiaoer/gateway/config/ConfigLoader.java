package dev.xiaoer.gateway.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.xiaoer.gateway.agent.Agent;
import dev.xiaoer.gateway.agent.SecretHash;
import dev.xiaoer.intents.IntentFileException;
import dev.xiaoer.intents.routing.Rule;
import dev.xiaoer.intents.routing.RoutingRules;
import dev.xiaoer.intents.routing.RulesFile;
import dev.xiaoer.intents.faq.ConfidenceBands;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the embedded defaults and the user's file, overlays them key by key, and validates every value once, so
 * that each error names the file and line the value came from, its key, and the fix.
 */
final class ConfigLoader {

    static final String DEFAULT_RESOURCE = "default-gateway.yaml";
    private static final String DEFAULT_NAME = "embedded default-gateway.yaml";

    /** Sections not checked key by key against the defaults: agents are a list checked by {@link #agents}. */
    private static final Set<String> RESERVED = Set.of("agents", "widget");
    private static final List<String> AGENT_KEYS = List.of("id", "name", "queues", "maxChats", "role", "secret");
    private static final java.util.regex.Pattern AGENT_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MAX_AGENT_NAME_CHARS = 40;
    private static final int MAX_QUICK_REPLIES = 100;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Doc defaults;
    private final Doc user;
    private final Path baseDir;

    private ConfigLoader(Doc defaults, Doc user, Path baseDir) {
        this.defaults = defaults;
        this.user = user;
        this.baseDir = baseDir;
    }

    static GatewayConfig load(Path file) throws ConfigException {
        Doc defaults;
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new ConfigException(DEFAULT_NAME, 0, null, "missing from the jar (rebuild the gateway)");
            }
            defaults = Doc.read(DEFAULT_NAME, in.readAllBytes());
        } catch (IOException e) {
            throw new ConfigException(DEFAULT_NAME, 0, null, "cannot be read: " + e.getMessage(), e);
        }
        Doc user = null;
        Path baseDir = Path.of("");
        if (file != null) {
            String name = file.toString();
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(name, 0, null, "no such file (check the path given to --config)");
            }
            try {
                user = Doc.read(name, Files.readAllBytes(file));
            } catch (IOException e) {
                throw new ConfigException(name, 0, null, "cannot be read: " + e.getMessage(), e);
            }
            Path parent = file.toAbsolutePath().getParent();
            baseDir = parent == null ? baseDir : parent;
            new ConfigLoader(defaults, user, baseDir).rejectUnknownKeys(user.root, "");
        }
        return new ConfigLoader(defaults, user, baseDir).build();
    }

    private GatewayConfig build() throws ConfigException {
        String source = user == null ? DEFAULT_NAME : user.name;
        GatewayConfig.Intents intents = intents();
        List<GatewayConfig.QueueInfo> known = knownQueues(intents.rules());
        GatewayConfig.Limits limits = limits();
        return new GatewayConfig(source, server(), path("data.dir", false), intents, origins(), limits, chat(),
                hours(), texts(), new GatewayConfig.Queues(integer("queues.handleSeconds", 1, 86_400),
                        integer("queues.graceSeconds", 0, 86_400), known),
                new GatewayConfig.Retention(integer("retention.days", 1, 36_500)), agents(known),
                quickReplies(limits.maxTextChars()), new GatewayConfig.Sla(integer("sla.waitMinutes", 1, 10_080)),
                new GatewayConfig.Console(integer("console.tokenHours", 1, 720)), admin(), metrics());
    }

    /** Long enough that guessing it is hopeless, even at the rate failed attempts are allowed. */
    static final int MIN_ADMIN_TOKEN_CHARS = 24;

    /** The admin token: empty (the admin API is off) or a long secret without spaces. */
    private GatewayConfig.Admin admin() throws ConfigException {
        String token = string("admin.token").trim();
        if (!token.isEmpty()) {
            String fix = " (make one with: openssl rand -base64 32)";
            if (token.length() < MIN_ADMIN_TOKEN_CHARS) {
                throw error("admin.token", "is too short: at least " + MIN_ADMIN_TOKEN_CHARS + " characters" + fix);
            }
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                if (c <= ' ' || c > '~') {
                    throw error("admin.token", "may only hold printable ASCII characters without spaces (it is sent"
                            + " in an HTTP header)" + fix);
                }
            }
        }
        return new GatewayConfig.Admin(token);
    }

    private GatewayConfig.Metrics metrics() throws ConfigException {
        String access = string("metrics.access").trim().toLowerCase(Locale.ROOT);
        GatewayConfig.MetricsAccess a;
        switch (access) {
            case "open" -> a = GatewayConfig.MetricsAccess.OPEN;
            case "token" -> a = GatewayConfig.MetricsAccess.TOKEN;
            case "off" -> a = GatewayConfig.MetricsAccess.OFF;
            default -> throw error("metrics.access", "'" + access + "' is not open, token or off");
        }
        if (a == GatewayConfig.MetricsAccess.TOKEN && string("admin.token").isBlank()) {
            throw error("metrics.access", "is token, but admin.token is empty (set admin.token, or write open)");
        }
        return new GatewayConfig.Metrics(a);
    }

    /** The queues of the routing rules in force, which agents and transfers may name. */
    private List<GatewayConfig.QueueInfo> knownQueues(Path rulesFile) throws ConfigException {
        RoutingRules rules;
        try {
            rules = rulesFile == null ? RulesFile.embedded() : RulesFile.read(rulesFile);
        } catch (IntentFileException e) {
            throw error("intents.rules", "the rules file cannot be used: " + e.getMessage());
        }
        List<GatewayConfig.QueueInfo> out = new ArrayList<>();
        for (Rule r : rules.rules()) {
            if (r.kind() == Rule.Kind.QUEUE) {
                out.add(new GatewayConfig.QueueInfo(r.id(), r.name(), r.priority()));
            }
        }
        return out;
    }

    /**
     * The agents: each a section with id, name, queues (ids of the rules' queues, or "*"), maxChats, role and the
     * secret's hash line. Checked here so that a typo is named with its line instead of surfacing as a login that
     * never works.
     */
    private List<Agent> agents(List<GatewayConfig.QueueInfo> known) throws ConfigException {
        Doc doc = docFor("agents");
        JsonNode list = doc.node("agents");
        if (list.isMissingNode() || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw error("agents", "must be a list of agents, each starting with '- id: …'");
        }
        Set<String> queueIds = new LinkedHashSet<>();
        known.forEach(q -> queueIds.add(q.id()));
        Map<String, Integer> seen = new HashMap<>();
        List<Agent> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "agents[" + i + "]";
            JsonNode a = list.get(i);
            if (!a.isObject()) {
                throw at(doc, at, "must be a section with " + String.join(", ", AGENT_KEYS));
            }
            for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!AGENT_KEYS.contains(k)) {
                    throw at(doc, at + "." + k, "unknown key (an agent has: " + String.join(", ", AGENT_KEYS) + ")");
                }
            }
            String id = plain(doc, at + ".id", a.get("id"), "the name the agent logs in with, e.g. xiaomei");
            if (!AGENT_ID.matcher(id).matches()) {
                throw at(doc, at + ".id", "'" + id + "' is not a usable id (1 to 64 letters, digits, '.', '_' or '-')");
            }
            Integer first = seen.putIfAbsent(id, doc.line(at + ".id"));
            if (first != null) {
                throw at(doc, at + ".id", "duplicate id '" + id + "' (also at line " + first + "); ids must be unique");
            }
            String name = plain(doc, at + ".name", a.get("name"), "what buyers see, e.g. 小美");
            if (name.codePointCount(0, name.length()) > MAX_AGENT_NAME_CHARS) {
                throw at(doc, at + ".name", "is longer than " + MAX_AGENT_NAME_CHARS + " characters");
            }
            JsonNode qs = a.get("queues");
            if (qs == null || !qs.isArray() || qs.isEmpty()) {
                throw at(doc, at + ".queues", "must be a non-empty list of queue ids, e.g. [after-sales, human], or"
                        + " [\"*\"] for every queue (the rules have: " + String.join(", ", queueIds) + ")");
            }
            Set<String> queues = new LinkedHashSet<>();
            boolean all = false;
            for (JsonNode q : qs) {
                String qid = q.isValueNode() && !q.isNull() ? q.asText() : "";
                if (qid.equals("*")) {
                    all = true;
                } else if (queueIds.contains(qid)) {
                    queues.add(qid);
                } else {
                    throw at(doc, at + ".queues", "unknown queue '" + qid + "' (the rules have: "
                            + String.join(", ", queueIds) + "; or \"*\" for every queue)");
                }
            }
            int maxChats = 5;
            JsonNode mc = a.get("maxChats");
            if (mc != null && !mc.isNull()) {
                if (!mc.isIntegralNumber() || !mc.canConvertToInt() || mc.intValue() < 1 || mc.intValue() > 100) {
                    throw at(doc, at + ".maxChats", "'" + mc.asText() + "' is not a number from 1 to 100 (how many"
                            + " chats the agent holds at once)");
                }
                maxChats = mc.intValue();
            }
            Agent.Role role = Agent.Role.AGENT;
            JsonNode r = a.get("role");
            if (r != null && !r.isNull()) {
                String rs = r.asText();
                if (rs.equals("supervisor")) {
                    role = Agent.Role.SUPERVISOR;
                } else if (!rs.equals("agent")) {
                    throw at(doc, at + ".role", "'" + rs + "' is not a role (write agent or supervisor)");
                }
            }
            String secretLine = plain(doc, at + ".secret", a.get("secret"),
                    "the hash line printed by: java -jar gateway/target/xiaoer-gateway.jar hash-secret");
            SecretHash secret;
            try {
                secret = SecretHash.parse(secretLine);
            } catch (IllegalArgumentException e) {
                throw at(doc, at + ".secret", e.getMessage() + " (never write the secret itself here: run java -jar"
                        + " gateway/target/xiaoer-gateway.jar hash-secret and paste the line it prints)");
            }
            out.add(new Agent(id, name, queues, all, maxChats, role, secret));
        }
        return out;
    }

    private static String plain(Doc doc, String key, JsonNode n, String what) throws ConfigException {
        if (n == null || n.isNull() || !n.isValueNode() || n.asText().isBlank()) {
            throw at(doc, key, "is missing or empty (write " + what + ")");
        }
        return n.asText().trim();
    }

    private static ConfigException at(Doc doc, String key, String problem) {
        return new ConfigException(doc.name, doc.line(key), key, problem);
    }

    /** Canned answers an agent can send with one click. */
    private List<String> quickReplies(int maxChars) throws ConfigException {
        List<String> replies = stringList("quickReplies");
        if (replies.size() > MAX_QUICK_REPLIES) {
            throw error("quickReplies", "has " + replies.size() + " entries; at most " + MAX_QUICK_REPLIES);
        }
        for (int i = 0; i < replies.size(); i++) {
            String r = replies.get(i);
            if (r.isBlank()) {
                throw error("quickReplies[" + i + "]", "is empty (write the answer, or remove the line)");
            }
            if (r.codePointCount(0, r.length()) > maxChars) {
                throw error("quickReplies[" + i + "]", "is longer than limits.maxTextChars (" + maxChars + ")");
            }
        }
        return replies;
    }

    private GatewayConfig.Server server() throws ConfigException {
        String host = string("server.host");
        if (host.isBlank()) {
            throw error("server.host", "is empty (use 127.0.0.1 for this machine only, 0.0.0.0 for every interface)");
        }
        int port = integer("server.port", 0, 65535);
        Path cert = path("server.tls.certificate", true);
        Path key = path("server.tls.privateKey", true);
        GatewayConfig.Tls tls = null;
        if (cert != null || key != null) {
            if (cert == null) {
                throw error("server.tls.certificate", "is empty while server.tls.privateKey is set (set both or neither)");
            }
            if (key == null) {
                throw error("server.tls.privateKey", "is empty while server.tls.certificate is set (set both or neither)");
            }
            requireReadable("server.tls.certificate", cert);
            requireReadable("server.tls.privateKey", key);
            tls = new GatewayConfig.Tls(cert, key);
        }
        return new GatewayConfig.Server(host, port, bool("server.trustProxy"), tls,
                integer("server.shutdownGraceSeconds", 0, 600));
    }

    private GatewayConfig.Intents intents() throws ConfigException {
        double answer = confidence("intents.answerThreshold");
        double suggest = confidence("intents.suggestThreshold");
        // Checked here to name the line; an empty suggest threshold is left to the engine, which keeps its default
        // below whatever answer threshold is set.
        double answerInForce = Double.isNaN(answer) ? ConfidenceBands.DEFAULT_ANSWER : answer;
        if (suggest > answerInForce) {
            throw error("intents.suggestThreshold", suggest + " is above the answer threshold " + answerInForce
                    + " (suggestions are for confidences below an answer: lower it or raise"
                    + " intents.answerThreshold)");
        }
        return new GatewayConfig.Intents(intentsFile("intents.faq"), intentsFile("intents.synonyms"),
                intentsFile("intents.rules"), answer, suggest, integer("intents.unknownsBeforeOffer", 0, 100));
    }

    /** A confidence in [0, 1], or NaN when the key is empty (the engine's measured default). */
    private double confidence(String key) throws ConfigException {
        JsonNode n = value(key);
        if (n.isNull() || (n.isTextual() && n.asText().isBlank())) {
            return Double.NaN;
        }
        if (!n.isNumber()) {
            throw error(key, "'" + n.asText() + "' is not a number (write a confidence from 0 to 1, e.g. 0.5,"
                    + " or leave it empty for the measured default)");
        }
        double v = n.doubleValue();
        if (!(v >= 0 && v <= 1)) {
            throw error(key, v + " is out of range (write a confidence from 0 to 1, e.g. 0.5)");
        }
        return v;
    }

    private Path intentsFile(String key) throws ConfigException {
        Path p = path(key, true);
        if (p != null) {
            requireReadable(key, p);
        }
        return p;
    }

    private List<String> origins() throws ConfigException {
        List<String> origins = stringList("allowedOrigins");
        for (int i = 0; i < origins.size(); i++) {
            String o = origins.get(i);
            boolean ok = o.equals("*") || ((o.startsWith("http://") || o.startsWith("https://"))
                    && !o.endsWith("/") && o.indexOf('/', o.indexOf("//") + 2) < 0);
            if (!ok) {
                throw error("allowedOrigins[" + i + "]", "'" + o + "' is not an origin (write scheme://host[:port]"
                        + " with no path or trailing slash, e.g. https://shop.example.com, or \"*\" for any)");
            }
        }
        return origins;
    }

    private GatewayConfig.Limits limits() throws ConfigException {
        return new GatewayConfig.Limits(
                integer("limits.maxFrameBytes", 1024, 1 << 20),
                integer("limits.maxTextChars", 1, 100_000),
                integer("limits.messagesPerSecond", 1, 10_000),
                integer("limits.messageBurst", 1, 10_000),
                integer("limits.ipMessagesPerSecond", 1, 1_000_000),
                integer("limits.ipMessageBurst", 1, 1_000_000),
                integer("limits.floodCloseAfter", 1, 10_000),
                integer("limits.maxConnectionsPerIp", 1, 1_000_000),
                integer("limits.idleTimeoutSeconds", 1, 3600),
                integer("limits.maxTabsPerSession", 1, 100));
    }

    private GatewayConfig.Chat chat() throws ConfigException {
        return new GatewayConfig.Chat(integer("chat.threads", 0, 256), integer("chat.idleCloseMinutes", 1, 525_600),
                integer("chat.hotQuestions", 0, 20));
    }

    private GatewayConfig.Hours hours() throws ConfigException {
        String zoneKey = "businessHours.timeZone";
        ZoneId zone;
        try {
            zone = ZoneId.of(string(zoneKey));
        } catch (DateTimeException e) {
            throw error(zoneKey, "'" + string(zoneKey) + "' is not a time zone (use a region id such as Asia/Shanghai)");
        }
        Map<DayOfWeek, List<GatewayConfig.Opening>> week = new EnumMap<>(DayOfWeek.class);
        for (DayOfWeek day : DayOfWeek.values()) {
            String key = "businessHours." + day.name().toLowerCase(Locale.ROOT);
            week.put(day, openings(key, string(key)));
        }
        Set<LocalDate> closed = new HashSet<>();
        List<String> dates = stringList("businessHours.closedDates");
        for (int i = 0; i < dates.size(); i++) {
            try {
                closed.add(LocalDate.parse(dates.get(i)));
            } catch (DateTimeParseException e) {
                throw error("businessHours.closedDates",
                        "'" + dates.get(i) + "' is not a date (write YYYY-MM-DD, e.g. 2026-02-17)");
            }
        }
        return new GatewayConfig.Hours(zone, week, closed);
    }

    private List<GatewayConfig.Opening> openings(String key, String value) throws ConfigException {
        String v = value.trim();
        if (v.equalsIgnoreCase("closed") || v.isEmpty()) {
            return List.of();
        }
        List<GatewayConfig.Opening> out = new ArrayList<>();
        int previousEnd = -1;
        for (String range : v.split(",")) {
            String[] ends = range.trim().split("-");
            int from = ends.length == 2 ? minuteOfDay(ends[0]) : -1;
            int to = ends.length == 2 ? minuteOfDay(ends[1]) : -1;
            if (from < 0 || to < 0 || from >= to || from >= 24 * 60) {
                throw error(key, "'" + range.trim() + "' is not an opening range (write HH:MM-HH:MM with the"
                        + " start before the end, e.g. 09:00-18:00; several separated by commas; or closed)");
            }
            if (from < previousEnd) {
                throw error(key, "ranges overlap or are out of order in '" + value + "' (list them earliest first)");
            }
            previousEnd = to;
            out.add(new GatewayConfig.Opening(from, to));
        }
        return out;
    }

    private static int minuteOfDay(String hhmm) {
        String s = hhmm.trim();
        int colon = s.indexOf(':');
        if (colon < 1 || colon != s.length() - 3) {
            return -1;
        }
        try {
            int h = Integer.parseInt(s.substring(0, colon));
            int m = Integer.parseInt(s.substring(colon + 1));
            if (h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) {
                return -1;
            }
            return h * 60 + m;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private Map<String, GatewayConfig.Texts> texts() throws ConfigException {
        Map<String, GatewayConfig.Texts> out = new HashMap<>();
        Set<String> langs = new HashSet<>();
        defaults.root.path("texts").fieldNames().forEachRemaining(langs::add);
        if (user != null) {
            user.root.path("texts").fieldNames().forEachRemaining(langs::add);
        }
        for (String lang : langs) {
            String p = "texts." + lang + ".";
            List<String> weekdays = stringList(p + "weekdays");
            if (weekdays.size() != 7) {
                throw error(p + "weekdays", "needs 7 names, Monday first (has " + weekdays.size() + ")");
            }
            out.put(lang, new GatewayConfig.Texts(text(p + "greeting"), text(p + "suggest"), text(p + "unknown"),
                    text(p + "offerHuman"), text(p + "alreadyWaiting"), text(p + "withAgent"),
                    text(p + "outOfHours"), text(p + "leaveMessage"), text(p + "noAgents"),
                    text(p + "stillWaiting"), text(p + "today"), text(p + "tomorrow"), weekdays));
        }
        return out;
    }

    // ---- typed readers: the value comes from the user's file when it has the key, else from the defaults ----

    private Doc docFor(String key) {
        if (user != null && !user.node(key).isMissingNode()) {
            return user;
        }
        return defaults;
    }

    private JsonNode value(String key) throws ConfigException {
        Doc doc = docFor(key);
        JsonNode n = doc.node(key);
        if (n.isMissingNode()) {
            // A language added by the user must give every text: the defaults only cover the shipped ones.
            throw new ConfigException(user != null ? user.name : defaults.name, 0, key,
                    "is missing (add it; see the embedded default-gateway.yaml for every key)");
        }
        return n;
    }

    private ConfigException error(String key, String problem) {
        Doc doc = docFor(key);
        return new ConfigException(doc.name, doc.line(key), key, problem);
    }

    private String string(String key) throws ConfigException {
        JsonNode n = value(key);
        if (n.isNull()) {
            return "";
        }
        if (!n.isValueNode()) {
            throw error(key, "must be a single value, not a list or section");
        }
        return n.asText();
    }

    private String text(String key) throws ConfigException {
        String s = string(key);
        if (s.isBlank()) {
            throw error(key, "is empty (buyers would see an empty bubble; write the text)");
        }
        return s;
    }

    private boolean bool(String key) throws ConfigException {
        JsonNode n = value(key);
        if (!n.isBoolean()) {
            throw error(key, "'" + n.asText() + "' is not true or false");
        }
        return n.booleanValue();
    }

    private int integer(String key, int min, int max) throws ConfigException {
        JsonNode n = value(key);
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw error(key, "'" + n.asText() + "' is not a whole number (write a number from " + min + " to " + max + ")");
        }
        int v = n.intValue();
        if (v < min || v > max) {
            throw error(key, v + " is out of range (write a number from " + min + " to " + max + ")");
        }
        return v;
    }

    private List<String> stringList(String key) throws ConfigException {
        JsonNode n = value(key);
        if (n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw error(key, "must be a list, e.g. [\"a\", \"b\"]");
        }
        List<String> out = new ArrayList<>(n.size());
        for (JsonNode e : n) {
            if (!e.isValueNode() || e.isNull()) {
                throw error(key, "must be a list of plain values");
            }
            out.add(e.asText());
        }
        return out;
    }

    /** A path from the config; relative paths in the user's file are resolved against that file's folder. */
    private Path path(String key, boolean emptyMeansNone) throws ConfigException {
        String s = string(key).trim();
        if (s.isEmpty()) {
            if (emptyMeansNone) {
                return null;
            }
            throw error(key, "is empty (write a folder path)");
        }
        try {
            Path p = Path.of(s);
            return docFor(key) == user && !p.isAbsolute() ? baseDir.resolve(p).normalize() : p;
        } catch (java.nio.file.InvalidPathException e) {
            throw error(key, "'" + s + "' is not a valid path");
        }
    }

    private void requireReadable(String key, Path p) throws ConfigException {
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw error(key, "file " + p + " does not exist or cannot be read (fix the path or clear the key)");
        }
    }

    private void rejectUnknownKeys(JsonNode node, String prefix) throws ConfigException {
        if (!node.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            String key = prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey();
            if (prefix.isEmpty() && RESERVED.contains(f.getKey())) {
                continue;
            }
            boolean userLanguage = prefix.equals("texts");
            if (!userLanguage && defaults.node(key).isMissingNode()) {
                throw new ConfigException(user.name, user.line(key), key, "unknown key" + suggestion(key));
            }
            JsonNode def = userLanguage ? defaults.node("texts." + GatewayConfig.DEFAULT_LANG) : defaults.node(key);
            if (def.isObject()) {
                if (!f.getValue().isObject()) {
                    throw new ConfigException(user.name, user.line(key), key,
                            "must be a section with keys below it, not a single value");
                }
                if (userLanguage) {
                    for (Iterator<String> it = f.getValue().fieldNames(); it.hasNext(); ) {
                        String k = it.next();
                        if (def.path(k).isMissingNode()) {
                            throw new ConfigException(user.name, user.line(key + "." + k), key + "." + k,
                                    "unknown key (texts have: " + String.join(", ", iterable(def.fieldNames())) + ")");
                        }
                    }
                } else {
                    rejectUnknownKeys(f.getValue(), key);
                }
            }
        }
    }

    private String suggestion(String key) {
        int dot = key.lastIndexOf('.');
        String parent = dot < 0 ? "" : key.substring(0, dot);
        String leaf = key.substring(dot + 1).toLowerCase(Locale.ROOT);
        JsonNode siblings = parent.isEmpty() ? defaults.root : defaults.node(parent);
        List<String> names = iterable(siblings.fieldNames());
        for (String name : names) {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.equals(leaf) || n.startsWith(leaf) || leaf.startsWith(n) || distance(n, leaf) <= 2) {
                return " (did you mean " + (parent.isEmpty() ? name : parent + "." + name) + "?)";
            }
        }
        return " (known keys here: " + String.join(", ", names) + ")";
    }

    private static List<String> iterable(Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** One parsed YAML file: its tree and the line of every key, for error messages. */
    private static final class Doc {
        final String name;
        final JsonNode root;
        final Map<String, Integer> lines;

        private Doc(String name, JsonNode root, Map<String, Integer> lines) {
            this.name = name;
            this.root = root;
            this.lines = lines;
        }

        static Doc read(String name, byte[] bytes) throws ConfigException {
            JsonNode root;
            Map<String, Integer> lines = new HashMap<>();
            try {
                root = YAML.readTree(bytes);
                try (JsonParser p = YAML.getFactory().createParser(bytes)) {
                    recordLines(p, lines);
                }
            } catch (JsonProcessingException e) {
                JsonLocation at = e.getLocation();
                throw new ConfigException(name, at == null ? 0 : at.getLineNr(), null,
                        "is not valid YAML: " + e.getOriginalMessage() + " (check indentation and quotes)", e);
            } catch (IOException e) {
                throw new ConfigException(name, 0, null, "cannot be read: " + e.getMessage(), e);
            }
            if (root == null || root.isMissingNode() || root.isNull()) {
                root = YAML.createObjectNode();
            }
            if (!root.isObject()) {
                throw new ConfigException(name, 1, null, "must be a YAML mapping of sections (server:, limits: …)");
            }
            return new Doc(name, root, lines);
        }

        /** An object or list being read, with its key path and, for a list, the index of its next element. */
        private static final class Container {
            final String path;
            final boolean list;
            int next;

            Container(String path, boolean list) {
                this.path = path;
                this.list = list;
            }
        }

        /**
         * Records the line of every key as a dotted path, with list elements indexed ({@code agents[1].secret},
         * {@code allowedOrigins[0]}), so that an error in the second agent names the second agent's line.
         */
        private static void recordLines(JsonParser p, Map<String, Integer> lines) throws IOException {
            Deque<Container> stack = new ArrayDeque<>();
            String pendingKey = "";
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME) {
                    Container c = stack.peek();
                    String parent = c == null ? "" : c.path;
                    pendingKey = parent.isEmpty() ? p.currentName() : parent + "." + p.currentName();
                    lines.put(pendingKey, p.currentTokenLocation().getLineNr());
                } else if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    String path = valuePath(stack, pendingKey, p, lines);
                    stack.push(new Container(path, t == JsonToken.START_ARRAY));
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    stack.pop();
                } else {
                    valuePath(stack, pendingKey, p, lines);
                }
            }
        }

        /** The path of the value just read: the pending key in an object, the next index in a list. */
        private static String valuePath(Deque<Container> stack, String pendingKey, JsonParser p,
                                        Map<String, Integer> lines) {
            Container c = stack.peek();
            if (c == null) {
                return "";
            }
            if (c.list) {
                String path = c.path + "[" + c.next++ + "]";
                lines.putIfAbsent(path, p.currentTokenLocation().getLineNr());
                return path;
            }
            return pendingKey;
        }

        JsonNode node(String dottedKey) {
            JsonNode n = root;
            int start = 0;
            String key = dottedKey;
            int bracket = key.indexOf('[');
            if (bracket >= 0) {
                key = key.substring(0, bracket);
            }
            while (start <= key.length()) {
                int dot = key.indexOf('.', start);
                String part = dot < 0 ? key.substring(start) : key.substring(start, dot);
                n = n.path(part);
                if (dot < 0) {
                    break;
                }
                start = dot + 1;
            }
            return n;
        }

        int line(String dottedKey) {
            String key = dottedKey;
            while (true) {
                Integer l = lines.get(key);
                if (l != null) {
                    return l;
                }
                int cut = Math.max(key.lastIndexOf('.'), key.lastIndexOf('['));
                if (cut <= 0) {
                    return 0;
                }
                key = key.substring(0, cut);
            }
        }
    }
}
