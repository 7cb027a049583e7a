package dev.xiaoer.intents.routing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.xiaoer.intents.IntentFileException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML (or JSON) document read into a small tree that remembers the line of every key and value, so that a
 * rules file can be checked after parsing and still be blamed line by line.
 */
final class YamlTree {

    /** A node of the tree and the 1-based line it starts on. */
    sealed interface Node permits MapNode, ListNode, Scalar {
        int line();

        /** What this node is, for error messages. */
        String kind();
    }

    /** A mapping; keys keep their order and their own lines. */
    record MapNode(Map<String, Node> values, Map<String, Integer> keyLines, int line) implements Node {
        public String kind() {
            return "a mapping";
        }
    }

    /** A sequence. */
    record ListNode(List<Node> items, int line) implements Node {
        public String kind() {
            return "a list";
        }
    }

    /** A scalar as written (numbers keep their text: 12315 stays "12315"); {@code text} is null for YAML null. */
    record Scalar(String text, int line) implements Node {
        public String kind() {
            return text == null ? "empty" : "a single value";
        }
    }

    private static final YAMLFactory YAML = new YAMLFactory();

    private YamlTree() {
    }

    static Node parse(String file, String text) throws IntentFileException {
        try (JsonParser parser = YAML.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new IntentFileException(file, 0, null, "the file is empty");
            }
            Node root = read(file, parser, first);
            if (parser.nextToken() != null) {
                throw new IntentFileException(file, line(parser), null, "more than one YAML document in the file");
            }
            return root;
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new IntentFileException(file, line, null, "bad YAML: " + e.getOriginalMessage()
                    + " (check indentation and quote values that contain ':' or '#')");
        } catch (IOException e) {
            throw new IntentFileException(file, 0, null, "cannot read: " + e.getMessage(), e);
        }
    }

    private static Node read(String file, JsonParser parser, JsonToken token) throws IOException,
            IntentFileException {
        int line = line(parser);
        switch (token) {
            case START_OBJECT: {
                Map<String, Node> values = new LinkedHashMap<>();
                Map<String, Integer> keyLines = new LinkedHashMap<>();
                JsonToken t;
                while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    int keyLine = line(parser);
                    Node value = read(file, parser, parser.nextToken());
                    if (values.put(key, value) != null) {
                        throw new IntentFileException(file, keyLine, key, "the key appears twice in one mapping");
                    }
                    keyLines.put(key, keyLine);
                }
                return new MapNode(values, keyLines, line);
            }
            case START_ARRAY: {
                List<Node> items = new ArrayList<>();
                JsonToken t;
                while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(read(file, parser, t));
                }
                return new ListNode(items, line);
            }
            case VALUE_NULL:
                return new Scalar(null, line);
            default:
                return new Scalar(parser.getText(), line);
        }
    }

    private static int line(JsonParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }
}
