package dev.xiaoer.gateway.web;

import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

/** A WebSocket frame handler the gateway can tell, at shutdown, that it is going away. */
interface WebSocketEndpoint {

    /** Whether the WebSocket handshake has completed on this connection. */
    boolean upgraded();

    /** Sends a close frame with a code and reason, then closes; safe from any thread. */
    void closeWith(WebSocketCloseStatus status, String reason);
}
