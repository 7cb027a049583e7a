package dev.xiaoer.gateway.web;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Locale;

/**
 * Stands before the WebSocket handshake of {@code /ws/chat}: refuses browsers from origins that are not allowed
 * (403) and addresses that hold too many connections already (429), and remembers the client's address.
 */
@ChannelHandler.Sharable
final class UpgradeGuard extends ChannelInboundHandlerAdapter {

    static final AttributeKey<String> CLIENT_IP = AttributeKey.valueOf("xiaoer.clientIp");

    private final String path;
    private final List<String> allowedOrigins;
    private final boolean trustProxy;
    private final ClientLimits limits;

    UpgradeGuard(String path, List<String> allowedOrigins, boolean trustProxy, ClientLimits limits) {
        this.path = path;
        this.allowedOrigins = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
        this.trustProxy = trustProxy;
        this.limits = limits;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest req && isChatPath(req.uri())) {
            String ip = clientIp(ctx, req);
            if (!originAllowed(req)) {
                HttpReplies.text(ctx, req, HttpResponseStatus.FORBIDDEN,
                        "origin not allowed: add it to allowedOrigins in the gateway's config");
                ReferenceCountUtil.release(msg);
                return;
            }
            if (!limits.tryConnect(ip)) {
                HttpReplies.text(ctx, req, HttpResponseStatus.TOO_MANY_REQUESTS,
                        "too many connections from your address");
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.channel().attr(CLIENT_IP).set(ip);
            ctx.channel().closeFuture().addListener(f -> limits.disconnected(ip));
        }
        ctx.fireChannelRead(msg);
    }

    /** The same rule as the handshake handler's (checkStartsWith), so that no upgrade slips past this guard. */
    private boolean isChatPath(String uri) {
        if (!uri.startsWith(path)) {
            return false;
        }
        if (uri.length() == path.length()) {
            return true;
        }
        char next = uri.charAt(path.length());
        return next == '/' || next == '?';
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

    private String clientIp(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (trustProxy) {
            String real = req.headers().get("X-Real-IP");
            if (real != null && !real.isBlank()) {
                return real.trim();
            }
            String forwarded = req.headers().get("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) {
                // The last hop is the one our proxy added; earlier ones are whatever the client claimed.
                int comma = forwarded.lastIndexOf(',');
                return forwarded.substring(comma + 1).trim();
            }
        }
        SocketAddress remote = ctx.channel().remoteAddress();
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(remote);
    }
}
