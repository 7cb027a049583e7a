package dev.xiaoer.gateway.chat;

import java.util.List;

/**
 * One buyer connection as the chat sees it. The chat calls it from conversation threads; implementations must be
 * thread-safe and must not block ({@code send} queues the frame for writing).
 */
public interface BuyerLink {

    /** Queues one frame for this connection. */
    void send(BuyerFrame frame);

    /**
     * Queues {@code frames} for this connection in this order, to go out together: a turn's ack and reply cost the
     * connection one write to the socket rather than one each.
     */
    default void sendTogether(List<BuyerFrame> frames) {
        for (BuyerFrame frame : frames) {
            send(frame);
        }
    }

    /** The hello succeeded: this connection now belongs to {@code conversationId}; {@code replayed} frames were resent. */
    void attached(String conversationId, boolean resumed, int replayed);

    /** The hello was refused (the error frame has been sent); the client may send another hello. */
    void refused();

    /** The conversation this connection belongs to, or null before a successful hello. */
    String conversationId();
}
