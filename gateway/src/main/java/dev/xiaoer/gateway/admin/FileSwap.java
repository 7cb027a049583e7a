package dev.xiaoer.gateway.admin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Replaces a file so that a crash at any moment leaves either the old file or the new one, never a mix: the new
 * bytes go to a temporary file in the same folder and are synced, the old file is copied to a timestamped backup
 * (synced too), then the temporary file is moved over the old one in one atomic rename, and the folder is synced.
 * The last {@value #KEEP_BACKUPS} backups are kept.
 */
final class FileSwap {

    static final int KEEP_BACKUPS = 10;
    private static final String BACKUP_SUFFIX = ".bak";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

    private final Clock clock;
    private final ZoneId zone;

    FileSwap(Clock clock, ZoneId zone) {
        this.clock = clock;
        this.zone = zone;
    }

    /**
     * Puts {@code bytes} in {@code target}'s place; returns the backup of the old file, or null when there was none.
     *
     * @throws IOException when any step fails; {@code target} is then as it was
     */
    Path replace(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        String name = target.getFileName().toString();
        Path tmp = Files.createTempFile(dir, "." + name + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Path backup = null;
            if (Files.exists(target)) {
                keepPermissions(target, tmp);
                backup = backupOf(target);
                Files.copy(target, backup, StandardCopyOption.COPY_ATTRIBUTES);
                sync(backup);
            }
            move(tmp, target);
            syncFolder(dir);
            prune(dir, name);
            return backup;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Puts a backup made by {@link #replace} back in {@code target}'s place (or removes target if there was none). */
    void restore(Path target, Path backup) throws IOException {
        if (backup == null) {
            Files.deleteIfExists(target);
            syncFolder(target.toAbsolutePath().getParent());
            return;
        }
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            Files.copy(backup, tmp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            sync(tmp);
            move(tmp, target);
            syncFolder(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Moves {@code file} aside as a backup (it stops being used but is not lost); returns where it went. */
    Path retire(Path file) throws IOException {
        Path backup = backupOf(file);
        Files.move(file, backup, StandardCopyOption.ATOMIC_MOVE);
        syncFolder(file.toAbsolutePath().getParent());
        return backup;
    }

    private Path backupOf(Path target) {
        String stamp = STAMP.format(clock.instant().atZone(zone));
        Path dir = target.toAbsolutePath().getParent();
        String name = target.getFileName().toString();
        Path backup = dir.resolve(name + "." + stamp + BACKUP_SUFFIX);
        for (int i = 2; Files.exists(backup); i++) {
            backup = dir.resolve(name + "." + stamp + "-" + i + BACKUP_SUFFIX);
        }
        return backup;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Never fall back to a copy: a crash half-way would leave a half-written FAQ.
            throw new IOException("the file system of " + to.toAbsolutePath().getParent() + " cannot replace a file"
                    + " atomically; put the FAQ on a local disk", e);
        }
    }

    private static void keepPermissions(Path from, Path to) throws IOException {
        PosixFileAttributeView source = Files.getFileAttributeView(from, PosixFileAttributeView.class);
        PosixFileAttributeView target = Files.getFileAttributeView(to, PosixFileAttributeView.class);
        if (source != null && target != null) {
            target.setPermissions(source.readAttributes().permissions());
        }
    }

    private static void sync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Makes the rename itself durable; some platforms cannot open a folder for this, and need not. */
    private static void syncFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows: a folder cannot be opened; NTFS journals the rename.
        }
    }

    /** The backups of {@code name} in {@code dir}, oldest first. */
    static List<Path> backups(Path dir, String name) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, name + ".*" + BACKUP_SUFFIX)) {
            files.forEach(out::add);
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    private static void prune(Path dir, String name) throws IOException {
        List<Path> all = backups(dir, name);
        for (int i = 0; i < all.size() - KEEP_BACKUPS; i++) {
            Files.deleteIfExists(all.get(i));
        }
    }
}
