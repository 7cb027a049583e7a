package dev.xiaoer.gateway.chat;

/**
 * One buyer connection as the chat sees it. The chat calls it from conversation threads; implementations must be
 * thread-safe and must not block ({@code send} queues the frame for writing).
 */
public interface BuyerLink {

    /** Queues one frame for this connection. */
    void send(BuyerFrame frame);

    /** The hello succeeded: this connection now belongs to {@code conversationId}; {@code replayed} frames were resent. */
    void attached(String conversationId, boolean resumed, int replayed);

    /** The hello was refused (the error frame has been sent); the client may send another hello. */
    void refused();

    /** The conversation this connection belongs to, or null before a successful hello. */
    String conversationId();
}
