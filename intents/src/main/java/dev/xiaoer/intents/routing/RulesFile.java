package dev.xiaoer.intents.routing;

import dev.xiaoer.intents.IntentFileException;
import dev.xiaoer.intents.text.TextNormalizer;
import dev.xiaoer.intents.routing.YamlTree.ListNode;
import dev.xiaoer.intents.routing.YamlTree.MapNode;
import dev.xiaoer.intents.routing.YamlTree.Node;
import dev.xiaoer.intents.routing.YamlTree.Scalar;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a routing rules file (YAML; JSON is YAML too) and checks all of it before anything is used: every
 * problem is an {@link IntentFileException} with the file, the line, the key and the fix. The format is
 * described in intents/README.md; the shipped file is {@value #EMBEDDED}.
 */
public final class RulesFile {

    /** The default rules shipped inside the jar. */
    public static final String EMBEDDED = "/dev/xiaoer/intents/routing/default-rules.yaml";

    private static final Set<String> TOP_KEYS = Set.of("queues", "flags", "smalltalk");
    private static final Set<String> QUEUE_KEYS = Set.of("id", "name", "priority", "triggers", "exceptions");
    private static final Set<String> FLAG_KEYS = Set.of("id", "name", "triggers", "exceptions");
    private static final Map<String, Smalltalk.Category> SMALLTALK_KEYS = Map.of(
            "greeting", Smalltalk.Category.GREETING,
            "thanks", Smalltalk.Category.THANKS,
            "acknowledgement", Smalltalk.Category.ACKNOWLEDGEMENT,
            "acceptHuman", Smalltalk.Category.ACCEPT_HUMAN,
            "declineHuman", Smalltalk.Category.DECLINE_HUMAN,
            "filler", Smalltalk.Category.FILLER);
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    private static volatile RoutingRules embedded;

    private RulesFile() {
    }

    /** Reads and compiles a rules file. */
    public static RoutingRules read(Path file) throws IntentFileException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IntentFileException(file.toString(), 0, null, "not UTF-8 text (save the file as UTF-8)");
        } catch (IOException e) {
            throw new IntentFileException(file.toString(), 0, null, "cannot read the file: " + e.getMessage(), e);
        }
        return parse(file.toString(), text);
    }

    /** The shipped default rules. */
    public static RoutingRules embedded() {
        RoutingRules rules = embedded;
        if (rules == null) {
            try (InputStream in = RulesFile.class.getResourceAsStream(EMBEDDED)) {
                if (in == null) {
                    throw new IllegalStateException("the default rules " + EMBEDDED + " are missing from the jar");
                }
                rules = parse("embedded:" + EMBEDDED, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException | IntentFileException e) {
                throw new IllegalStateException("the default rules are broken: " + e.getMessage(), e);
            }
            embedded = rules;
        }
        return rules;
    }

    /** Parses and compiles rules text; {@code name} is used in error messages. */
    public static RoutingRules parse(String name, String text) throws IntentFileException {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        return new Checker(name).check(YamlTree.parse(name, text));
    }

    /** Walks the tree once, collecting rules and patterns and failing on the first problem. */
    private static final class Checker {
        private final String file;
        private final List<Rule> rules = new ArrayList<>();
        private final List<String> patterns = new ArrayList<>();
        private final List<Integer> patternRule = new ArrayList<>();
        private final List<Boolean> patternIsException = new ArrayList<>();
        private final List<String> patternWord = new ArrayList<>();
        /** Normalised trigger → "queue X (line N)", per kind of rule, to refuse the same word in two rules. */
        private final Map<Rule.Kind, Map<String, String>> triggerOwners = new EnumMap<>(Rule.Kind.class);

        Checker(String file) {
            this.file = file;
            triggerOwners.put(Rule.Kind.QUEUE, new HashMap<>());
            triggerOwners.put(Rule.Kind.FLAG, new HashMap<>());
        }

        RoutingRules check(Node root) throws IntentFileException {
            MapNode top = map(root, "the file", "a mapping with queues, flags and smalltalk");
            unknownKeys(top, TOP_KEYS, null);
            Node queues = top.values().get("queues");
            if (queues == null) {
                throw new IntentFileException(file, top.line(), "queues",
                        "missing (list at least one queue: id, name, priority, triggers)");
            }
            Map<Integer, String> priorities = new HashMap<>();
            for (Node item : list(queues, "queues")) {
                Rule rule = rule(item, Rule.Kind.QUEUE);
                String other = priorities.putIfAbsent(rule.priority(), rule.id());
                if (other != null) {
                    throw new IntentFileException(file, item.line(), "priority", "queue '" + rule.id()
                            + "' has the same priority as '" + other + "' (give each queue its own priority, "
                            + "so that one of them wins when both fire)");
                }
            }
            Node flags = top.values().get("flags");
            if (flags != null) {
                for (Node item : list(flags, "flags")) {
                    rule(item, Rule.Kind.FLAG);
                }
            }
            Smalltalk smalltalk = smalltalk(top.values().get("smalltalk"));
            int n = patterns.size();
            int[] ruleOf = new int[n];
            boolean[] exception = new boolean[n];
            for (int i = 0; i < n; i++) {
                ruleOf[i] = patternRule.get(i);
                exception[i] = patternIsException.get(i);
            }
            return new RoutingRules(file, rules, smalltalk, patterns, ruleOf, exception,
                    patternWord.toArray(new String[0]));
        }

        private Rule rule(Node item, Rule.Kind kind) throws IntentFileException {
            String where = kind == Rule.Kind.QUEUE ? "queues" : "flags";
            MapNode m = map(item, where + " item", "a mapping with id, name"
                    + (kind == Rule.Kind.QUEUE ? ", priority" : "") + ", triggers, exceptions");
            unknownKeys(m, kind == Rule.Kind.QUEUE ? QUEUE_KEYS : FLAG_KEYS, where);
            String id = requiredText(m, "id");
            if (!ID.matcher(id).matches()) {
                throw new IntentFileException(file, m.values().get("id").line(), "id", "'" + id
                        + "' is not a valid id (use lower-case letters, digits, '-' and '_', e.g. after-sales)");
            }
            for (Rule r : rules) {
                if (r.id().equals(id)) {
                    throw new IntentFileException(file, m.values().get("id").line(), "id",
                            "the id '" + id + "' is used twice (each queue and flag needs its own id)");
                }
            }
            String name = m.values().containsKey("name") ? requiredText(m, "name") : id;
            int priority = 0;
            if (kind == Rule.Kind.QUEUE) {
                Node p = m.values().get("priority");
                if (p == null) {
                    throw new IntentFileException(file, m.line(), id + ".priority",
                            "missing (a whole number; the higher wins when two queues fire)");
                }
                try {
                    priority = Integer.parseInt(scalar(p, id + ".priority").trim());
                } catch (NumberFormatException e) {
                    throw new IntentFileException(file, p.line(), id + ".priority",
                            "not a whole number: " + ((Scalar) p).text());
                }
            }
            int ruleIndex = rules.size();
            Node triggersNode = m.values().get("triggers");
            if (triggersNode == null) {
                throw new IntentFileException(file, m.line(), id + ".triggers",
                        "missing (list the words that send a chat here, e.g. [退款, 退钱])");
            }
            List<Word> triggers = words(triggersNode, id + ".triggers");
            if (triggers.isEmpty()) {
                throw new IntentFileException(file, triggersNode.line(), id + ".triggers",
                        "empty (list at least one word)");
            }
            List<Word> exceptions = m.values().containsKey("exceptions")
                    ? words(m.values().get("exceptions"), id + ".exceptions") : List.of();
            Map<String, Integer> own = new HashMap<>();
            Map<String, String> owners = triggerOwners.get(kind);
            for (Word t : triggers) {
                Integer again = own.putIfAbsent(t.normalised, t.line);
                if (again != null) {
                    throw new IntentFileException(file, t.line, id + ".triggers", "'" + t.written
                            + "' is listed twice (line " + again + ")" + sameAfterNormalising(t));
                }
                String owner = owners.putIfAbsent(t.normalised, (kind == Rule.Kind.QUEUE ? "queue '" : "flag '")
                        + id + "' (line " + t.line + ")");
                if (owner != null) {
                    throw new IntentFileException(file, t.line, id + ".triggers", "'" + t.written
                            + "' is already a trigger of " + owner + sameAfterNormalising(t)
                            + " (a word can send a chat to one queue only: remove it from one of them)");
                }
            }
            for (Word e : exceptions) {
                if (own.containsKey(e.normalised)) {
                    throw new IntentFileException(file, e.line, id + ".exceptions", "'" + e.written
                            + "' is also a trigger of '" + id + "' (remove it from one of the lists)");
                }
                String problem = cannotSilence(e.normalised, triggers);
                if (problem != null) {
                    throw new IntentFileException(file, e.line, id + ".exceptions", "'" + e.written + "' " + problem);
                }
            }
            for (Word t : triggers) {
                addPattern(t, ruleIndex, false);
            }
            for (Word e : exceptions) {
                addPattern(e, ruleIndex, true);
            }
            Rule rule = new Rule(kind, id, name, priority, triggers.stream().map(w -> w.written).toList(),
                    exceptions.stream().map(w -> w.written).toList());
            rules.add(rule);
            return rule;
        }

        private static String sameAfterNormalising(Word w) {
            return w.written.equals(w.normalised) ? "" : " (it reads '" + w.normalised + "' after normalising)";
        }

        /** Null when the exception can overlap a trigger; otherwise why it is useless or harmful. */
        private static String cannotSilence(String exception, List<Word> triggers) {
            for (Word t : triggers) {
                String trigger = t.normalised;
                if (trigger.contains(exception) && !trigger.equals(exception)) {
                    return "is part of the trigger '" + t.written + "': it would silence that trigger everywhere "
                            + "(an exception must be longer than the trigger it protects, e.g. 人工费 for 人工)";
                }
            }
            for (Word t : triggers) {
                String trigger = t.normalised;
                if (exception.contains(trigger)) {
                    return null;
                }
                for (int k = 1; k < Math.min(trigger.length(), exception.length()); k++) {
                    if (exception.endsWith(trigger.substring(0, k)) || exception.startsWith(
                            trigger.substring(trigger.length() - k))) {
                        return null;
                    }
                }
            }
            return "contains no trigger of this rule and cannot overlap one, so it never silences anything "
                    + "(an exception is a phrase around a trigger, e.g. 人工费 around 人工)";
        }

        private void addPattern(Word w, int rule, boolean isException) {
            patterns.add(w.normalised);
            patternRule.add(rule);
            patternIsException.add(isException);
            patternWord.add(w.written);
        }

        private Smalltalk smalltalk(Node node) throws IntentFileException {
            Map<Smalltalk.Category, List<String>> phrases = new EnumMap<>(Smalltalk.Category.class);
            Map<Smalltalk.Category, String> replies = new EnumMap<>(Smalltalk.Category.class);
            if (node == null) {
                // A shop's own rules file may leave small talk out: the shipped phrases and replies apply.
                return embedded().smalltalk();
            }
            MapNode m = map(node, "smalltalk", "a mapping with greeting, thanks, acknowledgement, acceptHuman, "
                    + "declineHuman, filler");
            unknownKeys(m, SMALLTALK_KEYS.keySet(), "smalltalk");
            for (Map.Entry<String, Node> e : m.values().entrySet()) {
                Smalltalk.Category category = SMALLTALK_KEYS.get(e.getKey());
                String key = "smalltalk." + e.getKey();
                Node phrasesNode;
                if (category == Smalltalk.Category.FILLER) {
                    phrasesNode = e.getValue();
                } else {
                    MapNode section = map(e.getValue(), key, "a mapping with phrases"
                            + (category == Smalltalk.Category.ACCEPT_HUMAN ? "" : " and reply"));
                    unknownKeys(section, category == Smalltalk.Category.ACCEPT_HUMAN ? Set.of("phrases")
                            : Set.of("phrases", "reply"), key);
                    phrasesNode = section.values().get("phrases");
                    if (phrasesNode == null) {
                        throw new IntentFileException(file, section.line(), key + ".phrases", "missing");
                    }
                    if (category != Smalltalk.Category.ACCEPT_HUMAN) {
                        String reply = requiredText(section, "reply", key + ".reply");
                        replies.put(category, reply);
                    }
                }
                List<String> list = new ArrayList<>();
                for (Word w : words(phrasesNode, key)) {
                    list.add(w.normalised.replace(" ", ""));
                }
                phrases.put(category, list);
            }
            return new Smalltalk(phrases, replies);
        }

        /** A word as written, normalised for scanning, and its line. */
        private record Word(String written, String normalised, int line) {
        }

        private List<Word> words(Node node, String key) throws IntentFileException {
            List<Word> words = new ArrayList<>();
            for (Node item : list(node, key)) {
                String written = scalar(item, key).strip();
                String normalised = TextNormalizer.forScan(written).text();
                if (normalised.isEmpty()) {
                    throw new IntentFileException(file, item.line(), key, "'" + written + "' is empty after "
                            + "normalising (only spaces, punctuation, symbols or emoji): write a real word");
                }
                words.add(new Word(written, normalised, item.line()));
            }
            return words;
        }

        private MapNode map(Node node, String what, String expected) throws IntentFileException {
            if (node instanceof MapNode m) {
                return m;
            }
            throw new IntentFileException(file, node.line(), what.contains(" ") ? null : what,
                    "expected " + expected + ", found " + node.kind());
        }

        private List<Node> list(Node node, String key) throws IntentFileException {
            if (node instanceof ListNode l) {
                return l.items();
            }
            throw new IntentFileException(file, node.line(), key,
                    "expected a list ([a, b] or one '- item' a line), found " + node.kind());
        }

        private String scalar(Node node, String key) throws IntentFileException {
            if (node instanceof Scalar s && s.text() != null) {
                return s.text();
            }
            throw new IntentFileException(file, node.line(), key, "expected a single value, found " + node.kind());
        }

        private String requiredText(MapNode m, String key) throws IntentFileException {
            return requiredText(m, key, key);
        }

        private String requiredText(MapNode m, String key, String label) throws IntentFileException {
            Node node = m.values().get(key);
            if (node == null) {
                throw new IntentFileException(file, m.line(), label, "missing");
            }
            String text = scalar(node, label).strip();
            if (text.isEmpty()) {
                throw new IntentFileException(file, node.line(), label, "empty");
            }
            return text;
        }

        private void unknownKeys(MapNode m, Set<String> known, String parent) throws IntentFileException {
            for (Map.Entry<String, Integer> e : m.keyLines().entrySet()) {
                if (!known.contains(e.getKey())) {
                    String key = parent == null ? e.getKey() : parent + "." + e.getKey();
                    throw new IntentFileException(file, e.getValue(), key, "unknown key (known here: "
                            + String.join(", ", known.stream().sorted().toList()) + ")");
                }
            }
        }
    }
}
