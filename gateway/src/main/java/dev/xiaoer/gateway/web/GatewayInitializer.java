package dev.xiaoer.gateway.web;

import dev.xiaoer.gateway.chat.AgentDesk;
import dev.xiaoer.gateway.chat.Conversations;
import dev.xiaoer.gateway.config.GatewayConfig;
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
import java.util.function.BooleanSupplier;

/**
 * The gateway's pipeline, top to bottom as a byte travels: TLS (optional) → HTTP codec → gzip (responses) →
 * request aggregator → idle timer → upgrade guard (origin, connections per IP) → plain HTTP routes (health, static
 * files, transcripts). An upgrade to a WebSocket path makes the guard put that endpoint's handlers between itself
 * and the routes: WebSocket handshake and frames → frame aggregator → JSON encoder → the chat's ({@code /ws/chat})
 * or the agent console's ({@code /ws/agent}) frame handler.
 */
public final class GatewayInitializer extends ChannelInitializer<SocketChannel> {

    /** The buyers' WebSocket endpoint. */
    public static final String CHAT_PATH = "/ws/chat";
    /** The agent console's WebSocket endpoint. */
    public static final String AGENT_PATH = "/ws/agent";
    /** Requests carry no bodies (GET and the upgrade); a few headers of cookies are all a browser sends. */
    private static final int MAX_HTTP_REQUEST_BYTES = 16 * 1024;
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
    private final BuyerFrameEncoder encoder = new BuyerFrameEncoder();
    private final AgentFrameEncoder agentEncoder = new AgentFrameEncoder();
    private final WebSocketServerProtocolConfig wsConfig;
    private final WebSocketServerProtocolConfig agentWsConfig;
    private final ChannelGroup chats = new DefaultChannelGroup("xiaoer-chats", GlobalEventExecutor.INSTANCE);

    /**
     * @param ssl           the TLS context, or null for plain HTTP
     * @param storeWritable answers {@code /ready}
     * @param store         where transcripts are read from, on {@code reads} (never on an event loop)
     */
    public GatewayInitializer(SslContext ssl, GatewayConfig config, Conversations conversations, AgentDesk agents,
                              BooleanSupplier storeWritable, ConversationStore store, Executor reads) {
        this.ssl = ssl;
        this.config = config;
        this.conversations = conversations;
        this.agents = agents;
        this.clientLimits = new ClientLimits(config.limits());
        this.upgradeGuard = new UpgradeGuard(Map.of(CHAT_PATH, this::chatEndpoint, AGENT_PATH, this::agentEndpoint),
                config.allowedOrigins(), config.server().trustProxy(), clientLimits);
        this.routes = new HttpRoutes(conversations, clientLimits, storeWritable,
                new TranscriptRoute(agents, store, reads));
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
        p.addLast("aggregator", new HttpObjectAggregator(MAX_HTTP_REQUEST_BYTES));
        p.addLast("idle", new IdleStateHandler(config.limits().idleTimeoutSeconds(), 0, 0, TimeUnit.SECONDS));
        p.addLast("guard", upgradeGuard);
        p.addLast("routes", routes);
        chats.add(ch);
    }

    /** A buyer's WebSocket: the chat protocol. */
    private void chatEndpoint(ChannelPipeline p) {
        p.addBefore("routes", "websocket", new WebSocketServerProtocolHandler(wsConfig));
        p.addBefore("routes", "fragments", new WebSocketFrameAggregator(config.limits().maxFrameBytes()));
        p.addBefore("routes", "json", encoder);
        p.addBefore("routes", "chat", new ChatFrameHandler(conversations, clientLimits, config.limits()));
    }

    /** An agent console's WebSocket: the agent protocol, which starts with a login. */
    private void agentEndpoint(ChannelPipeline p) {
        p.addBefore("routes", "websocket", new WebSocketServerProtocolHandler(agentWsConfig));
        p.addBefore("routes", "fragments", new WebSocketFrameAggregator(config.limits().maxFrameBytes()));
        p.addBefore("routes", "json", agentEncoder);
        p.addBefore("routes", "agent", new AgentFrameHandler(agents, loginLimits, config.limits()));
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
