package dev.xiaoer.gateway.bench;

import dev.xiaoer.gateway.Gateway;
import dev.xiaoer.gateway.chat.KeywordEngine;
import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.store.InMemoryConversationStore;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A documented harness, not a test (never run by {@code mvn verify}): an in-process gateway with the keyword test
 * engine and the in-memory store, and N buyers over real loopback WebSockets, each with one message in flight.
 * Measures, per message, the time from send to the {@code ack} and to the bot's {@code reply}: the cost of the
 * gateway's own path (decode, lane, store hop, frames), without FAQ search or disk.
 *
 * <pre>
 * mvn -B -q -pl gateway -am test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.xiaoer.gateway.bench.ChatRoundTrip -Dexec.args="100 200"
 * </pre>
 * Arguments: connections (default 100), messages per connection (default 200). The first quarter of each
 * connection's messages is warm-up and not recorded.
 */
public final class ChatRoundTrip {

    private ChatRoundTrip() {
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int perConnection = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        GatewayConfig config = GatewayConfig.defaults().withPort(0).withLimits(new GatewayConfig.Limits(
                16384, 2000, 100_000, 100_000, 1_000_000, 1_000_000, 1000, 100_000, 300, 8));
        // Always within business hours, so every buyer gets the same path.
        config = config.withBusinessHours(new GatewayConfig.Hours(java.time.ZoneId.of("UTC"),
                java.util.Arrays.stream(java.time.DayOfWeek.values()).collect(java.util.stream.Collectors.toMap(
                        d -> d, d -> List.of(new GatewayConfig.Opening(0, 1440)))), java.util.Set.of()));
        Gateway gateway = Gateway.builder(config).store(new InMemoryConversationStore()).intents(new KeywordEngine())
                .start();
        String url = "ws://127.0.0.1:" + gateway.port() + "/ws/chat";
        Histogram acks = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        Histogram replies = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        CountDownLatch done = new CountDownLatch(connections);
        List<Buyer> buyers = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            // One client per buyer: a shared java.net.http client funnels every socket through one selector thread.
            buyers.add(new Buyer(HttpClient.newHttpClient(), url, perConnection, acks, replies, done));
        }
        long start = System.nanoTime();
        buyers.forEach(Buyer::start);
        if (!done.await(10, TimeUnit.MINUTES)) {
            System.out.println("did not finish in 10 minutes");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long messages = (long) connections * perConnection;
        System.out.printf("%d connections x %d messages: %.0f messages/s (each: ack + reply)%n", connections,
                perConnection, messages / seconds);
        print("ack  ", acks);
        print("reply", replies);
        buyers.forEach(Buyer::close);
        gateway.close();
    }

    private static void print(String what, Histogram h) {
        System.out.printf("%s p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms  (n=%d)%n", what,
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(90) / 1e6,
                h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6, h.getTotalCount());
    }

    /** One buyer: hello, then send a message, wait for its reply, send the next. */
    private static final class Buyer implements WebSocket.Listener {
        private final int total;
        private final Histogram acks;
        private final Histogram replies;
        private final CountDownLatch done;
        private final CompletableFuture<WebSocket> ws;
        private final StringBuilder partial = new StringBuilder();
        private int sent;
        private long sentAt;

        Buyer(HttpClient http, String url, int total, Histogram acks, Histogram replies, CountDownLatch done) {
            this.total = total;
            this.acks = acks;
            this.replies = replies;
            this.done = done;
            this.ws = http.newWebSocketBuilder().buildAsync(URI.create(url), this);
        }

        void start() {
            ws.join().sendText("{\"type\":\"hello\"}", true);
        }

        private void next(WebSocket w) {
            if (sent == total) {
                done.countDown();
                return;
            }
            sentAt = System.nanoTime();
            w.sendText("{\"type\":\"message\",\"id\":\"m" + (sent++) + "\",\"text\":\"什么时候发货\"}", true);
        }

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                long now = System.nanoTime();
                boolean record = sent > total / 4;
                if (frame.startsWith("{\"type\":\"welcome\"")) {
                    next(w);
                } else if (frame.startsWith("{\"type\":\"ack\"")) {
                    if (record) {
                        synchronized (acks) {
                            acks.recordValue(now - sentAt);
                        }
                    }
                } else if (frame.startsWith("{\"type\":\"reply\"")) {
                    if (record) {
                        synchronized (replies) {
                            replies.recordValue(now - sentAt);
                        }
                    }
                    next(w);
                }
            }
            w.request(1);
            return null;
        }

        void close() {
            ws.join().sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }
}
