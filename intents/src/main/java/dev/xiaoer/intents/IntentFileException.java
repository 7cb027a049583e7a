package dev.xiaoer.intents;

import java.nio.file.Path;

/**
 * A FAQ, synonyms or rules file that cannot be used, with where and why: the message reads
 * {@code file:line: field: problem (fix)} so that shop staff can find and mend it.
 */
public final class IntentFileException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String field;

    /**
     * @param file  the file's name or path as given by the user
     * @param line  1-based line number, or 0 when the problem concerns the whole file
     * @param field the field or key at fault, or null
     * @param problem what is wrong and, where possible, how to fix it
     */
    public IntentFileException(String file, int line, String field, String problem) {
        this(file, line, field, problem, null);
    }

    public IntentFileException(String file, int line, String field, String problem, Throwable cause) {
        super(format(file, line, field, problem), cause);
        this.file = file;
        this.line = line;
        this.field = field;
    }

    public IntentFileException(Path file, int line, String field, String problem) {
        this(String.valueOf(file), line, field, problem, null);
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String field() {
        return field;
    }

    private static String format(String file, int line, String field, String problem) {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (field != null && !field.isEmpty()) {
            sb.append(field).append(": ");
        }
        return sb.append(problem).toString();
    }
}
