package dev.xiaoer.gateway.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The web assets shipped in the jar (widget, demo shop, agent console), all read into memory at start so that no
 * request ever touches the disk on an event loop; a path that is not here is a 404 without a lookup.
 */
final class StaticFiles {

    /** Where the assets sit on the classpath. */
    static final String ROOT = "dev/xiaoer/gateway/web/static/";
    /** No asset is near this; a bigger file in the folder is a packaging mistake, refused at start. */
    static final int MAX_FILE_BYTES = 2 * 1024 * 1024;

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "json", "application/json; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "woff2", "font/woff2",
            "txt", "text/plain; charset=utf-8");

    /** One asset: its bytes, content type, strong ETag and, for the console's pages, a Content-Security-Policy. */
    record File(byte[] bytes, String type, String etag, String policy) {
    }

    private final Map<String, File> files;

    private StaticFiles(Map<String, File> files) {
        this.files = Map.copyOf(files);
    }

    /** The asset at a relative name such as {@code agent/console.js}, or null. */
    File get(String name) {
        return files.get(name);
    }

    /** How many assets were loaded. */
    int size() {
        return files.size();
    }

    /**
     * Reads every asset under {@link #ROOT} from the class path, whether it is in a jar (the shaded gateway) or a
     * folder (tests run from {@code target/classes}); files of an unknown type are not served.
     */
    static StaticFiles load(String consolePrefix, String consolePolicy) {
        Map<String, File> files = new HashMap<>();
        try {
            // Every folder of that name on the class path (tests add pages of their own beside the jar's); the first
            // one to hold a name wins, as a class path lookup would.
            List<URL> roots = Collections.list(StaticFiles.class.getClassLoader().getResources(ROOT));
            if (roots.isEmpty()) {
                throw new IllegalStateException("the web assets are missing from the class path: " + ROOT);
            }
            for (URL root : roots) {
                readRoot(root, consolePrefix, consolePolicy, files);
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot read the web assets under " + ROOT + ": " + e.getMessage(), e);
        }
        return new StaticFiles(files);
    }

    private static void readRoot(URL root, String consolePrefix, String consolePolicy, Map<String, File> files)
            throws IOException, URISyntaxException {
        URI uri = root.toURI();
        if (!"jar".equals(uri.getScheme())) {
            read(Path.of(uri), consolePrefix, consolePolicy, files);
            return;
        }
        FileSystem jar;
        boolean opened;
        try {
            jar = FileSystems.newFileSystem(uri, Map.of());
            opened = true;
        } catch (FileSystemAlreadyExistsException e) {
            jar = FileSystems.getFileSystem(uri); // opened elsewhere in the process: borrow it, do not close it
            opened = false;
        }
        try {
            read(jar.provider().getPath(uri), consolePrefix, consolePolicy, files);
        } finally {
            if (opened) {
                jar.close();
            }
        }
    }

    private static void read(Path dir, String consolePrefix, String consolePolicy, Map<String, File> files)
            throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = walk.filter(Files::isRegularFile).toList();
        }
        for (Path p : paths) {
            String name = dir.relativize(p).toString().replace('\\', '/');
            int dot = name.lastIndexOf('.');
            String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1));
            if (type == null || files.containsKey(name)) {
                continue;
            }
            if (Files.size(p) > MAX_FILE_BYTES) {
                throw new IOException(name + " is larger than " + MAX_FILE_BYTES + " bytes");
            }
            byte[] bytes = Files.readAllBytes(p);
            String policy = name.startsWith(consolePrefix) ? consolePolicy : null;
            files.put(name, new File(bytes, type, etag(bytes), policy));
        }
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 8) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException("no SHA-256 in this JVM", e));
        }
    }
}
