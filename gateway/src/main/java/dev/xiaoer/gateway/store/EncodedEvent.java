package dev.xiaoer.gateway.store;

import dev.xiaoer.gateway.event.ConversationEvent;

/**
 * An event with its stored columns worked out by the thread that appends it, so that the writer thread only binds
 * values: JSON encoding stays off the one thread every write waits for.
 */
record EncodedEvent(ConversationEvent event, String payload, String label, Long refSeq) {

    static EncodedEvent of(ConversationEvent event) {
        return new EncodedEvent(event, EventCodec.payload(event.body()), EventCodec.label(event.body()),
                EventCodec.refSeq(event.body()));
    }
}
