package dev.xiaoer.gateway.chat;

import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.store.ConversationStore;
import dev.xiaoer.gateway.store.ConversationSummary;
import dev.xiaoer.gateway.store.NewConversation;
import dev.xiaoer.gateway.store.StoreUnavailableException;
import dev.xiaoer.gateway.store.StoredConversation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** A store whose writes can be made to fail, like a full disk, and to recover. */
public final class FlakyStore implements ConversationStore {

    private final ConversationStore inner;
    private final AtomicBoolean failing = new AtomicBoolean();

    public FlakyStore(ConversationStore inner) {
        this.inner = inner;
    }

    public void failWrites(boolean fail) {
        failing.set(fail);
    }

    private <T> CompletableFuture<T> fail() {
        return CompletableFuture.failedFuture(new StoreUnavailableException("disk full (simulated)", null));
    }

    @Override
    public CompletableFuture<Void> open(NewConversation conversation) {
        return failing.get() ? fail() : inner.open(conversation);
    }

    @Override
    public CompletableFuture<Void> append(List<ConversationEvent> events) {
        return failing.get() ? fail() : inner.append(events);
    }

    @Override
    public List<StoredConversation> openConversations() {
        return inner.openConversations();
    }

    @Override
    public Optional<ConversationSummary> conversation(String conversationId) {
        return inner.conversation(conversationId);
    }

    @Override
    public List<ConversationEvent> events(String conversationId, long afterSeq, int limit) {
        return inner.events(conversationId, afterSeq, limit);
    }

    @Override
    public int deleteClosedBefore(Instant cutoff) {
        return inner.deleteClosedBefore(cutoff);
    }

    @Override
    public boolean writable() {
        return !failing.get() && inner.writable();
    }

    @Override
    public void close() {
        inner.close();
    }
}
