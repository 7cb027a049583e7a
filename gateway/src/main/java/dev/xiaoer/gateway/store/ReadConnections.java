package dev.xiaoer.gateway.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A few read-only connections shared by the threads that read. In WAL mode each read sees the last commit made
 * before it began and never waits for the writer; every read runs in its own read transaction, so a read of several
 * statements sees one moment.
 */
final class ReadConnections implements AutoCloseable {

    /** What one read does with its connection. */
    @FunctionalInterface
    interface Read<T> {
        T run(Connection db) throws SQLException;
    }

    private static final long BORROW_TIMEOUT_SECONDS = 30;

    private final Path file;
    private final BlockingQueue<Connection> idle;
    private final List<Connection> all = new ArrayList<>();
    private volatile boolean closed;

    ReadConnections(Path file, List<Connection> connections) throws SQLException {
        this.file = file;
        this.idle = new ArrayBlockingQueue<>(connections.size());
        for (Connection c : connections) {
            try (Statement st = c.createStatement()) {
                // A read connection that tried to write would be a bug; let SQLite catch it.
                st.execute("PRAGMA query_only = true");
            }
            idle.add(c);
            all.add(c);
        }
    }

    /**
     * Runs {@code read} in a read transaction on a free connection.
     *
     * @throws StoreUnavailableException when SQLite fails or no connection frees up in time
     * @throws IllegalStateException when the store is closed
     */
    <T> T read(String what, Read<T> read) {
        Connection c = borrow(what);
        try (Statement st = c.createStatement()) {
            st.execute("BEGIN");
            T result;
            try {
                result = read.run(c);
            } catch (SQLException | RuntimeException | Error e) {
                // A connection given back inside a read transaction would pin an old snapshot (and the log) forever.
                try {
                    st.execute("ROLLBACK");
                } catch (SQLException ignored) {
                    // the original failure is the one to report
                }
                throw e;
            }
            st.execute("COMMIT");
            return result;
        } catch (SQLException e) {
            throw new StoreUnavailableException("could not read " + what + " from " + file + ": "
                    + SqliteFailure.describe(e), e);
        } finally {
            giveBack(c);
        }
    }

    private Connection borrow(String what) {
        if (closed) {
            throw new IllegalStateException("the store " + file + " is closed");
        }
        try {
            Connection c = idle.poll(BORROW_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (c == null) {
                throw new StoreUnavailableException("could not read " + what + ": all " + all.size()
                        + " read connections of " + file + " stayed busy for " + BORROW_TIMEOUT_SECONDS + " s", null);
            }
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting to read " + what, e);
        }
    }

    private void giveBack(Connection c) {
        if (closed) {
            closeQuietly(c);
        } else {
            idle.add(c);
            // close() may have run between the check and the add: then nobody else will close it.
            if (closed && idle.remove(c)) {
                closeQuietly(c);
            }
        }
    }

    /** Closes the idle connections now and the busy ones as their reads end. */
    @Override
    public void close() {
        closed = true;
        Connection c;
        while ((c = idle.poll()) != null) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing; nothing to do about it
        }
    }
}
