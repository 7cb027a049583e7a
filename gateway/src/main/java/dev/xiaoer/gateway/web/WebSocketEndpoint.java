package dev.xiaoer.gateway.web;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

/** A WebSocket frame handler: the gateway can tell it at shutdown that it is going away, and it guards its writes. */
interface WebSocketEndpoint {

    /** Whether the WebSocket handshake has completed on this connection. */
    boolean upgraded();

    /** Sends a close frame with a code and reason, then closes; safe from any thread. */
    void closeWith(WebSocketCloseStatus status, String reason);

    /**
     * Whether frames may be written to {@code ch} now: false when it is gone, and false — after closing it — when its
     * peer has stopped reading and more than {@code maxPendingBytes} wait in its outbound buffer, so that a client
     * that never reads cannot make the gateway hold its frames in memory without bound.
     */
    default boolean mayWrite(Channel ch, long maxPendingBytes) {
        if (ch == null || !ch.isActive()) {
            return false;
        }
        if (!ch.isWritable() && ch.bytesBeforeWritable() > maxPendingBytes) {
            closeWith(WebSocketCloseStatus.POLICY_VIOLATION, "not reading its frames");
            return false;
        }
        return true;
    }
}
