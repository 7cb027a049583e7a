package dev.xiaoer.gateway.queue;

/** Told when a waiting conversation's place changes because the line moved; called on the queue's thread. */
@FunctionalInterface
public interface PlaceListener {

    /** {@code conversationId} now stands at {@code place}. Must not block. */
    void moved(String conversationId, Place place);
}
