package dev.xiaoer.gateway.config;

/**
 * A configuration that cannot be used, with where and why: the message reads {@code file:line: key: problem (fix)}
 * so that whoever runs the shop can find and mend it.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String key;

    /**
     * @param file    the file's name as given by the user, or the embedded default's name
     * @param line    1-based line, or 0 when the problem concerns the whole file
     * @param key     the dotted key at fault ({@code limits.maxTextChars}), or null
     * @param problem what is wrong and how to fix it
     */
    public ConfigException(String file, int line, String key, String problem) {
        this(file, line, key, problem, null);
    }

    public ConfigException(String file, int line, String key, String problem, Throwable cause) {
        super(format(file, line, key, problem), cause);
        this.file = file;
        this.line = line;
        this.key = key;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String key() {
        return key;
    }

    private static String format(String file, int line, String key, String problem) {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (key != null && !key.isEmpty()) {
            sb.append(key).append(": ");
        }
        return sb.append(problem).toString();
    }
}
