package dev.xiaoer.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaoer.gateway.chat.KeywordEngine;
import dev.xiaoer.gateway.chat.MutableClock;
import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.EventBody;
import dev.xiaoer.gateway.queue.Handoff;
import dev.xiaoer.gateway.store.ConversationStore;
import dev.xiaoer.gateway.store.ConversationSummary;
import dev.xiaoer.gateway.store.InMemoryConversationStore;
import dev.xiaoer.gateway.store.NewConversation;
import dev.xiaoer.gateway.store.StoredConversation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starting, restarting over the same store, shutting down gracefully, TLS, and the command line. */
class GatewayLifecycleTest {

    @Test
    void aNewGatewayOverTheSameStoreRestoresConversationsSoBuyersResumeWhereTheyWere() throws Exception {
        TestGateway first = TestGateway.start();
        JsonNode welcome;
        long seen;
        Instant handedOffAt;
        try (TestConsole mei = first.console(); TestBuyer b = first.buyer()) {
            mei.loginAway("mei");
            welcome = b.hello();
            b.say("m1", "什么时候发货");
            b.next("ack");
            seen = b.next("reply").get("seq").asLong();
            b.say("m2", "我要退款");
            b.next("ack");
            b.next("queued");
            handedOffAt = first.gateway.waitingLines().waiting("after-sales").join().get(0).waitingSince();
        }
        first.close();
        first.clock.advance(Duration.ofMinutes(3));

        try (TestGateway second = TestGateway.restart(first); TestBuyer back = second.buyer()) {
            Handoff waiting = second.gateway.waitingLines().waiting("after-sales").join().get(0);
            assertEquals(welcome.get("session").asText(), waiting.conversationId());
            assertEquals(handedOffAt, waiting.waitingSince(), "waiting since the original handoff");

            JsonNode again = back.resume(welcome, seen);
            assertTrue(again.get("resumed").asBoolean());
            assertEquals("waiting", again.get("state").asText());
            assertEquals(1, again.get("place").get("position").asInt());
            assertEquals("m2", back.next("message").get("id").asText());
            assertEquals(1, back.next("queued").get("position").asInt());
            assertEquals(1, back.next("position").get("position").asInt());
            assertTrue(back.drain(200).isEmpty());

            back.say("m2", "我要退款");
            assertEquals(3, back.next("ack").get("seq").asLong(), "the accepted id survived the restart");
            back.say("m3", "什么时候发货");
            assertEquals(5, back.next("ack").get("seq").asLong(), "seq carries on after the last stored one");
        }
    }

    /** A store whose writes take a while to commit, to catch a shutdown that does not wait for them. */
    private static final class SlowStore implements ConversationStore {
        final InMemoryConversationStore inner = new InMemoryConversationStore();
        final AtomicInteger pending = new AtomicInteger();

        @Override
        public CompletableFuture<Void> open(NewConversation c) {
            return inner.open(c);
        }

        @Override
        public CompletableFuture<Void> append(List<ConversationEvent> events) {
            pending.incrementAndGet();
            // Its own thread for the delay: the common pool may have a single worker on a small machine.
            return inner.append(events).thenCompose(v -> CompletableFuture.runAsync(pending::decrementAndGet,
                    CompletableFuture.delayedExecutor(400, TimeUnit.MILLISECONDS, r -> new Thread(r).start())));
        }

        @Override
        public List<StoredConversation> openConversations() {
            return inner.openConversations();
        }

        @Override
        public Optional<ConversationSummary> conversation(String id) {
            return inner.conversation(id);
        }

        @Override
        public List<ConversationEvent> events(String id, long afterSeq, int limit) {
            return inner.events(id, afterSeq, limit);
        }

        @Override
        public int deleteClosedBefore(Instant cutoff) {
            return inner.deleteClosedBefore(cutoff);
        }

