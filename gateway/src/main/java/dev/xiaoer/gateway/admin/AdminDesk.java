package dev.xiaoer.gateway.admin;

import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.store.ConversationStore;
import dev.xiaoer.intents.IntentEngine;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Objects;

/**
 * The shop owner's side of the gateway, as the admin API and the supervisor view use it: the bot's files
 * ({@link IntentFiles}), the reports over the stored events (unanswered questions, the day's summary, flags), and
 * readiness. Plain Java; every report reads the store, so callers run them off the event loops.
 */
public final class AdminDesk {

    private final ConversationStore store;
    private final Clock clock;
    private final ZoneId zone;
    private final IntentFiles files;
    private final UnansweredReport unanswered;
    private final DailySummary summary;
    private final FlagReport flags;

    /** {@code faqInForce}: the FAQ file the engine was built from ({@link IntentFiles#faqAtStart}), or null. */
    public AdminDesk(GatewayConfig config, ConversationStore store, IntentEngine engine, Path faqInForce,
                     Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.zone = config.businessHours().timeZone();
        this.files = new IntentFiles(config, engine, faqInForce, clock);
        this.unanswered = new UnansweredReport(store, engine);
        this.summary = new DailySummary(store, clock, zone);
        this.flags = new FlagReport(store);
    }

    /** The FAQ and rules files. */
    public IntentFiles files() {
        return files;
    }

    /** The unanswered-question report. */
    public UnansweredReport unanswered() {
        return unanswered;
    }

    /** The day's figures. */
    public DailySummary summary() {
        return summary;
    }

    /** The flagged messages. */
    public FlagReport flags() {
        return flags;
    }

    /** The time zone reports speak in: the business hours'. */
    public ZoneId zone() {
        return zone;
    }

    /** The gateway's clock. */
    public Clock clock() {
        return clock;
    }

    /** Whether the gateway can serve: a FAQ is loaded and the store can write. Cheap; fine on an event loop. */
    public Readiness readiness() {
        return new Readiness(files.faqLoaded(), store.writable());
    }

    /** What {@code /ready} reports. */
    public record Readiness(boolean faqLoaded, boolean storeWritable) {
        public boolean ready() {
            return faqLoaded && storeWritable;
        }
    }
}
