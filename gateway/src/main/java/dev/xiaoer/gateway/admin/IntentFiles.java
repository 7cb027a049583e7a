package dev.xiaoer.gateway.admin;

import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.intents.IntentEngine;
import dev.xiaoer.intents.IntentFileException;
import dev.xiaoer.intents.faq.FaqEntry;
import dev.xiaoer.intents.faq.FaqFile;
import dev.xiaoer.intents.routing.Rule;
import dev.xiaoer.intents.routing.RoutingRules;
import dev.xiaoer.intents.routing.RulesFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The bot's files on disk and the engine that reads them: uploads and single new entries of the FAQ, and reloads
 * of the FAQ and the rules. Every change is checked with the intents loader first, then written with
 * {@link FileSwap} (temporary file, sync, backup, atomic rename), then loaded; if anything fails the FAQ in force
 * and the file on disk stay as they were. Changes are done one at a time.
 *
 * <p>Where the FAQ lives: the configured {@code intents.faq} file; with none configured (the embedded sample), a
 * changed FAQ goes to {@code <data>/faq.jsonl} (or {@code faq.csv} for a CSV upload), which the gateway then loads
 * at every start ({@link #faqAtStart}).
 */
public final class IntentFiles {

    private static final Logger LOG = LoggerFactory.getLogger("dev.xiaoer.gateway.admin");
    /** The name of the FAQ kept in the data folder when the config names none. */
    public static final String DATA_FAQ = "faq";
    private static final String NEW_ID_PREFIX = "faq-";

    private final GatewayConfig config;
    private final IntentEngine engine;
    private final FileSwap swap;
    /** The FAQ file in force, or null while the embedded sample is. */
    private Path faq;

    /** {@code faqInForce}: the file the engine was built from, or null for the embedded sample. */
    public IntentFiles(GatewayConfig config, IntentEngine engine, Path faqInForce, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.swap = new FileSwap(clock, config.businessHours().timeZone());
        this.faq = faqInForce;
    }

    /**
     * The FAQ file to build the engine from at start: the configured one; else a FAQ written to the data folder by
     * an earlier upload or new entry; else null (the embedded sample).
     */
    public static Path faqAtStart(GatewayConfig config) {
        if (config.intents().faq() != null) {
            return config.intents().faq();
        }
        Path jsonl = dataFaq(config, FaqFormat.JSONL);
        Path csv = dataFaq(config, FaqFormat.CSV);
        boolean hasJsonl = Files.isRegularFile(jsonl);
        boolean hasCsv = Files.isRegularFile(csv);
        if (hasJsonl && hasCsv) {
            // Only a hand-made mess gives both: the newer one is the one meant.
            try {
                Path newer = Files.getLastModifiedTime(csv).compareTo(Files.getLastModifiedTime(jsonl)) > 0 ? csv
                        : jsonl;
                LOG.warn("both {} and {} exist; using the newer, {} (remove the other)", jsonl, csv, newer);
                return newer;
            } catch (IOException e) {
                return jsonl;
            }
        }
        return hasJsonl ? jsonl : hasCsv ? csv : null;
    }

    private static Path dataFaq(GatewayConfig config, FaqFormat format) {
        return config.dataDir().resolve(DATA_FAQ + "." + format.extension());
    }

    /** What the FAQ in force is: its file (or the embedded sample), format, size, and a free id for a new entry. */
    public synchronized FaqInfo info() throws Refused {
        List<FaqEntry> entries = parse(currentName(), currentBytes(), currentFormat());
        return new FaqInfo(faq == null ? "embedded" : "file", faq == null ? null : faq.toString(),
                currentFormat().extension(), entries.size(), freeId(entries), where(currentFormat()).toString());
    }

    /** The FAQ in force as a file (the embedded sample as JSON Lines), for downloading and editing. */
    public synchronized FaqDownload download() throws Refused {
        return new FaqDownload(currentName(), currentFormat(), currentBytes());
    }

    /**
     * Replaces the whole FAQ with an uploaded file. The body is checked with the intents loader; written in the
     * format of the file in force (converted when the upload is in the other one), or, when the embedded sample is
     * in force, to the data folder in the upload's own format; then loaded.
     *
     * @throws Refused INVALID with the loader's {@code file:line: field: problem} message, or FAILED when it could
     *                 not be written; the FAQ in force stays
     */
    public synchronized FaqChange upload(byte[] body, FaqFormat format) throws Refused {
        List<FaqEntry> entries = parse("uploaded FAQ", body, format);
        Path target = where(format);
        FaqFormat targetFormat = FaqFormat.of(target);
        byte[] bytes = targetFormat == format ? body : FaqWriter.file(entries, targetFormat);
        if (targetFormat != format) {
            parse(target.getFileName().toString(), bytes, targetFormat); // the conversion must read back the same
        }
        Path backup = write(target, bytes);
        Path other = faq == null ? otherDataFaq(target) : null;
        faq = target;
        if (other != null) {
            try {
                LOG.info("the FAQ is now {}; {} moved aside to {}", target, other, swap.retire(other));
            } catch (IOException e) {
                LOG.warn("could not move {} aside (it is not used while {} exists): {}", other, target, e.toString());
            }
        }
        LOG.info("FAQ uploaded: {} entries in {} (backup {})", engine.faqSize(), target, backup == null ? "none"
                : backup.getFileName());
        return new FaqChange(target.toString(), engine.faqSize(), backup == null ? null : backup.toString(), null);
    }

    /**
     * Adds one entry to the FAQ in force (to a copy of the embedded sample in the data folder when no file is):
     * appended to the file as one line or row, so the rest of the file stays byte for byte as it was.
     *
     * @throws Refused INVALID for a bad entry or a duplicate id (the loader's message), CONFLICT when the file on
     *                 disk no longer loads, FAILED when it could not be written
     */
    public synchronized FaqChange add(NewFaqEntry e) throws Refused {
        if (e.question().isBlank()) {
            throw new Refused(Refused.Reason.INVALID, "question: is empty (write the question as buyers ask it)");
        }
        if (e.answer().isBlank()) {
            throw new Refused(Refused.Reason.INVALID, "answer: is empty (write the answer the bot should give)");
        }
        FaqFormat format = currentFormat();
        byte[] old = currentBytes();
        List<FaqEntry> current;
        try {
            current = FaqFile.parse(currentName(), old, format == FaqFormat.CSV);
        } catch (IntentFileException ex) {
            throw new Refused(Refused.Reason.CONFLICT, "the FAQ file on disk does not load any more, so nothing was"
                    + " added (fix it or upload a good one): " + ex.getMessage(), ex);
        }
        String id = e.id() == null || e.id().isBlank() ? freeId(current) : e.id().strip();
        FaqEntry entry = new FaqEntry(id, e.question().strip(), e.similar(), e.answer().strip(), e.tags());
        String text = new String(old, StandardCharsets.UTF_8);
        String line = format == FaqFormat.CSV ? FaqWriter.csvRow(entry, FaqWriter.csvHeader(text))
                : FaqWriter.jsonLine(entry);
        String updated = text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + line + "\n";
        byte[] bytes = updated.getBytes(StandardCharsets.UTF_8);
        Path target = where(format);
        parse(target.getFileName().toString(), bytes, format);
        Path backup = write(target, bytes);
        faq = target;
        LOG.info("FAQ entry '{}' added to {} ({} entries now)", id, target, engine.faqSize());
        return new FaqChange(target.toString(), engine.faqSize(), backup == null ? null : backup.toString(), id);
    }

    /**
     * Loads the FAQ file in force again from disk (after it was edited by hand).
     *
     * @throws Refused CONFLICT while the embedded sample is in force, INVALID with the loader's message
     */
    public synchronized FaqChange reloadFaq() throws Refused {
        if (faq == null) {
            throw new Refused(Refused.Reason.CONFLICT, "the FAQ in force is the embedded sample, there is no file to"
                    + " reload: upload one (PUT /api/admin/faq) or set intents.faq in the config");
        }
        load(faq);
        LOG.info("FAQ reloaded from {}: {} entries", faq, engine.faqSize());
        return new FaqChange(faq.toString(), engine.faqSize(), null, null);
    }

    /**
     * Loads the rules file again. The queues must stay as they are (same ids, names and priorities): waiting lines,
     * agents and transfers were set up from them at start.
     *
     * @throws Refused CONFLICT for the embedded rules or changed queues, INVALID with the loader's message
     */
    public synchronized RulesChange reloadRules() throws Refused {
        Path rules = config.intents().rules();
        if (rules == null) {
            throw new Refused(Refused.Reason.CONFLICT, "the rules in force are the embedded defaults, there is no"
                    + " file to reload: set intents.rules in the config to your rules file (and restart once)");
        }
        RoutingRules loaded;
        try {
            loaded = RulesFile.read(rules);
        } catch (IntentFileException e) {
            throw new Refused(Refused.Reason.INVALID, e.getMessage(), e);
        }
        List<String> was = new ArrayList<>();
        config.queues().known().forEach(q -> was.add(q.id() + " (" + q.name() + ", priority " + q.priority() + ")"));
        List<String> now = new ArrayList<>();
        for (Rule r : loaded.rules()) {
            if (r.kind() == Rule.Kind.QUEUE) {
                now.add(r.id() + " (" + r.name() + ", priority " + r.priority() + ")");
            }
        }
        if (!new HashSet<>(was).equals(new HashSet<>(now))) {
            throw new Refused(Refused.Reason.CONFLICT, "the queues changed (were " + String.join(", ", was) + "; now "
                    + String.join(", ", now) + "): waiting lines and agents are set up from them at start, so"
                    + " restart the gateway to use this file; the rules in force did not change");
        }
        try {
            engine.reloadRules(rules);
        } catch (IntentFileException e) {
            throw new Refused(Refused.Reason.INVALID, e.getMessage(), e);
        }
        LOG.info("routing rules reloaded from {}: {} rules", rules, loaded.rules().size());
        return new RulesChange(rules.toString(), loaded.rules().size());
    }

    /** Whether the FAQ in force has entries (for {@code /ready}). */
    public boolean faqLoaded() {
        return engine.faqSize() > 0;
    }

    // ---- on the FAQ lock ----

    /** Where a changed FAQ goes: the file in force, or the data folder's file of {@code format}. */
    private Path where(FaqFormat format) {
        return faq != null ? faq : dataFaq(config, format);
    }

    private Path otherDataFaq(Path target) {
        for (FaqFormat f : FaqFormat.values()) {
            Path p = dataFaq(config, f);
            if (!p.equals(target) && Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private FaqFormat currentFormat() {
        return faq == null ? FaqFormat.JSONL : FaqFormat.of(faq);
    }

    private String currentName() {
        return faq == null ? "embedded FAQ" : faq.getFileName().toString();
    }

    private byte[] currentBytes() throws Refused {
        if (faq == null) {
            try (InputStream in = FaqFile.class.getResourceAsStream(FaqFile.EMBEDDED)) {
                if (in == null) {
                    throw new Refused(Refused.Reason.FAILED, "the embedded FAQ is missing from the jar");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new Refused(Refused.Reason.FAILED, "the embedded FAQ cannot be read: " + e.getMessage(), e);
            }
        }
        try {
            return Files.readAllBytes(faq);
        } catch (IOException e) {
            throw new Refused(Refused.Reason.FAILED, "cannot read " + faq + ": " + e.getMessage(), e);
        }
    }

    private static List<FaqEntry> parse(String name, byte[] bytes, FaqFormat format) throws Refused {
        try {
            return FaqFile.parse(name, bytes, format == FaqFormat.CSV);
        } catch (IntentFileException e) {
            throw new Refused(Refused.Reason.INVALID, e.getMessage(), e);
        }
    }

    /** Writes {@code bytes} to {@code target} and loads it; on failure puts the old file back. */
    private Path write(Path target, byte[] bytes) throws Refused {
        Path backup;
        try {
            backup = swap.replace(target, bytes);
        } catch (IOException e) {
            throw new Refused(Refused.Reason.FAILED, "cannot write " + target + ": " + e.getMessage()
                    + "; the FAQ in force did not change", e);
        }
        try {
            load(target);
        } catch (Refused r) {
            try {
                swap.restore(target, backup);
            } catch (IOException e) {
                LOG.error("{} could not be put back from {} after a failed load: {}", target, backup, e.toString());
            }
            throw r;
        }
        return backup;
    }

    private void load(Path file) throws Refused {
        try {
            engine.reloadFaq(file);
        } catch (IntentFileException e) {
            throw new Refused(Refused.Reason.INVALID, e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new Refused(Refused.Reason.FAILED, "the FAQ could not be loaded: " + e, e);
        }
    }

    /** {@code faq-N}: the smallest N above the number of entries that no entry uses. */
    private static String freeId(List<FaqEntry> entries) {
        Set<String> ids = new HashSet<>();
        entries.forEach(en -> ids.add(en.id()));
        for (int n = entries.size() + 1; ; n++) {
            String id = NEW_ID_PREFIX + n;
            if (!ids.contains(id)) {
                return id;
            }
        }
    }

    /** The FAQ in force: {@code source} is {@code file} or {@code embedded}; {@code changesGoTo} where edits go. */
    public record FaqInfo(String source, String file, String format, int entries, String nextId,
                          String changesGoTo) {
    }

    /** The FAQ in force as bytes, with a file name to offer. */
    public record FaqDownload(String fileName, FaqFormat format, byte[] bytes) {
    }

    /** A change done: the file now in force, its entries, the backup of the old file (if any), a new entry's id. */
    public record FaqChange(String file, int entries, String backup, String id) {
    }

    /** The rules reloaded from {@code file}: how many rules (queues and flags) it has. */
    public record RulesChange(String file, int rules) {
    }

    /** One new FAQ entry as a supervisor writes it; {@code id} may be empty (a free one is chosen). */
    public record NewFaqEntry(String id, String question, List<String> similar, String answer, List<String> tags) {
        public NewFaqEntry {
            Objects.requireNonNull(question, "question");
            Objects.requireNonNull(answer, "answer");
            similar = similar == null ? List.of() : List.copyOf(similar);
            tags = tags == null ? List.of() : List.copyOf(tags);
        }
    }
}
