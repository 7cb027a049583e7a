package dev.xiaoer.gateway.store;

import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which SQLite failures are the disk's and which are one write's. */
class SqliteFailureTest {

    @Test
    void troubleWithTheDiskOrTheLockIsNeverBlamedOnOneWrite() {
        for (SQLiteErrorCode code : new SQLiteErrorCode[] {SQLiteErrorCode.SQLITE_FULL,
                SQLiteErrorCode.SQLITE_IOERR_WRITE, SQLiteErrorCode.SQLITE_IOERR_FSYNC, SQLiteErrorCode.SQLITE_BUSY,
                SQLiteErrorCode.SQLITE_BUSY_TIMEOUT, SQLiteErrorCode.SQLITE_LOCKED, SQLiteErrorCode.SQLITE_READONLY,
                SQLiteErrorCode.SQLITE_CORRUPT, SQLiteErrorCode.SQLITE_NOMEM}) {
            assertTrue(SqliteFailure.isEnvironmental(new SQLiteException("x", code)), code.name());
        }
        assertTrue(SqliteFailure.isEnvironmental(new SQLException("database connection closed")));
    }

    @Test
    void aBrokenConstraintIsTheWritesOwnFault() {
        assertFalse(SqliteFailure.isEnvironmental(
                new SQLiteException("x", SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY)));
        assertFalse(SqliteFailure.isEnvironmental(new SQLiteException("x", SQLiteErrorCode.SQLITE_CONSTRAINT)));
    }

    @Test
    void theDescriptionSaysWhatAnOperatorCanActOn() {
        String full = SqliteFailure.describe(new SQLiteException("x", SQLiteErrorCode.SQLITE_FULL));
        String io = SqliteFailure.describe(new SQLiteException("x", SQLiteErrorCode.SQLITE_IOERR_FSYNC));

        assertTrue(full.contains("full") && full.contains("SQLITE_FULL"), full);
        assertTrue(io.contains("I/O error") && io.contains("SQLITE_IOERR_FSYNC"), io);
    }
}
