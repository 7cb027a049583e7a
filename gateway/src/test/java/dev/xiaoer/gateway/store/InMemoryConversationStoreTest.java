package dev.xiaoer.gateway.store;

import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.ConversationState;
import dev.xiaoer.gateway.event.EventBody;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-memory store keeps the durable store's contract, so tests against it mean something. */
class InMemoryConversationStoreTest {

    private static final Instant T0 = Instant.parse("2026-12-07T02:00:00Z");

    private static ConversationEvent said(String id, long seq) {
        return new ConversationEvent(id, seq, T0.plusSeconds(seq), new EventBody.BuyerSaid("m" + seq, "hi", null));
    }

    @Test
    void eventsComeBackInOrderAndStateFollowsThem() {
        InMemoryConversationStore store = new InMemoryConversationStore();
        store.open(new NewConversation("c1", "hash", T0)).join();
        store.append(List.of(said("c1", 1), new ConversationEvent("c1", 3, T0,
                new EventBody.HandedOff("human", "人工", 10, "转人工", "keyword", false)))).join();
        ConversationSummary s = store.conversation("c1").orElseThrow();
        assertEquals(ConversationState.WAITING, s.state());
        assertEquals(3, s.lastSeq());
        assertEquals(List.of(3L), store.events("c1", 1, 10).stream().map(ConversationEvent::seq).toList());
        store.close();
    }

    @Test
    void aBatchWithASeqOutOfOrderFailsWholeAndWritesNothing() {
        InMemoryConversationStore store = new InMemoryConversationStore();
        store.open(new NewConversation("c1", "hash", T0)).join();
        store.append(List.of(said("c1", 1))).join();
        CompletionException e = assertThrows(CompletionException.class,
                () -> store.append(List.of(said("c1", 2), said("c1", 2))).join());
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertEquals(1, store.events("c1", 0, 10).size(), "no half batch");
        assertThrows(CompletionException.class, () -> store.append(List.of(said("nobody", 1))).join());
        store.close();
    }

    @Test
    void closedConversationsAreNotRestoredAndRetentionDeletesThem() {
        InMemoryConversationStore store = new InMemoryConversationStore();
        store.open(new NewConversation("open", "h", T0)).join();
        store.open(new NewConversation("done", "h", T0)).join();
        store.append(List.of(new ConversationEvent("done", 1, T0, new EventBody.Closed("system", "idle")))).join();
        assertEquals(List.of("open"), store.openConversations().stream()
                .map(c -> c.summary().conversationId()).toList());
        assertEquals(1, store.deleteClosedBefore(T0.plusSeconds(1)));
        assertTrue(store.conversation("done").isEmpty());
        store.close();
    }

    @Test
    void aReopenedStoreSeesEverythingAndAClosedOneRefusesWrites() {
        InMemoryConversationStore store = new InMemoryConversationStore();
        store.open(new NewConversation("c1", "h", T0)).join();
        store.append(List.of(said("c1", 1))).join();
        store.close();
        assertFalse(store.writable());
        CompletionException e = assertThrows(CompletionException.class, () -> store.append(List.of(said("c1", 2))).join());
        assertInstanceOf(StoreUnavailableException.class, e.getCause());

        InMemoryConversationStore again = store.reopen();
        assertEquals(1, again.openConversations().get(0).events().size());
        again.append(List.of(said("c1", 2))).join();
        assertEquals(2, again.conversation("c1").orElseThrow().lastSeq());
        again.close();
    }
}
