package dev.xiaoer.intents.faq;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xiaoer.intents.IntentFileException;
import dev.xiaoer.intents.text.TextNormalizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads FAQ files, JSON Lines or CSV, and says exactly where a file is wrong: every problem is an
 * {@link IntentFileException} naming the file, the line and the field.
 *
 * <p>JSON Lines: one object a line, {@code {"id", "question", "similar": [...], "answer", "tags": [...]}}
 * ({@code similar} and {@code tags} optional; blank lines and lines starting with {@code //} are skipped).
 * CSV: a header naming the columns {@code id,question,similar,answer[,tags]} in any order, UTF-8 with or without
 * BOM, {@code similar} and {@code tags} separated by {@code |}.
 */
public final class FaqFile {

    /** The FAQ shipped inside the jar, used when no file is given. */
    public static final String EMBEDDED = "/dev/xiaoer/intents/faq/shop-faq.jsonl";

    private static final Set<String> FIELDS = Set.of("id", "question", "similar", "answer", "tags");
    private static final ObjectMapper JSON = new ObjectMapper();

    private FaqFile() {
    }

    /** Reads a FAQ file; the format follows the extension ({@code .csv} or else JSON Lines). */
    public static List<FaqEntry> read(Path file) throws IntentFileException {
        String name = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IntentFileException(name, 0, null, "cannot read the file: " + e.getMessage(), e);
        }
        return parse(name, bytes, name.toLowerCase(Locale.ROOT).endsWith(".csv"));
    }

    /** The embedded sample shop FAQ. */
    public static List<FaqEntry> embedded() {
        try (InputStream in = FaqFile.class.getResourceAsStream(EMBEDDED)) {
            if (in == null) {
                throw new IllegalStateException("the embedded FAQ " + EMBEDDED + " is missing from the jar");
            }
            return parse("embedded:" + EMBEDDED, in.readAllBytes(), false);
        } catch (IOException | IntentFileException e) {
            throw new IllegalStateException("the embedded FAQ is broken: " + e.getMessage(), e);
        }
    }

    /** Parses FAQ text already in memory; {@code name} is used in error messages. */
    public static List<FaqEntry> parse(String name, byte[] bytes, boolean csv) throws IntentFileException {
        String text = decode(name, bytes);
        List<FaqEntry> entries = csv ? parseCsv(name, text) : parseJsonLines(name, text);
        if (entries.isEmpty()) {
            throw new IntentFileException(name, 0, null, "no FAQ entries in the file");
        }
        return entries;
    }

    private static String decode(String name, byte[] bytes) throws IntentFileException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IntentFileException(name, lineOfBadByte(bytes), null,
                    "not UTF-8 text (save the file as UTF-8)");
        }
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static int lineOfBadByte(byte[] bytes) {
        int line = 1;
        int i = 0;
        while (i < bytes.length) {
            int b = bytes[i] & 0xFF;
            int len = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : -1;
            if (len < 0 || i + len > bytes.length) {
                return line;
            }
            for (int k = 1; k < len; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return line;
                }
            }
            if (b == '\n') {
                line++;
            }
            i += len;
        }
        return line;
    }

    private static List<FaqEntry> parseJsonLines(String name, String text) throws IntentFileException {
        Builder builder = new Builder(name);
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("//")) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new IntentFileException(name, lineNo, null, "bad JSON: " + e.getOriginalMessage()
                        + " (each line must be one complete JSON object)");
            }
            if (!(node instanceof ObjectNode object)) {
                throw new IntentFileException(name, lineNo, null, "bad JSON: expected an object {\"id\": …}");
            }
            for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!FIELDS.contains(field)) {
                    throw new IntentFileException(name, lineNo, field,
                            "unknown field (the fields are id, question, similar, answer, tags)");
                }
            }
            builder.add(lineNo,
                    jsonText(name, lineNo, object, "id"),
                    jsonText(name, lineNo, object, "question"),
                    jsonList(name, lineNo, object, "similar"),
                    jsonText(name, lineNo, object, "answer"),
                    jsonList(name, lineNo, object, "tags"));
        }
        return builder.entries;
    }

    private static String jsonText(String name, int line, ObjectNode object, String field)
            throws IntentFileException {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isTextual() || (field.equals("id") && value.isIntegralNumber())) {
            return value.asText();
        }
        throw new IntentFileException(name, line, field, "must be a string, found " + value.getNodeType()
                .toString().toLowerCase(Locale.ROOT));
    }

    private static List<String> jsonList(String name, int line, ObjectNode object, String field)
            throws IntentFileException {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (value.isTextual()) {
            return List.of(value.asText());
        }
        if (!value.isArray()) {
            throw new IntentFileException(name, line, field, "must be a list of strings [\"…\", \"…\"]");
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new IntentFileException(name, line, field, "must be a list of strings, found "
                        + item.getNodeType().toString().toLowerCase(Locale.ROOT) + " in it");
            }
            items.add(item.asText());
        }
        return items;
    }

    private static List<FaqEntry> parseCsv(String name, String text) throws IntentFileException {
        List<CsvRecords.Row> rows = CsvRecords.parse(name, text);
        if (rows.isEmpty()) {
            throw new IntentFileException(name, 0, null, "empty file (the first line must be the header "
                    + "id,question,similar,answer,tags)");
        }
        CsvRecords.Row header = rows.get(0);
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.fields().size(); i++) {
            String column = header.fields().get(i).strip().toLowerCase(Locale.ROOT);
            if (!FIELDS.contains(column)) {
                throw new IntentFileException(name, header.line(), "header",
                        "unknown column '" + column + "' (the columns are id,question,similar,answer,tags)");
            }
            if (columns.put(column, i) != null) {
                throw new IntentFileException(name, header.line(), "header", "column '" + column + "' twice");
            }
        }
        for (String required : List.of("id", "question", "answer")) {
            if (!columns.containsKey(required)) {
                throw new IntentFileException(name, header.line(), "header", "missing column '" + required
                        + "' (the header must be id,question,similar,answer[,tags])");
            }
        }
        Builder builder = new Builder(name);
        for (CsvRecords.Row row : rows.subList(1, rows.size())) {
            if (row.fields().size() != header.fields().size()) {
                throw new IntentFileException(name, row.line(), null, "expected " + header.fields().size()
                        + " fields, found " + row.fields().size() + " (a field with a comma needs double quotes)");
            }
            builder.add(row.line(),
                    csvField(row, columns, "id"),
                    csvField(row, columns, "question"),
                    split(csvField(row, columns, "similar")),
                    csvField(row, columns, "answer"),
                    split(csvField(row, columns, "tags")));
        }
        return builder.entries;
    }

    private static String csvField(CsvRecords.Row row, Map<String, Integer> columns, String field) {
        Integer column = columns.get(field);
        return column == null ? null : row.fields().get(column);
    }

    private static List<String> split(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return List.of(value.split("\\|"));
    }

    /** Validates entries one by one, remembering ids and where they were defined. */
    private static final class Builder {
        private final String name;
        private final List<FaqEntry> entries = new ArrayList<>();
        private final Map<String, Integer> idLines = new HashMap<>();

        Builder(String name) {
            this.name = name;
        }

        void add(int line, String id, String question, List<String> similar, String answer, List<String> tags)
                throws IntentFileException {
            if (id == null || id.isBlank()) {
                throw new IntentFileException(name, line, "id", "missing id (every entry needs a unique id)");
            }
            id = id.strip();
            Integer first = idLines.putIfAbsent(id, line);
            if (first != null) {
                throw new IntentFileException(name, line, "id", "duplicate id '" + id + "' (first used on line "
                        + first + ")");
            }
            if (question == null || question.isBlank()) {
                throw new IntentFileException(name, line, "question", "empty question");
            }
            if (TextNormalizer.forSearch(question).length() == 0) {
                throw new IntentFileException(name, line, "question",
                        "the question has no words left after normalisation (only symbols or emoji)");
            }
            if (answer == null || answer.isBlank()) {
                throw new IntentFileException(name, line, "answer", "missing answer");
            }
            List<String> phrasings = new ArrayList<>();
            for (String s : similar) {
                if (!s.isBlank()) {
                    phrasings.add(s.strip());
                }
            }
            List<String> cleanTags = new ArrayList<>();
            for (String t : tags) {
                if (!t.isBlank()) {
                    cleanTags.add(t.strip());
                }
            }
            entries.add(new FaqEntry(id, question.strip(), phrasings, answer.strip(), cleanTags));
        }
    }
}
