package dev.xiaoer.gateway.web;

import dev.xiaoer.gateway.metrics.Endpoint;
import dev.xiaoer.gateway.metrics.GatewayMetrics;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Stands before the WebSocket handshakes ({@code /ws/chat} for buyers, {@code /ws/agent} for the console): refuses
 * browsers from origins that are not allowed (403) and addresses that hold too many connections already (429),
 * remembers the client's address, and installs the endpoint's handlers on the connection, so that each path gets
 * its own protocol and a buyer's socket can never speak the agents' one.
 */
@ChannelHandler.Sharable
final class UpgradeGuard extends ChannelInboundHandlerAdapter {

    static final AttributeKey<String> CLIENT_IP = AttributeKey.valueOf("xiaoer.clientIp");

    private final Map<String, Consumer<ChannelPipeline>> endpoints;
    private final List<String> allowedOrigins;
    private final boolean trustProxy;
    private final ClientLimits limits;
    private final GatewayMetrics metrics;

    /** {@code endpoints}: each WebSocket path and what installs its handlers after this guard. */
    UpgradeGuard(Map<String, Consumer<ChannelPipeline>> endpoints, List<String> allowedOrigins, boolean trustProxy,
                 ClientLimits limits, GatewayMetrics metrics) {
        this.endpoints = Map.copyOf(endpoints);
        this.allowedOrigins = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
        this.trustProxy = trustProxy;
        this.limits = limits;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Consumer<ChannelPipeline> endpoint = msg instanceof FullHttpRequest req ? endpointOf(req.uri()) : null;
        if (endpoint != null) {
            FullHttpRequest req = (FullHttpRequest) msg;
            if (ctx.channel().attr(CLIENT_IP).get() != null) {
                // A second upgrade on one connection (the first handshake failed): not worth supporting.
                HttpReplies.text(ctx, req, HttpResponseStatus.BAD_REQUEST, "one WebSocket upgrade per connection");
                ReferenceCountUtil.release(msg);
                return;
            }
            String ip = ClientAddress.of(ctx, req, trustProxy);
            Endpoint which = req.uri().startsWith(GatewayInitializer.AGENT_PATH) ? Endpoint.AGENT : Endpoint.BUYER;
            if (!originAllowed(req)) {
                metrics.upgradeRefused(which, "origin");
                HttpReplies.text(ctx, req, HttpResponseStatus.FORBIDDEN,
                        "origin not allowed: add it to allowedOrigins in the gateway's config");
                ReferenceCountUtil.release(msg);
                return;
            }
            if (!limits.tryConnect(ip)) {
                metrics.upgradeRefused(which, "too_many_connections");
                HttpReplies.text(ctx, req, HttpResponseStatus.TOO_MANY_REQUESTS,
                        "too many connections from your address");
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.channel().attr(CLIENT_IP).set(ip);
            ctx.channel().closeFuture().addListener(f -> limits.disconnected(ip));
            endpoint.accept(ctx.pipeline());
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * The endpoint of a WebSocket path, by the same rule as the handshake handler's (checkStartsWith), so that no
     * upgrade slips past this guard; null for every other path.
     */
    private Consumer<ChannelPipeline> endpointOf(String uri) {
        for (Map.Entry<String, Consumer<ChannelPipeline>> e : endpoints.entrySet()) {
            String path = e.getKey();
            if (!uri.startsWith(path)) {
                continue;
            }
            if (uri.length() == path.length()) {
                return e.getValue();
            }
            char next = uri.charAt(path.length());
            if (next == '/' || next == '?') {
                return e.getValue();
            }
        }
        return null;
    }

    private boolean originAllowed(FullHttpRequest req) {
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        if (origin == null) {
            return true; // not a browser: websocat, an app, a test client
        }
        String o = origin.toLowerCase(Locale.ROOT);
        if (allowedOrigins.contains("*") || allowedOrigins.contains(o)) {
            return true;
        }
        // The gateway's own pages (the demo shop, the placeholder page) are always allowed.
        String host = req.headers().get(HttpHeaderNames.HOST);
        int scheme = o.indexOf("://");
        return host != null && scheme > 0 && o.substring(scheme + 3).equals(host.toLowerCase(Locale.ROOT));
    }
}
