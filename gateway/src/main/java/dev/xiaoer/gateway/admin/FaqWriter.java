package dev.xiaoer.gateway.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xiaoer.intents.faq.FaqEntry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes FAQ entries in the formats the intents loader reads: one JSON object a line, or CSV rows whose columns
 * follow a header (quoted when a field holds a comma, a quote or a line break; lists joined with {@code |}).
 */
final class FaqWriter {

    /** The header of a CSV FAQ written from scratch. */
    static final List<String> CSV_COLUMNS = List.of("id", "question", "similar", "answer", "tags");
    private static final ObjectMapper JSON = new ObjectMapper();

    private FaqWriter() {
    }

    /** A whole file of {@code entries} in {@code format}. */
    static byte[] file(List<FaqEntry> entries, FaqFormat format) throws Refused {
        StringBuilder out = new StringBuilder(entries.size() * 160);
        if (format == FaqFormat.CSV) {
            out.append(String.join(",", CSV_COLUMNS)).append('\n');
        }
        for (FaqEntry e : entries) {
            out.append(format == FaqFormat.CSV ? csvRow(e, CSV_COLUMNS) : jsonLine(e)).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One JSON Lines line (no line break). */
    static String jsonLine(FaqEntry e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", e.id());
        o.put("question", e.question());
        if (!e.similar().isEmpty()) {
            ArrayNode similar = o.putArray("similar");
            e.similar().forEach(similar::add);
        }
        o.put("answer", e.answer());
        if (!e.tags().isEmpty()) {
            ArrayNode tags = o.putArray("tags");
            e.tags().forEach(tags::add);
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e1) {
            throw new IllegalStateException("writing JSON to memory cannot fail", e1);
        }
    }

    /** One CSV row (no line break) with the fields in the order of {@code columns}. */
    static String csvRow(FaqEntry e, List<String> columns) throws Refused {
        for (String field : List.of("similar", "tags")) {
            boolean has = field.equals("similar") ? !e.similar().isEmpty() : !e.tags().isEmpty();
            if (has && !columns.contains(field)) {
                throw new Refused(Refused.Reason.INVALID, field + ": the CSV FAQ has no " + field + " column (add"
                        + " one to its header, or leave " + field + " empty)");
            }
        }
        List<String> fields = new ArrayList<>(columns.size());
        for (String column : columns) {
            fields.add(quoted(switch (column) {
                case "id" -> e.id();
                case "question" -> e.question();
                case "similar" -> joined("similar", e.similar());
                case "answer" -> e.answer();
                case "tags" -> joined("tags", e.tags());
                default -> "";
            }));
        }
        return String.join(",", fields);
    }

    /**
     * The column names of a CSV FAQ's header line (the first line; a byte-order mark and quotes around names are
     * dropped, names are lower-cased like the loader does).
     */
    static List<String> csvHeader(String text) {
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        int end = t.indexOf('\n');
        String line = (end < 0 ? t : t.substring(0, end)).strip();
        List<String> columns = new ArrayList<>();
        for (String c : line.split(",", -1)) {
            String name = c.strip();
            if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                name = name.substring(1, name.length() - 1);
            }
            columns.add(name.strip().toLowerCase(Locale.ROOT));
        }
        return columns;
    }

    private static String joined(String field, List<String> items) throws Refused {
        for (String item : items) {
            if (item.contains("|")) {
                throw new Refused(Refused.Reason.INVALID, field + ": '" + item + "' contains |, which separates the"
                        + " items of a list in a CSV FAQ (write it without |)");
            }
        }
        return String.join("|", items);
    }

    private static String quoted(String field) {
        boolean needs = field.indexOf(',') >= 0 || field.indexOf('"') >= 0 || field.indexOf('\n') >= 0
                || field.indexOf('\r') >= 0 || (!field.isEmpty() && (Character.isWhitespace(field.charAt(0))
                || Character.isWhitespace(field.charAt(field.length() - 1))));
        return needs ? '"' + field.replace("\"", "\"\"") + '"' : field;
    }
}