        @Override
        public boolean writable() {
            return inner.writable();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void gracefulShutdownFinishesWritesInFlightThenSays1001AndClosesTheStore() throws Exception {
        SlowStore store = new SlowStore();
        Gateway gateway = Gateway.builder(TestGateway.testConfig().withPort(0)).store(store)
                .intents(new KeywordEngine()).clock(MutableClock.mondayShanghai(10, 0)).start();
        TestBuyer b = TestBuyer.connect("ws://127.0.0.1:" + gateway.port() + "/ws/chat");
        String session = b.hello().get("session").asText();
        b.say("m1", "什么时候发货");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (store.pending.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(1, store.pending.get(), "the write is in flight");

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(gateway::close, r -> new Thread(r).start());
        assertEquals(1, b.next("ack").get("seq").asLong(), "the in-flight message is still acknowledged");
        b.next("reply");
        assertEquals(1001, b.closeCode());
        stopping.get(20, TimeUnit.SECONDS);
        assertFalse(store.writable(), "the store is closed last");
        assertEquals(2, store.inner.events(session, 0, 10).size(), "the message and its reply are stored");
        assertTrue(gateway.terminated().isDone());
        TestBuyer late = null;
        try {
            late = TestBuyer.connect("ws://127.0.0.1:" + gateway.port() + "/ws/chat");
        } catch (RuntimeException refused) {
            // expected: nobody listens any more
        }
        assertEquals(null, late, "no new connections after shutdown");
    }

    @Test
    void withACertificateAndKeyTheGatewayServesWss(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("test.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "gw", "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "testpass",
                "-keypass", "testpass").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore.toFile())) {
            ks.load(in, "testpass".toCharArray());
        }
        Certificate cert = ks.getCertificate("gw");
        Path certPem = dir.resolve("cert.pem");
        Path keyPem = dir.resolve("key.pem");
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", ks.getKey("gw", "testpass".toCharArray()).getEncoded()));
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, "server:\n  tls:\n    certificate: cert.pem\n    privateKey: key.pem\n");

        GatewayConfig tls = GatewayConfig.load(config).withLimits(TestGateway.testConfig().limits());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("gw", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);

        try (TestGateway server = TestGateway.start(tls)) {
            assertTrue(server.gateway.url().startsWith("https://"));
            try (TestBuyer b = TestBuyer.connect("wss://127.0.0.1:" + server.gateway.port() + "/ws/chat", Map.of(),
                    ssl)) {
                b.hello();
                b.say("m1", "什么时候发货");
                b.next("ack");
                assertEquals("ship", b.next("reply").get("faqId").asText());
            }
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    @Test
    void theCommandLineRefusesBadArgumentsAndConfigsWithExitCode2(@TempDir Path dir) throws Exception {
        assertEquals(2, GatewayMain.run(new String[]{"--port", "seventy"}));
        assertEquals(2, GatewayMain.run(new String[]{"--port", "70000"}));
        assertEquals(2, GatewayMain.run(new String[]{"--colour", "red"}));
        assertEquals(2, GatewayMain.run(new String[]{"--config"}));
        assertEquals(2, GatewayMain.run(new String[]{"--config", dir.resolve("missing.yaml").toString()}));
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "limits:\n  maxTextChars: lots\n");
        assertEquals(2, GatewayMain.run(new String[]{"--config", bad.toString()}));
        assertEquals(0, GatewayMain.run(new String[]{"--help"}));
    }

    @Test
    void theEventsOfAConversationAreStoredInSeqOrderWithTheBuyersWords() throws Exception {
        try (TestGateway server = TestGateway.start(); TestBuyer b = server.buyer()) {
            String session = b.hello().get("session").asText();
            b.say("m1", "什么时候发货");
            b.next("ack");
            b.next("reply");
            List<ConversationEvent> events = server.memory.events(session, 0, 10);
            assertEquals(List.of(1L, 2L), events.stream().map(ConversationEvent::seq).toList());
            assertEquals("什么时候发货", ((EventBody.BuyerSaid) events.get(0).body()).text());
            assertEquals(2, ((EventBody.BotReplied) events.get(1).body()).inReplyTo() + 1);
        }
    }
}
