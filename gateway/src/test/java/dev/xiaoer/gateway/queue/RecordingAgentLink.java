package dev.xiaoer.gateway.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An agent console without a socket: records every frame sent to it. */
public final class RecordingAgentLink implements AgentLink {

    private final BlockingQueue<AgentFrame> frames = new LinkedBlockingQueue<>();
    private volatile String closedBecause;

    @Override
    public void send(AgentFrame frame) {
        frames.add(frame);
    }

    @Override
    public void close(String reason) {
        closedBecause = reason;
    }

    public String closedBecause() {
        return closedBecause;
    }

    /** The next frame, waiting up to 10 s. */
    public AgentFrame next() {
        try {
            AgentFrame f = frames.poll(10, TimeUnit.SECONDS);
            if (f == null) {
                throw new AssertionError("no frame arrived within 10 s");
            }
            return f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next frame of {@code type}, skipping the line and roster updates that come and go in between. */
    public <T extends AgentFrame> T next(Class<T> type) {
        while (true) {
            AgentFrame f = next();
            if (type.isInstance(f)) {
                return type.cast(f);
            }
            if (!(f instanceof AgentFrame.Line || f instanceof AgentFrame.Roster || f instanceof AgentFrame.Lines)) {
                throw new AssertionError("expected " + type.getSimpleName() + " but got " + f);
            }
        }
    }

    /** Frames arriving within {@code millis}. */
    public List<AgentFrame> drain(long millis) {
        List<AgentFrame> out = new ArrayList<>();
        try {
            AgentFrame f;
            while ((f = frames.poll(millis, TimeUnit.MILLISECONDS)) != null) {
                out.add(f);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** Frames within {@code millis} that are not line or roster updates. */
    public List<AgentFrame> drainNews(long millis) {
        return drain(millis).stream().filter(f -> !(f instanceof AgentFrame.Line || f instanceof AgentFrame.Roster
                || f instanceof AgentFrame.Lines)).toList();
    }
}
