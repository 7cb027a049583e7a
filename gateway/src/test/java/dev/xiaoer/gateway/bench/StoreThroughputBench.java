package dev.xiaoer.gateway.bench;

import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.EventBody;
import dev.xiaoer.gateway.store.CommitListener;
import dev.xiaoer.gateway.store.NewConversation;
import dev.xiaoer.gateway.store.SqliteConversationStore;
import dev.xiaoer.gateway.store.StoreOptions;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * How many acknowledged events per second the SQLite store commits, and how long an append waits for its
 * acknowledgement, with 1, 16 and 256 writers that each wait for their ack before sending the next event (like
 * buyers waiting for {@code ack}). Not a unit test: run it with
 * {@code mvn -B -pl gateway -am -Pstore-bench test-compile} (see gateway/README.md, "Store throughput").
 *
 * <p>A last run shows the writer's ceiling: one thread keeps {@code --inflight} appends in flight (over 1,000
 * conversations) without waiting for each, so the writer is never idle; its latency is mostly queueing.
 *
 * <p>Arguments: {@code --writers=1,16,256 --inflight=5000 --seconds=10 --warmup=3 --delay-ms=0
 * --dir=target/store-bench} ({@code --inflight=0} skips the ceiling run).
 */
public final class StoreThroughputBench {

    private static final Instant T0 = Instant.parse("2025-03-01T09:00:00Z");

