package dev.xiaoer.gateway.web;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** The client's IP address: the socket's peer, or what a trusted proxy says it is ({@code server.trustProxy}). */
final class ClientAddress {

    private ClientAddress() {
    }

    static String of(ChannelHandlerContext ctx, HttpRequest req, boolean trustProxy) {
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
