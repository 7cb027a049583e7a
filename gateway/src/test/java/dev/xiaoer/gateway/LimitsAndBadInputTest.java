package dev.xiaoer.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import dev.xiaoer.gateway.config.GatewayConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a careless or hostile client can send: each bad input gets a stable error; only floods and oversize close. */
class LimitsAndBadInputTest {

    private TestGateway server;
    private final List<TestBuyer> buyers = new ArrayList<>();

    @AfterEach
    void stop() {
        buyers.forEach(TestBuyer::close);
        if (server != null) {
            server.close();
        }
    }

    private TestBuyer buyer() {
        TestBuyer b = server.buyer();
        buyers.add(b);
        return b;
    }

    private void start(GatewayConfig.Limits limits) throws Exception {
        server = TestGateway.start(TestGateway.testConfig().withLimits(limits));
    }

    /** After an error the connection must still work. */
    private static void stillOpen(TestBuyer b) {
        b.send("{\"type\":\"ping\"}");
        b.next("pong");
        assertTrue(b.isOpen());
    }

    @Test
    void everyKindOfBadFrameGetsItsErrorCodeAndTheConnectionStaysOpen() throws Exception {
        server = TestGateway.start();
        TestBuyer b = buyer();
        b.send("{not json");
        b.error("invalid_json");
        b.send("[1,2,3]");
        b.error("invalid_json");
        b.send("{\"type\":\"ping\"} {\"type\":\"ping\"}");
        b.error("invalid_json");
        b.send("{\"type\":\"dance\"}");
        b.error("unknown_type");
        b.send("{\"text\":\"hi\"}");
        b.error("missing_field");
        b.send("{\"type\":\"message\",\"id\":\"m1\",\"text\":\"什么时候发货\"}");
        JsonNode early = b.error("hello_first");
        assertEquals("m1", early.get("id").asText());
        b.sendBinary(new byte[]{1, 2, 3});
        b.error("binary_not_supported");
        b.send("{\"type\":\"hello\",\"session\":\"abc\"}");
        b.error("missing_field");
        b.send("{\"type\":\"hello\",\"lastSeq\":-5}");
        b.error("invalid_field");
        b.send("{\"type\":\"hello\",\"lastSeq\":\"ten\"}");
        b.error("invalid_field");
        stillOpen(b);

        b.hello();
        b.send("{\"type\":\"hello\"}");
        b.error("already_hello");
        b.send("{\"type\":\"message\",\"text\":\"no id\"}");
        b.error("missing_field");
        b.send("{\"type\":\"message\",\"id\":42,\"text\":\"numeric id\"}");
        b.error("invalid_field");
        b.send("{\"type\":\"message\",\"id\":\"m2\"}");
        b.error("missing_field");
        b.send("{\"type\":\"message\",\"id\":\"m3\",\"text\":\"   \"}");
        b.error("empty_message");
        b.send("{\"type\":\"message\",\"id\":\"m4\",\"text\":\"" + "长".repeat(101) + "\"}");
        JsonNode tooLong = b.error("text_too_long");
        assertEquals("m4", tooLong.get("id").asText());
        b.send("{\"type\":\"ack\"}");
        b.error("missing_field");
        b.send("{\"type\":\"message\",\"id\":\"" + "x".repeat(65) + "\",\"text\":\"hi\"}");
        b.error("invalid_field");
        b.send("{\"type\":\"message\",\"id\":\"m5\",\"text\":\"hi\",\"extra\":{\"nested\":[1,2]}}");
        b.next("ack"); // unknown fields are ignored, for clients newer than the server
        b.next("reply");
        stillOpen(b);
    }

    @Test
    void anOversizeFrameClosesTheConnectionWith1009() throws Exception {
        server = TestGateway.start();
        TestBuyer b = buyer();
        b.hello();
        b.send("{\"type\":\"message\",\"id\":\"big\",\"text\":\"" + "a".repeat(5000) + "\"}");
        assertEquals(1009, b.closeCode());
    }

    @Test
    void anOversizeMessageSentInFragmentsIsClosedWith1009Too() throws Exception {
        server = TestGateway.start();
        try (RawWebSocket raw = new RawWebSocket(server.gateway.port(), "/ws/chat")) {
            byte[] part = "a".repeat(3000).getBytes(StandardCharsets.UTF_8);
            raw.send(RawWebSocket.TEXT, false, part);
            raw.send(RawWebSocket.CONTINUATION, true, part);
            assertEquals(1009, raw.readUntilClose().closeCode());
        }
    }

