package dev.xiaoer.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A buyer's browser, as far as the protocol goes: a real WebSocket client (java.net.http) that records frames. */
final class TestBuyer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket ws;
    private final BlockingQueue<JsonNode> source;
    private final CompletableFuture<Integer> closed;
    private final AtomicInteger received;
    private final AtomicInteger sent = new AtomicInteger();

    private TestBuyer(WebSocket ws, BlockingQueue<JsonNode> frames, CompletableFuture<Integer> closed,
                      AtomicInteger received) {
        this.ws = ws;
        this.source = frames;
        this.closed = closed;
        this.received = received;
    }

    static TestBuyer connect(String wsUrl) {
        return connect(wsUrl, Map.of(), null);
    }

    static TestBuyer connect(String wsUrl, Map<String, String> headers, SSLContext ssl) {
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (ssl != null) {
            http.sslContext(ssl);
        }
        BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        AtomicInteger received = new AtomicInteger();
        WebSocket.Builder b = http.build().newWebSocketBuilder();
        headers.forEach(b::header);
        WebSocket ws = b.buildAsync(URI.create(wsUrl), new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    received.incrementAndGet();
                    try {
                        frames.add(JSON.readTree(partial.toString()));
                    } catch (Exception e) {
                        frames.add(JSON.createObjectNode().put("type", "unparseable").put("raw", partial.toString()));
                    }
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closed.complete(-1);
            }
        }).join();
        return new TestBuyer(ws, frames, closed, received);
    }

    void send(String json) {
        sent.incrementAndGet();
        ws.sendText(json, true).join();
    }

    /** Text frames received so far (read or not). */
    int received() {
        return received.get();
    }

    /** Text frames sent so far. */
    int sent() {
        return sent.get();
    }

    void sendBinary(byte[] bytes) {
        sent.incrementAndGet();
        ws.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    /** The next frame, waiting up to 10 s. */
    JsonNode next() {
        try {
            JsonNode n = source.poll(10, TimeUnit.SECONDS);
            if (n == null) {
                throw new AssertionError("no frame within 10 s");
            }
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next frame, which must be of {@code type}. */
    JsonNode next(String type) {
        JsonNode n = next();
        assertEquals(type, n.path("type").asText(), () -> "expected a " + type + " frame, got " + n);
        return n;
    }

    /** The next frame must be an error with {@code code}. */
    JsonNode error(String code) {
        JsonNode n = next("error");
        assertEquals(code, n.path("code").asText(), n::toString);
        return n;
    }

    /** Frames arriving within {@code millis}, for asserting that nothing (more) comes. */
    List<JsonNode> drain(long millis) {
        List<JsonNode> out = new ArrayList<>();
        try {
            JsonNode n;
            while ((n = source.poll(millis, TimeUnit.MILLISECONDS)) != null) {
                out.add(n);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** Says hello as a new buyer and returns the welcome. */
    JsonNode hello() {
        send("{\"type\":\"hello\"}");
        return next("welcome");
    }

    /** Resumes a session and returns the welcome. */
    JsonNode resume(JsonNode welcome, long lastSeq) {
        send("{\"type\":\"hello\",\"session\":\"" + welcome.get("session").asText() + "\",\"token\":\""
                + welcome.get("token").asText() + "\",\"lastSeq\":" + lastSeq + "}");
        return next("welcome");
    }

    /** Sends a message with a client id. */
    void say(String id, String text) {
        send("{\"type\":\"message\",\"id\":\"" + id + "\",\"text\":\"" + text + "\"}");
    }

    /** The close code the server sent, waiting up to 10 s (-1 for an abrupt end). */
    int closeCode() {
        try {
            return closed.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the connection was not closed within 10 s", e);
        }
    }

    boolean isOpen() {
        return !closed.isDone() && !ws.isInputClosed();
    }

    /** Drops the connection without a close handshake, like a phone losing its network. */
    void drop() {
        ws.abort();
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                ws.abort();
            }
        }
    }
}
