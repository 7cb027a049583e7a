package dev.xiaoer.gateway.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A buyer connection without a socket: records every frame the chat sends it. */
final class RecordingLink implements BuyerLink {

    private final BlockingQueue<BuyerFrame> frames = new LinkedBlockingQueue<>();
    private volatile String conversationId;
    private volatile boolean refused;

    @Override
    public void send(BuyerFrame frame) {
        frames.add(frame);
    }

    @Override
    public void attached(String id, boolean resumed, int replayed) {
        conversationId = id;
    }

    @Override
    public void refused() {
        refused = true;
    }

    @Override
    public String conversationId() {
        return conversationId;
    }

    boolean wasRefused() {
        return refused;
    }

    /** The next frame, waiting up to 10 s; fails the test if none comes. */
    BuyerFrame next() {
        try {
            BuyerFrame f = frames.poll(10, TimeUnit.SECONDS);
            if (f == null) {
                throw new AssertionError("no frame arrived within 10 s");
            }
            return f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next frame, which must be of {@code type}. */
    <T extends BuyerFrame> T next(Class<T> type) {
        BuyerFrame f = next();
        if (!type.isInstance(f)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + f);
        }
        return type.cast(f);
    }

    /** Frames that arrive within {@code millis}; for checking that nothing more comes. */
    List<BuyerFrame> drain(long millis) {
        List<BuyerFrame> out = new ArrayList<>();
        try {
            BuyerFrame f;
            while ((f = frames.poll(millis, TimeUnit.MILLISECONDS)) != null) {
                out.add(f);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }
}
