package dev.xiaoer.gateway.web;

import dev.xiaoer.gateway.admin.AdminDesk;
import dev.xiaoer.gateway.admin.AdminToken;
import dev.xiaoer.gateway.chat.AgentDesk;
import dev.xiaoer.gateway.chat.Conversations;
import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.metrics.GatewayMetrics;
import dev.xiaoer.gateway.store.ConversationStore;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's pipeline, top to bottom as a byte travels: TLS (optional) → HTTP codec → gzip (responses) → body
 * limits (by path) → request aggregator → idle timer → upgrade guard (origin, connections per IP) → plain HTTP routes
 * (health, readiness, metrics, static files, transcripts, the admin API). An upgrade to a WebSocket path makes the guard put that endpoint's handlers between itself
 * and the routes: WebSocket handshake and frames → frame aggregator → JSON encoder → the chat's ({@code /ws/chat})
 * or the agent console's ({@code /ws/agent}) frame handler.
 */
public final class GatewayInitializer extends ChannelInitializer<SocketChannel> {

    /** The buyers' WebSocket endpoint. */
    public static final String CHAT_PATH = "/ws/chat";
    /** The agent console's WebSocket endpoint. */
    public static final String AGENT_PATH = "/ws/agent";
    private static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    /**
     * Responses this big go gzipped to clients that accept it: the widget, loaded on every shop page, is 71 KB
     * plain and 20 KB gzipped. (The WebSocket handshake takes the compressor out of the pipeline.)
     */
    private static final int GZIP_FROM_BYTES = 1024;

    private final SslContext ssl;
    private final GatewayConfig config;
    private final Conversations conversations;
    private final AgentDesk agents;
    private final ClientLimits clientLimits;
    private final LoginLimits loginLimits = new LoginLimits();
    private final UpgradeGuard upgradeGuard;
    private final HttpRoutes routes;
    private final GatewayMetrics metrics;
    private final BuyerFrameEncoder encoder;
    private final AgentFrameEncoder agentEncoder;
    private final WebSocketServerProtocolConfig wsConfig;
    private final WebSocketServerProtocolConfig agentWsConfig;
    private final ChannelGroup chats = new DefaultChannelGroup("xiaoer-chats", GlobalEventExecutor.INSTANCE);

    /**
     * @param ssl       the TLS context, or null for plain HTTP
     * @param desk      the admin API's and {@code /ready}'s side
     * @param store     where transcripts are read from, on {@code reads} (never on an event loop)
     * @param adminPool where reports, FAQ changes and metric scrapes run (never on an event loop)
     */
    public GatewayInitializer(SslContext ssl, GatewayConfig config, Conversations conversations, AgentDesk agents,
                              AdminDesk desk, GatewayMetrics metrics, ConversationStore store, Executor reads,
                              Executor adminPool) {
        this.ssl = ssl;
        this.config = config;
        this.conversations = conversations;
        this.agents = agents;
        this.metrics = metrics;
        this.encoder = new BuyerFrameEncoder(metrics);
        this.agentEncoder = new AgentFrameEncoder(metrics);
        this.clientLimits = new ClientLimits(config.limits());
        this.upgradeGuard = new UpgradeGuard(Map.of(CHAT_PATH, this::chatEndpoint, AGENT_PATH, this::agentEndpoint),
                config.allowedOrigins(), config.server().trustProxy(), clientLimits, metrics);
        AdminToken token = AdminToken.of(config.admin().token());
        boolean trustProxy = config.server().trustProxy();
        // One budget of failed tokens per address for both ways in with the admin token: a guesser gets no second
        // budget by turning to /metrics.
        LoginLimits tokenFailures = new LoginLimits();
        this.routes = new HttpRoutes(conversations, clientLimits, desk, new TranscriptRoute(agents, store, reads),
                new AdminRoutes(desk, token, tokenFailures, agents, adminPool, metrics, trustProxy),
                new MetricsRoute(metrics, config.metrics().access(), token, tokenFailures, adminPool,
                        trustProxy));
        this.wsConfig = webSocket(CHAT_PATH);
        this.agentWsConfig = webSocket(AGENT_PATH);
    }

    private WebSocketServerProtocolConfig webSocket(String path) {
        return WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(path)
                .checkStartsWith(true)
                .maxFramePayloadLength(config.limits().maxFrameBytes())
                .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS)
                .handleCloseFrames(false) // the frame handlers answer them, to log the client's code
                .dropPongFrames(true)
                .allowExtensions(false)
                .build();
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
            p.addLast("tls", ssl.newHandler(ch.alloc()));
        }
        p.addLast("http", new HttpServerCodec());
        p.addLast("gzip", new HttpContentCompressor(GZIP_FROM_BYTES, StandardCompressionOptions.gzip()));
        p.addLast("body", new BodyLimits());
        p.addLast("aggregator", new HttpObjectAggregator(BodyLimits.largest()));
        p.addLast("idle", new IdleStateHandler(config.limits().idleTimeoutSeconds(), 0, 0, TimeUnit.SECONDS));
        p.addLast("guard", upgradeGuard);
        p.addLast("routes", routes);
        chats.add(ch);
    }

    /** A buyer's WebSocket: the chat protocol. */
    private void chatEndpoint(ChannelPipeline p) {
        p.remove("body"); // WebSocket frames are limited by maxFrameBytes
        p.addBefore("routes", "websocket", new WebSocketServerProtocolHandler(wsConfig));
        p.addBefore("routes", "fragments", new WebSocketFrameAggregator(config.limits().maxFrameBytes()));
        p.addBefore("routes", "json", encoder);
        p.addBefore("routes", "chat", new ChatFrameHandler(conversations, clientLimits, config.limits(), metrics));
    }

    /** An agent console's WebSocket: the agent protocol, which starts with a login. */
    private void agentEndpoint(ChannelPipeline p) {
        p.remove("body");
        p.addBefore("routes", "websocket", new WebSocketServerProtocolHandler(agentWsConfig));
        p.addBefore("routes", "fragments", new WebSocketFrameAggregator(config.limits().maxFrameBytes()));
        p.addBefore("routes", "json", agentEncoder);
        p.addBefore("routes", "agent", new AgentFrameHandler(agents, loginLimits, config.limits(), metrics));
    }

    /** Tells every connected client the server is going away (1001) and closes them; waits up to the timeout. */
    public void closeAll(long timeoutMillis) {
        for (Channel ch : chats) {
            WebSocketEndpoint socket = endpointOf(ch.pipeline());
            if (socket != null && socket.upgraded()) {
                socket.closeWith(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "server shutting down");
            } else {
                ch.close(); // plain HTTP or a handshake in progress: nothing to tell
            }
        }
        ChannelGroupFuture closing = chats.newCloseFuture();
        if (!closing.awaitUninterruptibly(timeoutMillis)) {
            chats.close();
        }
    }

    private static WebSocketEndpoint endpointOf(ChannelPipeline p) {
        WebSocketEndpoint chat = p.get(ChatFrameHandler.class);
        return chat != null ? chat : p.get(AgentFrameHandler.class);
    }
}
