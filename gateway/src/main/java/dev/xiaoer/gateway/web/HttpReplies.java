package dev.xiaoer.gateway.web;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes complete HTTP responses with keep-alive handled the same way everywhere. */
final class HttpReplies {

    private HttpReplies() {
    }

    static void json(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, String json) {
        send(ctx, req, status, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8), null, null);
    }

    static void text(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, String text) {
        send(ctx, req, status, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8), null,
                null);
    }

    /** {@code etag} and {@code policy} (a Content-Security-Policy) may be null. */
    static void send(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, String contentType,
                     byte[] body, String etag, String policy) {
        send(ctx, req, status, contentType, body, etag, policy, Map.of());
    }

    /** The same, with more headers ({@code Retry-After}, {@code WWW-Authenticate}, {@code Content-Disposition} …). */
    static void send(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, String contentType,
                     byte[] body, String etag, String policy, Map<String, String> headers) {
        boolean head = req.method().equals(HttpMethod.HEAD);
        FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), status,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        res.headers().set("X-Content-Type-Options", "nosniff");
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        if (etag != null) {
            res.headers().set(HttpHeaderNames.ETAG, etag);
        }
        if (policy != null) {
            res.headers().set(HttpHeaderNames.CONTENT_SECURITY_POLICY, policy);
            res.headers().set("Referrer-Policy", "no-referrer");
        }
        headers.forEach(res.headers()::set);
        boolean keepAlive = HttpUtil.isKeepAlive(req) && status.code() < 400;
        HttpUtil.setKeepAlive(res, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(res);
        } else {
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
