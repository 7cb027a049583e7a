package dev.xiaoer.gateway.store;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.sql.SQLException;

/**
 * Tells the failures of the place the store lives (disk full, locked, I/O error: nothing is wrong with the write,
 * and it may succeed later) from the failures of one write (a constraint it broke), and says them in words.
 */
final class SqliteFailure {

    // SQLite's primary result codes (the low byte of the extended codes).
    static final int BUSY = 5;
    static final int LOCKED = 6;
    static final int NOMEM = 7;
    static final int READONLY = 8;
    static final int INTERRUPT = 9;
    static final int IOERR = 10;
    static final int CORRUPT = 11;
    static final int FULL = 13;
    static final int CANTOPEN = 14;
    static final int PROTOCOL = 15;
    static final int NOTADB = 26;
    static final int PERM = 3;

    private SqliteFailure() {
    }

    /** SQLite's primary result code of {@code e}, or -1 when it did not come from SQLite. */
    static int primaryCode(SQLException e) {
        if (e instanceof SQLiteException s && s.getResultCode() != null
                && s.getResultCode() != SQLiteErrorCode.UNKNOWN_ERROR) {
            return s.getResultCode().code & 0xff;
        }
        return e.getErrorCode() > 0 ? e.getErrorCode() & 0xff : -1;
    }

    /**
     * Whether {@code e} is about the place the store lives rather than the write at hand: then every write of the
     * batch fails with {@link StoreUnavailableException} and the store stops calling itself writable. A failure
     * that did not come from SQLite (the connection was closed, a driver fault) counts as one too: it is no reason
     * to blame a single write.
     */
    static boolean isEnvironmental(SQLException e) {
        int code = primaryCode(e);
        switch (code) {
            case BUSY:
            case LOCKED:
            case NOMEM:
            case READONLY:
            case INTERRUPT:
            case IOERR:
            case CORRUPT:
            case FULL:
            case CANTOPEN:
            case PROTOCOL:
            case NOTADB:
            case PERM:
            case -1:
                return true;
            default:
                return false;
        }
    }

    /** What went wrong, in words an operator can act on, with SQLite's code. */
    static String describe(SQLException e) {
        String name = e instanceof SQLiteException s && s.getResultCode() != null
                ? s.getResultCode().name() : "code " + e.getErrorCode();
        String what;
        switch (primaryCode(e)) {
            case FULL:
                what = "the disk (or the database's size limit) is full";
                break;
            case BUSY:
            case LOCKED:
                what = "the database is locked by another process past the busy timeout";
                break;
            case IOERR:
                what = "the disk reported an I/O error";
                break;
            case READONLY:
            case PERM:
            case CANTOPEN:
                what = "the database file or its folder is not writable";
                break;
            case CORRUPT:
            case NOTADB:
                what = "the database file is damaged";
                break;
            case NOMEM:
                what = "SQLite ran out of memory";
                break;
            default:
                what = "the database failed";
                break;
        }
        return what + " (" + name + ")";
    }
}
