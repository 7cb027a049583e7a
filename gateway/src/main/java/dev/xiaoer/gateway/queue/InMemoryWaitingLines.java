package dev.xiaoer.gateway.queue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Waiting lines kept in memory and owned by one thread ({@code xiaoer-queue}); the agent-queue issue replaces it
 * with the real queue (agents, assignment, SLA timers). Waiting estimates are the position times an assumed
 * handling time per chat.
 */
public final class InMemoryWaitingLines implements WaitingLines {

    private static final Comparator<Entry> ORDER = Comparator
            .comparingInt((Entry e) -> -e.handoff.priority())
            .thenComparing(e -> e.handoff.waitingSince())
            .thenComparingLong(e -> e.arrival);

    private final ExecutorService owner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "xiaoer-queue");
        t.setDaemon(true);
        return t;
    });
    private final long handleSeconds;
    private final Map<String, TreeSet<Entry>> lines = new HashMap<>();
    private final Map<String, Entry> byConversation = new HashMap<>();
    private final List<PlaceListener> listeners = new CopyOnWriteArrayList<>();
    private long arrivals;

    /** Lines whose wait estimate assumes {@code handleSeconds} per chat ahead. */
    public InMemoryWaitingLines(long handleSeconds) {
        if (handleSeconds < 1) {
            throw new IllegalArgumentException("handleSeconds must be >= 1, was " + handleSeconds);
        }
        this.handleSeconds = handleSeconds;
    }

    private record Entry(Handoff handoff, long arrival) {
    }

    @Override
    public CompletableFuture<Place> enqueue(Handoff handoff) {
        return onOwner(() -> {
            Entry existing = byConversation.get(handoff.conversationId());
            if (existing == null) {
                Entry e = new Entry(handoff, arrivals++);
                lines.computeIfAbsent(handoff.queue(), q -> new TreeSet<>(ORDER)).add(e);
                byConversation.put(handoff.conversationId(), e);
                announceBehind(e);
                existing = e;
            }
            return placeOf(existing);
        });
    }

    @Override
    public CompletableFuture<Optional<Place>> placeOf(String conversationId) {
        return onOwner(() -> Optional.ofNullable(byConversation.get(conversationId)).map(this::placeOf));
    }

    @Override
    public CompletableFuture<Optional<Handoff>> takeNext(String queue) {
        return onOwner(() -> {
            TreeSet<Entry> line = lines.get(queue);
            if (line == null || line.isEmpty()) {
                return Optional.empty();
            }
            Entry head = line.first();
            leave(head);
            return Optional.of(head.handoff);
        });
    }

    @Override
    public CompletableFuture<Boolean> remove(String conversationId) {
        return onOwner(() -> {
            Entry e = byConversation.get(conversationId);
            if (e == null) {
                return false;
            }
            leave(e);
            return true;
        });
    }

    @Override
    public CompletableFuture<List<Handoff>> waiting(String queue) {
        return onOwner(() -> {
            TreeSet<Entry> line = lines.get(queue);
            List<Handoff> out = new ArrayList<>();
            if (line != null) {
                for (Entry e : line) {
                    out.add(e.handoff);
                }
            }
            return out;
        });
    }

    @Override
    public void onMove(PlaceListener listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        owner.shutdown();
        try {
            owner.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void leave(Entry e) {
        TreeSet<Entry> line = lines.get(e.handoff.queue());
        // Everyone after the leaver moves up one place.
        List<Entry> behind = new ArrayList<>(line.tailSet(e, false));
        line.remove(e);
        byConversation.remove(e.handoff.conversationId());
        for (Entry b : behind) {
            tell(b);
        }
    }

    /** A newcomer with a higher priority or an older handoff (a restore) pushes those behind it down. */
    private void announceBehind(Entry e) {
        for (Entry b : lines.get(e.handoff.queue()).tailSet(e, false)) {
            tell(b);
        }
    }

    private void tell(Entry e) {
        Place p = placeOf(e);
        for (PlaceListener l : listeners) {
            l.moved(e.handoff.conversationId(), p);
        }
    }

    private Place placeOf(Entry e) {
        int position = lines.get(e.handoff.queue()).headSet(e, true).size();
        return new Place(e.handoff.queue(), position, position * handleSeconds);
    }

    private <T> CompletableFuture<T> onOwner(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, owner);
    }
}
