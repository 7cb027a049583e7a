package dev.xiaoer.gateway.admin;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/** The two FAQ file formats of {@code intents/README.md}: JSON Lines and CSV, told apart by the file's extension. */
public enum FaqFormat {
    JSONL("jsonl"),
    CSV("csv");

    private final String extension;

    FaqFormat(String extension) {
        this.extension = extension;
    }

    /** The extension of a file of this format, without the dot. */
    public String extension() {
        return extension;
    }

    /** The format the intents loader reads {@code file} as: CSV for {@code .csv}, JSON Lines otherwise. */
    public static FaqFormat of(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv") ? CSV : JSONL;
    }

    /** {@code jsonl}/{@code json}/{@code ndjson} or {@code csv} (any case); null for anything else. */
    public static FaqFormat named(String name) {
        if (name == null) {
            return null;
        }
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "jsonl", "json", "ndjson" -> JSONL;
            case "csv" -> CSV;
            default -> null;
        };
    }

    /**
     * The format of a body nobody named: JSON Lines when its first line that is not blank starts with {@code {} or
     * {@code //}, CSV otherwise (a CSV header starts with a column name).
     */
    public static FaqFormat sniff(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String first = text.strip();
        return first.startsWith("{") || first.startsWith("//") ? JSONL : CSV;
    }
}
