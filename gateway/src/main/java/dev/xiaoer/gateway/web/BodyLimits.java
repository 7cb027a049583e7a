package dev.xiaoer.gateway.web;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;

/**
 * How big a request body may be, by path, before the aggregator buffers it: a FAQ upload may be a few megabytes, a
 * new FAQ entry a few kilobytes, everything else (GETs, the WebSocket upgrade) next to nothing. A body declared or
 * found too big is answered 413 at once, without being buffered, and the connection is closed. One per connection
 * (it counts the body of the request in progress); taken out of the pipeline when the connection becomes a
 * WebSocket.
 */
final class BodyLimits extends ChannelInboundHandlerAdapter {

    /** A whole FAQ file: thousands of entries fit well below this. */
    static final int FAQ_UPLOAD_BYTES = 4 << 20;
    /** One new FAQ entry as JSON. */
    static final int FAQ_ENTRY_BYTES = 64 << 10;
    /** Anything else: no body worth the name. */
    static final int OTHER_BYTES = 16 << 10;

    private long limit;
    private long seen;
    private boolean discarding;

    /** The largest body any path takes, for the aggregator behind this handler. */
    static int largest() {
        return FAQ_UPLOAD_BYTES;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
            discarding = false;
            seen = 0;
            limit = limitFor(req);
            long declared = HttpUtil.getContentLength(req, -1L);
            if (declared > limit) {
                refuse(ctx, req);
                ReferenceCountUtil.release(msg);
                return;
            }
            if (!(msg instanceof HttpContent)) {
                ctx.fireChannelRead(msg);
                return;
            }
        }
        if (msg instanceof HttpContent content) {
            if (discarding) {
                ReferenceCountUtil.release(msg);
                return;
            }
            seen += content.content().readableBytes();
            if (seen > limit) {
                discarding = true;
                refuse(ctx, null);
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof LastHttpContent) {
                seen = 0;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private static long limitFor(HttpRequest req) {
        String path = new QueryStringDecoder(req.uri()).path();
        if (req.method().equals(HttpMethod.PUT) && path.equals(AdminRoutes.ADMIN + "faq")) {
            return FAQ_UPLOAD_BYTES;
        }
        if (req.method().equals(HttpMethod.POST) && path.endsWith("/faq/entries")) {
            return FAQ_ENTRY_BYTES;
        }
        return OTHER_BYTES;
    }

    /** 413, then close: the rest of the body may still be on its way and is not worth reading. */
    private void refuse(ChannelHandlerContext ctx, HttpRequest req) {
        discarding = true;
        String kib = (limit >> 10) + " KiB";
        byte[] body = ("{\"error\":\"too_large\",\"message\":\"the request body may be at most " + kib + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(req == null ? io.netty.handler.codec.http.HttpVersion.HTTP_1_1
                : req.protocolVersion(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
}
