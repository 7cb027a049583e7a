package dev.xiaoer.gateway.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store's data folder, held for the life of the store: created if missing, locked so that a second gateway on
 * the same folder is refused instead of writing beside the first, and holding the database file, which is checked
 * before SQLite touches it.
 */
final class DataFolder implements AutoCloseable {

    static final String DATABASE = "xiaoer.db";
    static final String LOCK = "xiaoer.lock";

    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_BYTES = 100;
    /** A WAL file with no frames is its 32-byte header or less. */
    private static final long EMPTY_WAL_BYTES = 32;

    /**
     * Folders claimed in this JVM. The file lock only keeps other processes out: within one JVM a second lock on the
     * file throws, and closing any channel on the file may release the first one's lock, so a second claim must be
     * refused before it opens the file at all.
     */
    private static final Set<Path> CLAIMED = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private final Path key;

    private DataFolder(Path dir, Path key, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.key = key;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Creates the folder if needed (readable by its owner only: it holds what buyers wrote) and takes its lock.
     *
     * @throws StoreOpenException when the folder cannot be used or another store holds it
     */
    static DataFolder claim(Path dir) {
        Path folder = dir.toAbsolutePath().normalize();
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new StoreOpenException(StoreOpenException.Problem.DATA_DIR_UNUSABLE, folder, "The data folder "
                    + folder + " is a file, not a folder. Give the gateway a folder (it is created if missing).",
                    null);
        }
        try {
            if (!Files.exists(folder)) {
                if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                    Files.createDirectories(folder,
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(folder);
                }
            }
        } catch (IOException e) {
            throw new StoreOpenException(StoreOpenException.Problem.DATA_DIR_UNUSABLE, folder, "Could not create "
                    + "the data folder " + folder + ": " + e + ". Create it, or give the gateway another one.", e);
        }
        if (!Files.isWritable(folder)) {
            throw new StoreOpenException(StoreOpenException.Problem.DATA_DIR_UNUSABLE, folder, "The data folder "
                    + folder + " is not writable by this user. Fix its permissions or give the gateway another one.",
                    null);
        }
        Path key;
        try {
            key = folder.toRealPath();
        } catch (IOException e) {
            key = folder;
        }
        if (!CLAIMED.add(key)) {
            throw new StoreOpenException(StoreOpenException.Problem.IN_USE, folder, "The data folder " + folder
                    + " is already open in this process. Close the other store first: two stores must never write "
                    + "one folder.", null);
        }
        try {
            return lock(folder, key);
        } catch (RuntimeException e) {
            CLAIMED.remove(key);
            throw e;
        }
    }

    private static DataFolder lock(Path folder, Path key) {
        Path lockFile = folder.resolve(LOCK);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                String holder = readHolder(channel);
                channel.close();
                throw new StoreOpenException(StoreOpenException.Problem.IN_USE, folder, "The data folder " + folder
                        + " is in use by another gateway" + holder + ". Stop it first, or give this one another "
                        + "folder: two gateways must never write one store.", null);
            }
            // The pid is for people who look: the lock itself is what keeps a second gateway out.
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
            return new DataFolder(folder, key, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StoreOpenException(StoreOpenException.Problem.DATA_DIR_UNUSABLE, folder, "Could not lock "
                    + lockFile + ": " + e + ".", e);
        }
    }

    /** The database file. */
    Path database() {
        return dir.resolve(DATABASE);
    }

    /**
     * Refuses a database file that SQLite would misread or that has lost data, before SQLite opens it: not an SQLite
     * file, shorter than its own header says (truncated), or missing while its write-ahead log is still there. A
     * missing or empty file is a new store.
     */
    void checkDatabaseFile() {
        Path db = database();
        Path wal = dir.resolve(DATABASE + "-wal");
        try {
            long walBytes = Files.exists(wal) ? Files.size(wal) : 0;
            if (!Files.exists(db)) {
                if (walBytes > EMPTY_WAL_BYTES) {
                    throw corrupt(db, db + " is missing but its write-ahead log " + wal + " is not empty: the "
                            + "database was moved or deleted. Restore it from a backup next to its log.");
                }
                return;
            }
            long size = Files.size(db);
            if (size == 0) {
                return;
            }
            if (size < HEADER_BYTES) {
                throw corrupt(db, db + " is only " + size + " bytes long, shorter than an SQLite header: it is "
                        + "truncated or not a database.");
            }
            byte[] header = new byte[HEADER_BYTES];
            try (FileChannel in = FileChannel.open(db, StandardOpenOption.READ)) {
                ByteBuffer buffer = ByteBuffer.wrap(header);
                while (buffer.hasRemaining() && in.read(buffer) >= 0) {
                    // read the whole header
                }
            }
            if (!Arrays.equals(header, 0, SQLITE_MAGIC.length, SQLITE_MAGIC, 0, SQLITE_MAGIC.length)) {
                throw corrupt(db, db + " is not an SQLite database (it does not start with the SQLite header).");
            }
            ByteBuffer h = ByteBuffer.wrap(header);
            int pageSize = Short.toUnsignedInt(h.getShort(16));
            long pageBytes = pageSize == 1 ? 65_536 : pageSize;
            long pages = Integer.toUnsignedLong(h.getInt(28));
            boolean pagesValid = pages > 0 && h.getInt(24) == h.getInt(92);
            // While the log holds frames, a crash in the middle of a checkpoint can leave the file legitimately
            // short: SQLite completes it from the log. Without frames, the file must be as long as it says.
            if (pagesValid && walBytes <= EMPTY_WAL_BYTES && size < pages * pageBytes) {
                throw corrupt(db, db + " is truncated: its header says " + pages * pageBytes + " bytes but the file "
                        + "has " + size + ".");
            }
        } catch (IOException e) {
            throw new StoreOpenException(StoreOpenException.Problem.UNREADABLE, db, "Could not read " + db + ": " + e
                    + ".", e);
        }
    }

    static StoreOpenException corrupt(Path db, String what) {
        return corrupt(db, what, null);
    }

    static StoreOpenException corrupt(Path db, String what, Throwable cause) {
        return new StoreOpenException(StoreOpenException.Problem.CORRUPT, db, what + " The gateway did not start "
                + "and did not change the file. Restore it from a backup, or move it aside to start an empty store.",
                cause);
    }

    /** Releases the folder's lock. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it anyway
        }
        closeQuietly(lockChannel);
        CLAIMED.remove(key);
    }

    private static String readHolder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
            return pid.isEmpty() ? "" : " (process " + pid + ")";
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }
}