    @Test
    void aFragmentedFrameWithinTheLimitIsReassembled() throws Exception {
        server = TestGateway.start();
        try (RawWebSocket raw = new RawWebSocket(server.gateway.port(), "/ws/chat")) {
            raw.send(RawWebSocket.TEXT, false, "{\"type\":".getBytes(StandardCharsets.UTF_8));
            raw.send(RawWebSocket.CONTINUATION, true, "\"ping\"}".getBytes(StandardCharsets.UTF_8));
            assertEquals("{\"type\":\"pong\"}", raw.read().text());
        }
    }

    @Test
    void sendingTooFastIsRefusedAsRetryableAndAFloodIsCutOffWith1008() throws Exception {
        start(TestGateway.limits(4096, 100, 1, 2, 1000, 1000, 8, 50, 60));
        TestBuyer b = buyer();
        int errors = 0;
        for (int i = 0; i < 20; i++) {
            b.send("{\"type\":\"ping\"}");
        }
        boolean sawRateLimited = false;
        while (true) {
            JsonNode f;
            try {
                f = b.next();
            } catch (AssertionError closedBeforeMore) {
                break;
            }
            if (f.get("type").asText().equals("error")) {
                assertEquals("rate_limited", f.get("code").asText());
                assertTrue(f.get("retryable").asBoolean());
                sawRateLimited = true;
                errors++;
            }
            if (errors == 7) {
                break;
            }
        }
        assertTrue(sawRateLimited);
        assertEquals(1008, b.closeCode());
    }

    @Test
    void allConnectionsOfOneAddressShareOneRate() throws Exception {
        start(TestGateway.limits(4096, 100, 100, 100, 1, 4, 1000, 50, 60));
        TestBuyer a = buyer();
        TestBuyer b = buyer();
        for (int i = 0; i < 3; i++) {
            a.send("{\"type\":\"ping\"}");
            b.send("{\"type\":\"ping\"}");
        }
        List<JsonNode> frames = new ArrayList<>(a.drain(300));
        frames.addAll(b.drain(300));
        long limited = frames.stream().filter(f -> f.path("code").asText().equals("rate_limited")).count();
        assertTrue(limited >= 1, "6 frames against a shared burst of 4: " + frames);
        assertTrue(a.isOpen() && b.isOpen());
    }

    @Test
    void oneAddressMayHoldOnlySoManyConnections() throws Exception {
        start(TestGateway.limits(4096, 100, 100, 100, 1000, 1000, 1000, 2, 60));
        TestBuyer first = buyer();
        buyer();
        CompletionException refused = assertThrows(CompletionException.class, () -> buyer());
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class,
                refused.getCause());
        assertEquals(429, handshake.getResponse().statusCode());

