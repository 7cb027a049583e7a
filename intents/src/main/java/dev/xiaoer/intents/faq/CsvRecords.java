package dev.xiaoer.intents.faq;

import dev.xiaoer.intents.IntentFileException;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV as spreadsheets write it: comma-separated, fields optionally in double quotes, {@code ""} for a
 * quote inside quotes, line breaks allowed inside quoted fields. Each record remembers the line it starts on.
 */
final class CsvRecords {

    /** One CSV record and the 1-based line it starts on. */
    record Row(int line, List<String> fields) {
    }

    private CsvRecords() {
    }

    static List<Row> parse(String file, String text) throws IntentFileException {
        List<Row> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int line = 1;
        int rowLine = 1;
        int i = 0;
        int n = text.length();
        boolean fieldStarted = false;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '"' && field.length() == 0 && !fieldStarted) {
                int quoteLine = line;
                i++;
                boolean closed = false;
                while (i < n) {
                    char q = text.charAt(i);
                    if (q == '"') {
                        if (i + 1 < n && text.charAt(i + 1) == '"') {
                            field.append('"');
                            i += 2;
                            continue;
                        }
                        closed = true;
                        i++;
                        break;
                    }
                    if (q == '\n') {
                        line++;
                    }
                    field.append(q);
                    i++;
                }
                if (!closed) {
                    throw new IntentFileException(file, quoteLine, "field " + (fields.size() + 1),
                            "bad quoting: a quoted field is never closed (add the closing \")");
                }
                fieldStarted = true;
                if (i < n && text.charAt(i) != ',' && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
                    throw new IntentFileException(file, line, "field " + (fields.size() + 1),
                            "bad quoting: text after a closing quote (write a quote inside quotes as \"\")");
                }
                continue;
            }
            if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                fieldStarted = false;
                i++;
            } else if (c == '\r' || c == '\n') {
                fields.add(field.toString());
                field.setLength(0);
                fieldStarted = false;
                addRow(rows, rowLine, fields);
                fields = new ArrayList<>();
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                i++;
                line++;
                rowLine = line;
            } else {
                if (c == '"') {
                    throw new IntentFileException(file, line, "field " + (fields.size() + 1),
                            "bad quoting: a quote inside an unquoted field (quote the whole field and double the \")");
                }
                field.append(c);
                fieldStarted = true;
                i++;
            }
        }
        if (fieldStarted || field.length() > 0 || !fields.isEmpty()) {
            fields.add(field.toString());
            addRow(rows, rowLine, fields);
        }
        return rows;
    }

    private static void addRow(List<Row> rows, int line, List<String> fields) {
        boolean blank = fields.size() == 1 && fields.get(0).isBlank();
        if (!blank) {
            rows.add(new Row(line, List.copyOf(fields)));
        }
    }
}
