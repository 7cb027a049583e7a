package dev.xiaoer.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The gateway's promise under a crash: a child JVM running the real jar is killed with SIGKILL while buyers are
 * sending; after a restart on the same data folder, every message that was acknowledged is there exactly once with
 * its seq, every buyer can resume with what it missed, and resending what was never acknowledged is accepted once.
 * Run by Failsafe after the shaded jar is built.
 */
class CrashRecoveryIT {

    private static final Pattern LISTENING = Pattern.compile("xiaoer gateway listening on https?://([^:]+):(\\d+)");
    private static final int BUYERS = 12;
    private static final int IN_FLIGHT = 4;
    private static final int CRASHES = 3;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedMessageSurvivesSigkillExactlyOnceAndBuyersResume() throws Exception {
        Path data = dir.resolve("data");
        List<Buyer> buyers = new ArrayList<>();
        for (int crash = 1; crash <= CRASHES; crash++) {
            Child gateway = Child.start(data);
            try {
                if (buyers.isEmpty()) {
                    for (int i = 0; i < BUYERS; i++) {
                        buyers.add(Buyer.newSession(gateway.ws()));
                    }
                } else {
                    String ws = gateway.ws();
                    buyers.parallelStream().forEach(b -> b.checkAfterRestart(ws));
                }
                for (Buyer b : buyers) {
                    b.startSending();
                }
                // Let acknowledgements pile up, then pull the plug while messages are in flight.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (acked(buyers) < 60L * crash * BUYERS / 4 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(buyers.stream().allMatch(b -> b.inFlight() > 0 || b.acked.size() > 0),
                        "every buyer was sending when the gateway was killed");
                System.out.printf("crash %d: %d acknowledged so far, killing the gateway%n", crash, acked(buyers));
            } finally {
                gateway.kill();
            }
            for (Buyer b : buyers) {
                b.lostConnection();
            }
        }
        Child gateway = Child.start(data);
        try {
            String ws = gateway.ws();
            buyers.parallelStream().forEach(b -> b.checkAfterRestart(ws));
        } finally {
            gateway.stop();
        }
        assertTrue(acked(buyers) >= 60L * CRASHES * BUYERS / 4, "enough messages were acknowledged to mean something");
    }

    private static long acked(List<Buyer> buyers) {
        return buyers.stream().mapToLong(b -> b.acked.size()).sum();
    }

    /** The gateway jar in a child JVM. */
    private static final class Child {
        private final Process process;
        private final String host;
        private final int port;

        private Child(Process process, String host, int port) {
            this.process = process;
            this.host = host;
            this.port = port;
        }

        static Child start(Path data) throws IOException, InterruptedException {
            long started = System.nanoTime();
            String jar = System.getProperty("gateway.jar", "target/xiaoer-gateway.jar");
            assertTrue(Files.isRegularFile(Path.of(jar)), "the shaded gateway jar is built: " + jar);
            Path log = data.resolveSibling("gateway.log");
            // The buyers here are a load, not abusers: the per-connection and per-IP limits are raised.
            Path config = data.resolveSibling("gateway.yaml");
            Files.writeString(config, "limits:\n  messagesPerSecond: 10000\n  messageBurst: 10000\n"
                    + "  ipMessagesPerSecond: 100000\n  ipMessageBurst: 100000\n");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-jar", jar, "--config", config.toString(), "--port", "0", "--data", data.toString())
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return null;
                }
            });
            String first;
            try {
                first = line.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("the gateway did not start within 60 s; see " + log, e);
            }
            Matcher m = first == null ? null : LISTENING.matcher(first);
            if (m == null || !m.find()) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("unexpected first line from the gateway: " + first + "; see " + log);
            }
            System.out.printf("gateway up in %d ms%n", (System.nanoTime() - started) / 1_000_000);
            return new Child(p, m.group(1), Integer.parseInt(m.group(2)));
        }

        String ws() {
            return "ws://" + host + ":" + port + "/ws/chat";
        }

        /** SIGKILL: no shutdown hook runs, nothing is flushed that was not already. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the gateway died");
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                fail("the gateway did not stop on SIGTERM within 30 s");
            }
        }
    }

    /** One buyer: its session, what it was told was stored, and what it has seen. */
    private static final class Buyer {
        private static final HttpClient HTTP = HttpClient.newHttpClient();

        final Map<String, Long> acked = new ConcurrentHashMap<>();
        private final Set<String> sent = ConcurrentHashMap.newKeySet();
        private final AtomicLong lastSeenSeq = new AtomicLong();
        private final AtomicInteger nextId = new AtomicInteger();
        private String session;
        private String token;
        private Socket socket;

        static Buyer newSession(String url) {
            Buyer b = new Buyer();
            b.socket = Socket.open(url);
            b.socket.send("{\"type\":\"hello\"}");
            JsonNode welcome = b.socket.next("welcome");
            b.session = welcome.get("session").asText();
            b.token = welcome.get("token").asText();
            b.socket.onFrame(b::live);
            return b;
        }

        int inFlight() {
            return sent.size() - acked.size();
        }

        void startSending() {
            for (int i = 0; i < IN_FLIGHT; i++) {
                sendNext();
            }
        }

        private void sendNext() {
            String id = "m-" + nextId.incrementAndGet();
            sent.add(id);
            send(id);
        }

        private void send(String id) {
            Socket s = socket;
            if (s != null) {
                s.sendQuietly("{\"type\":\"message\",\"id\":\"" + id + "\",\"text\":\"什么时候发货\"}");
            }
        }

        /** Frames while sending: record acks, keep a few messages in flight. */
        private void live(JsonNode f) {
            long seq = f.path("seq").asLong(0);
            if (seq > 0) {
                lastSeenSeq.accumulateAndGet(seq, Math::max);
            }
            if (f.path("type").asText().equals("error")) {
                // busy / store_unavailable / rate_limited: the same id again, a little later.
                assertTrue(f.path("retryable").asBoolean() && f.has("id"), "only retryable errors: " + f);
                CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS).execute(() -> send(f.get("id").asText()));
            }
            if (f.path("type").asText().equals("ack")) {
                Long before = acked.putIfAbsent(f.get("id").asText(), seq);
                assertTrue(before == null || before == seq, "an id is acked with one seq only: " + f);
                sendNext();
            }
        }

        void lostConnection() {
            Socket s = socket;
            socket = null;
            if (s != null) {
                s.abort();
            }
        }

        /**
         * After a restart: a full replay holds every acked message once with its seq; a resume from the last seen
         * seq holds exactly the tail after it; resending what was never acked is accepted once per id.
         */
        void checkAfterRestart(String url) {
            Socket full = Socket.open(url);
            full.send("{\"type\":\"hello\",\"session\":\"" + session + "\",\"token\":\"" + token + "\",\"lastSeq\":0}");
            JsonNode welcome = full.next("welcome");
            assertEquals(Boolean.TRUE, welcome.get("resumed").asBoolean(), "the session survived: " + welcome);
            // Nothing agents-only happens in these chats, so the replay ends with the conversation's last seq.
            long last = welcome.get("lastSeq").asLong();
            List<JsonNode> replay = full.until(last);
            full.abort();

            Map<String, Long> stored = new HashMap<>();
            long previous = 0;
            for (JsonNode f : replay) {
                long seq = f.path("seq").asLong(0);
                assertTrue(seq > previous, "replayed seqs strictly increase: " + replay);
                previous = seq;
                if (f.path("type").asText().equals("message")) {
                    Long twice = stored.put(f.get("id").asText(), seq);
                    assertEquals(null, twice, "message " + f.get("id") + " is stored once");
                }
            }
            for (Map.Entry<String, Long> a : acked.entrySet()) {
                assertEquals(a.getValue(), stored.get(a.getKey()),
                        "acknowledged message " + a.getKey() + " is stored with the seq it was acked with");
            }
            assertFalse(replay.isEmpty(), "a buyer that spoke has a history");

            long since = lastSeenSeq.get();
            Socket resumed = Socket.open(url);
            resumed.send("{\"type\":\"hello\",\"session\":\"" + session + "\",\"token\":\"" + token
                    + "\",\"lastSeq\":" + since + "}");
            resumed.next("welcome");
            List<JsonNode> missed = since < last ? resumed.until(last) : new ArrayList<>();
            missed.addAll(resumed.quiet(Duration.ofMillis(200)));
            List<Long> expectedTail = replay.stream().map(f -> f.path("seq").asLong()).filter(s -> s > since).toList();
            assertEquals(expectedTail, missed.stream().map(f -> f.path("seq").asLong()).toList(),
                    "a resume from lastSeq " + since + " sends exactly the frames after it");

            // Messages sent but never acknowledged: resend with the same ids; each is accepted once.
            Set<String> unacked = new HashSet<>(sent);
            unacked.removeAll(acked.keySet());
            for (String id : unacked) {
                resumed.send("{\"type\":\"message\",\"id\":\"" + id + "\",\"text\":\"什么时候发货\"}");
                JsonNode ack = resumed.nextOf("ack");
                assertEquals(id, ack.get("id").asText());
                long seq = ack.get("seq").asLong();
                if (stored.containsKey(id)) {
                    assertEquals(stored.get(id), seq, "a message stored before the crash keeps its seq: " + ack);
                    assertTrue(ack.path("duplicate").asBoolean(), "and is acknowledged as a duplicate: " + ack);
                }
                acked.put(id, seq);
            }
            lastSeenSeq.accumulateAndGet(resumed.maxSeq(), Math::max);
            resumed.onFrame(this::live);
            socket = resumed;
        }
    }

    /** A WebSocket that queues frames until a live handler is set. */
    private static final class Socket {
        private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        private final AtomicLong maxSeq = new AtomicLong();
        private volatile java.util.function.Consumer<JsonNode> live;
        private WebSocket ws;

        static Socket open(String url) {
            Socket s = new Socket();
            s.ws = Buyer.HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create(url), new WebSocket.Listener() {
                        private final StringBuilder partial = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            partial.append(data);
                            if (last) {
                                try {
                                    JsonNode f = TestBuyer.JSON.readTree(partial.toString());
                                    s.maxSeq.accumulateAndGet(f.path("seq").asLong(0), Math::max);
                                    java.util.function.Consumer<JsonNode> handler = s.live;
                                    if (handler != null) {
                                        handler.accept(f);
                                    } else {
                                        s.frames.add(f);
                                    }
                                } catch (IOException e) {
                                    throw new AssertionError("unparseable frame " + partial, e);
                                }
                                partial.setLength(0);
                            }
                            w.request(1);
                            return null;
                        }
                    }).join();
            return s;
        }

        synchronized void onFrame(java.util.function.Consumer<JsonNode> handler) {
            JsonNode queued;
            while ((queued = frames.poll()) != null) {
                handler.accept(queued);
            }
            live = handler;
        }

        void send(String json) {
            ws.sendText(json, true).join();
        }

        /** Sends unless the connection is already gone (the gateway may be killed at any moment). */
        synchronized void sendQuietly(String json) {
            try {
                ws.sendText(json, true).get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // The crash this test causes; the message stays unacknowledged and is resent after the restart.
            }
        }

        JsonNode next(String type) {
            try {
                JsonNode f = frames.poll(15, TimeUnit.SECONDS);
                if (f == null) {
                    throw new AssertionError("no " + type + " frame within 15 s");
                }
                assertEquals(type, f.path("type").asText(), f::toString);
                return f;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** The next frame of {@code type}, skipping replies and other conversation frames in between. */
        JsonNode nextOf(String type) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline) {
                try {
                    JsonNode f = frames.poll(200, TimeUnit.MILLISECONDS);
                    if (f != null && f.path("type").asText().equals(type)) {
                        return f;
                    }
                    if (f != null && f.path("type").asText().equals("error")) {
                        throw new AssertionError("unexpected error " + f);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
            throw new AssertionError("no " + type + " frame within 15 s");
        }

        /** Frames up to and including the one numbered {@code seq}. */
        List<JsonNode> until(long seq) {
            List<JsonNode> out = new ArrayList<>();
            while (true) {
                JsonNode f;
                try {
                    f = frames.poll(15, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
                if (f == null) {
                    throw new AssertionError("the replay stopped before seq " + seq + " after " + out);
                }
                out.add(f);
                if (f.path("seq").asLong(0) >= seq) {
                    return out;
                }
            }
        }

        /** Frames until none has come for {@code quiet}. */
        List<JsonNode> quiet(Duration quiet) {
            List<JsonNode> out = new ArrayList<>();
            try {
                JsonNode f;
                while ((f = frames.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
                    out.add(f);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return out;
        }

        long maxSeq() {
            return maxSeq.get();
        }

        void abort() {
            ws.abort();
        }
    }
}