        first.close();
        assertEquals(1000, first.closeCode());
        // Once one closes, a new one is admitted (the count is released when the socket is gone).
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            try {
                buyer().hello();
                break;
            } catch (CompletionException stillCounted) {
                if (System.nanoTime() > deadline) {
                    throw stillCounted;
                }
                Thread.sleep(20);
            }
        }
    }

    @Test
    void browsersFromOriginsNotAllowedAreRefused() throws Exception {
        server = TestGateway.start(TestGateway.testConfig().withAllowedOrigins(List.of("https://shop.example.com")));
        String ws = server.ws();
        CompletionException refused = assertThrows(CompletionException.class,
                () -> TestBuyer.connect(ws, Map.of("Origin", "https://evil.example.com"), null));
        assertEquals(403, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());

        TestBuyer shop = TestBuyer.connect(ws, Map.of("Origin", "https://shop.example.com"), null);
        buyers.add(shop);
        shop.hello();
        TestBuyer ownPage = TestBuyer.connect(ws, Map.of("Origin", "http://127.0.0.1:" + server.gateway.port()), null);
        buyers.add(ownPage);
        ownPage.hello();
        CompletionException sidePath = assertThrows(CompletionException.class,
                () -> TestBuyer.connect(ws + "/x?y=1", Map.of("Origin", "https://evil.example.com"), null));
        assertEquals(403, ((WebSocketHandshakeException) sidePath.getCause()).getResponse().statusCode(),
                "every path the handshake accepts is guarded");
    }

    @Test
    void oneSessionMayBeOpenInOnlySoManyTabs() throws Exception {
        server = TestGateway.start(); // four tabs per session in the test limits
        JsonNode w = buyer().hello();
        for (int i = 0; i < 3; i++) {
            buyer().resume(w, 0);
        }
        TestBuyer fifth = buyer();
        fifth.send("{\"type\":\"hello\",\"session\":\"" + w.get("session").asText() + "\",\"token\":\""
                + w.get("token").asText() + "\"}");
        assertTrue(fifth.error("too_many_tabs").get("retryable").asBoolean());
        stillOpen(fifth);
    }

    @Test
    void aClientThatStopsAnsweringIsPingedThenClosedWith1001() throws Exception {
        start(TestGateway.limits(4096, 100, 100, 100, 1000, 1000, 1000, 50, 1));
        try (RawWebSocket silent = new RawWebSocket(server.gateway.port(), "/ws/chat")) {
            RawWebSocket.Frame ping = silent.read();
            assertEquals(RawWebSocket.PING, ping.opcode());
            RawWebSocket.Frame close = silent.read();
            assertEquals(RawWebSocket.CLOSE, close.opcode());
            assertEquals(1001, close.closeCode());
        }
    }

    @Test
    void aClientThatStopsReadingIsCutOffInsteadOfHavingItsAnswersPileUpInMemory() throws Exception {
        start(TestGateway.limits(4096, 100, 1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000, 50, 60));
        try (RawWebSocket greedy = new RawWebSocket(server.gateway.port(), "/ws/chat", 4096)) {
            greedy.sendText("{\"type\":\"hello\"}");
            // Questions, and never a read: acks, answers and busy errors pile up on the server's side. Sent from
            // another thread, so that this test cannot hang if the server stops reading too.
            Thread sender = new Thread(() -> {
                try {
                    for (int i = 0; i < 60_000; i++) {
                        greedy.sendText("{\"type\":\"message\",\"id\":\"m" + i + "\",\"text\":\"什么时候发货\"}");
                    }
                } catch (IOException closed) {
                    // the server closed the connection: what this test waits for
                }
            });
            sender.start();
            sender.join(30_000);
            // The server's receive buffer holds much of what was sent: wait until it has read every frame (and so
            // written or queued every answer) before reading anything.
            Counter received = server.gateway.metrics().registry()
                    .get("xiaoer.frames.received").tag("endpoint", "buyer").counter();
            long deadline = System.nanoTime() + 30_000_000_000L;
            double before = -1;
            while (received.count() < 60_001 && received.count() > before && System.nanoTime() < deadline) {
                before = received.count();
                Thread.sleep(500); // also stops once the server reads no more (it may drop a closing client's frames)
            }
            // What was sent before the server gave up arrives, then either the close frame (1008) or, when the server
            // stopped waiting for this client to take it, the end of the connection: never all the answers.
            RawWebSocket.Frame f = null;
            int frames = 0;
            try {
                do {
                    f = greedy.read();
                    frames++;
                } while (f.opcode() != RawWebSocket.CLOSE);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("still open after " + frames + " frames", e);
            } catch (IOException ended) {
                f = null; // closed (or reset) before the close frame could be read
            }
            if (f != null) {
                assertEquals(1008, f.closeCode(), "after " + frames + " frames");
                assertTrue(f.text().contains("not reading its frames"), f.text());
            }
            assertTrue(frames < 60_000 * 2, "closed before every answer was written: " + frames + " frames");
        }
    }

    @Test
    void aQuietClientThatAnswersPingsIsKept() throws Exception {
        start(TestGateway.limits(4096, 100, 100, 100, 1000, 1000, 1000, 50, 1));
        TestBuyer b = buyer(); // java.net.http answers pings with pongs by itself
        b.hello();
        Thread.sleep(3000); // three idle periods without a single message
        assertTrue(b.isOpen());
        stillOpen(b);
        assertFalse(b.drain(50).stream().anyMatch(f -> f.path("type").asText().equals("error")));
    }
}
