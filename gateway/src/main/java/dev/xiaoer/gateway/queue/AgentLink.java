package dev.xiaoer.gateway.queue;

/**
 * One agent console connection as the queue and the chat see it. Implementations must be thread-safe and must not
 * block: {@code send} queues the frame for writing.
 */
public interface AgentLink {

    /** Queues one frame for this connection. */
    void send(AgentFrame frame);

    /** Ends this connection from the server's side ({@code reason} goes into the close frame). */
    void close(String reason);
}
