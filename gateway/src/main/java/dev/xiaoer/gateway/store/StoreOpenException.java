package dev.xiaoer.gateway.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The store could not start on its data folder. The message names the file and what to do; the file itself is
 * left exactly as it was found (never repaired, recreated or migrated half-way).
 */
public final class StoreOpenException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the store did not start. */
    public enum Problem {
        /** The data folder cannot be created or written. */
        DATA_DIR_UNUSABLE,
        /** Another gateway (or store) already uses this data folder. */
        IN_USE,
        /** The file is not an SQLite database, or is truncated or damaged. */
        CORRUPT,
        /** The file is an SQLite database, but not a Xiaoer store. */
        FOREIGN,
        /** The file was written by a newer Xiaoer whose schema this code does not know. */
        NEWER_SCHEMA,
        /** A schema migration failed; the file was left at its previous version. */
        MIGRATION_FAILED,
        /** The file could not be opened or read for another reason (permissions, I/O error). */
        UNREADABLE
    }

    private final Problem problem;
    private final transient Path file;

    StoreOpenException(Problem problem, Path file, String message, Throwable cause) {
        super(message, cause);
        this.problem = Objects.requireNonNull(problem, "problem");
        this.file = Objects.requireNonNull(file, "file");
    }

    /** Why the store did not start. */
    public Problem problem() {
        return problem;
    }

    /** The file or folder at fault. */
    public Path file() {
        return file;
    }
}