    private StoreThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        // The store logs a line per open and close; the table is what this run is for.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        List<Integer> writers = List.of(1, 16, 256);
        int seconds = 10;
        int warmup = 3;
        long delayMs = 0;
        int inflight = 5_000;
        Path dir = Path.of("target", "store-bench");
        for (String arg : args) {
            String value = arg.substring(arg.indexOf('=') + 1);
            if (arg.startsWith("--writers=")) {
                writers = Stream.of(value.split(",")).map(String::trim).map(Integer::valueOf).toList();
            } else if (arg.startsWith("--seconds=")) {
                seconds = Integer.parseInt(value);
            } else if (arg.startsWith("--warmup=")) {
                warmup = Integer.parseInt(value);
            } else if (arg.startsWith("--inflight=")) {
                inflight = Integer.parseInt(value);
            } else if (arg.startsWith("--delay-ms=")) {
                delayMs = Long.parseLong(value);
            } else if (arg.startsWith("--dir=")) {
                dir = Path.of(value);
            } else if (!arg.isBlank()) {
                throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        System.out.printf("store throughput: %d s per run after %d s warm-up, maxBatchDelay %d ms, JDK %s, %d cores%n",
                seconds, warmup, delayMs, Runtime.version(), Runtime.getRuntime().availableProcessors());
        System.out.printf("%15s %14s %10s %10s %10s %10s %12s %12s%n", "writers", "acked ev/s", "p50 µs", "p99 µs",
                "p99.9 µs", "max µs", "events/commit", "µs/commit");
        for (int w : writers) {
            run(w, 0, seconds, warmup, delayMs, dir.resolve("writers-" + w));
        }
        if (inflight > 0) {
            run(1, inflight, seconds, warmup, delayMs, dir.resolve("inflight-" + inflight));
        }
    }

    /**
     * {@code writers} threads, each appending to its own conversation and waiting for every ack; or, when
     * {@code inflight > 0}, one thread keeping that many appends in flight over 1,000 conversations.
     */
    private static void run(int writers, int inflight, int seconds, int warmup, long delayMs, Path dir)
            throws Exception {
        int conversations = inflight > 0 ? 1_000 : writers;
        deleteRecursively(dir);
        AtomicLong commits = new AtomicLong();
        AtomicLong committedEvents = new AtomicLong();
        AtomicLong commitNanos = new AtomicLong();
        CommitListener listener = (writes, events, nanos) -> {
            commits.incrementAndGet();
            committedEvents.addAndGet(events);
            commitNanos.addAndGet(nanos);
        };
        StoreOptions options = StoreOptions.defaults().withMaxBatchDelay(Duration.ofMillis(delayMs))
                .withCommitListener(listener);
        Recorder latency = new Recorder(3);
        AtomicLong acked = new AtomicLong();
        try (SqliteConversationStore store = SqliteConversationStore.open(dir, options)) {
            for (int i = 0; i < conversations; i++) {
                store.open(new NewConversation("bench-" + i, "h", T0)).get(30, TimeUnit.SECONDS);
            }
            List<Thread> threads = new ArrayList<>();
            AtomicBoolean running = new AtomicBoolean(true);
            if (inflight > 0) {
                Thread t = new Thread(() -> pipeline(store, inflight, conversations, running, latency, acked),
                        "bench-pipeline");
                threads.add(t);
                t.start();
            }
            for (int i = 0; inflight == 0 && i < writers; i++) {
                String id = "bench-" + i;
                Thread t = new Thread(() -> {
                    long seq = 0;
                    while (running.get()) {
                        seq++;
                        ConversationEvent event = new ConversationEvent(id, seq, T0.plusMillis(seq), body(seq));
                        long start = System.nanoTime();
                        try {
                            store.append(List.of(event)).get(30, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        latency.recordValue((System.nanoTime() - start) / 1_000);
                        acked.incrementAndGet();
                    }
                }, "bench-writer-" + i);
                threads.add(t);
                t.start();
            }
            Thread.sleep(warmup * 1000L);
            latency.reset();
            long ackedBefore = acked.get();
            long commitsBefore = commits.get();
            long eventsBefore = committedEvents.get();
            long nanosBefore = commitNanos.get();
            long start = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            Histogram h = latency.getIntervalHistogram();
            double elapsed = (System.nanoTime() - start) / 1e9;
            long ackedDuring = acked.get() - ackedBefore;
            long commitsDuring = commits.get() - commitsBefore;
            long eventsDuring = committedEvents.get() - eventsBefore;
            long nanosDuring = commitNanos.get() - nanosBefore;
            running.set(false);
            for (Thread t : threads) {
                t.join();
            }
            String label = inflight > 0 ? inflight + " in flight" : Integer.toString(writers);
            System.out.printf("%15s %14.0f %10d %10d %10d %10d %12.1f %12.0f%n", label, ackedDuring / elapsed,
                    h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9),
                    h.getMaxValue(), commitsDuring == 0 ? 0.0 : (double) eventsDuring / commitsDuring,
                    commitsDuring == 0 ? 0.0 : nanosDuring / 1e3 / commitsDuring);
        }
        deleteRecursively(dir);
    }

    private static void pipeline(SqliteConversationStore store, int inflight, int conversations,
                                 AtomicBoolean running, Recorder latency, AtomicLong acked) {
        Semaphore window = new Semaphore(inflight);
        long[] seqs = new long[conversations];
        int next = 0;
        while (running.get()) {
            try {
                window.acquire();
            } catch (InterruptedException e) {
                return;
            }
            int c = next++ % conversations;
            long seq = ++seqs[c];
            long start = System.nanoTime();
            store.append(List.of(new ConversationEvent("bench-" + c, seq, T0.plusMillis(seq), body(seq))))
                    .whenComplete((ok, failed) -> {
                        if (failed == null) {
                            latency.recordValue((System.nanoTime() - start) / 1_000);
                            acked.incrementAndGet();
                        }
                        window.release();
                    });
        }
        window.acquireUninterruptibly(inflight);
    }

    /** A buyer message, then the bot's reply to it, and so on: the two events of every exchange. */
    private static EventBody body(long seq) {
        if (seq % 2 == 1) {
            return new EventBody.BuyerSaid("m" + seq, "亲，我昨天下的单什么时候发货？", null);
        }
        return new EventBody.BotReplied(seq - 1, "answer", "您好，现货订单 48 小时内发货，预售商品以页面时间为准。",
                "faq-shipping", 0.87, List.of());
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
