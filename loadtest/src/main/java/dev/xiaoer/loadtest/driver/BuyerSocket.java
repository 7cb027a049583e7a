package dev.xiaoer.loadtest.driver;

import dev.xiaoer.loadtest.questions.Ask;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One simulated buyer on one WebSocket, driven entirely from its channel's event loop: {@code hello}, then
 * questions with up to K unanswered at once (or only pings, in idle mode), timing each from the moment it was due to
 * the reply that answers it. Replies come in the order the questions went out (a conversation answers one message
 * at a time, and an echo server in order), so each reply answers the oldest question still open.
 */
final class BuyerSocket extends SimpleChannelInboundHandler<WebSocketFrame> {

    private static final byte[] HELLO = "{\"type\":\"hello\"}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PING = "{\"type\":\"ping\"}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MESSAGE_ID = "{\"type\":\"message\",\"id\":\"m".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MESSAGE_TEXT = "\",\"text\":".getBytes(StandardCharsets.US_ASCII);

    /** A question on its way: when it was due (not when the socket got to send it) and what must answer it. */
    private record Question(long number, long dueNanos, Ask ask, boolean[] acked, int epoch) {
    }

    private final DriverRun run;
    private final boolean gateway;
    private final Promise<Void> ready;
    private final SplittableRandom random;
    private final InboundFrame in = new InboundFrame();
    private final ArrayDeque<Question> open = new ArrayDeque<>();
    /** Pings sent and not yet answered, by when they were due. */
    private final ArrayDeque<Long> pings = new ArrayDeque<>();
    /** With a paced rate: sends that fell due while K were already open, by when they were due. */
    private final ArrayDeque<Long> owed = new ArrayDeque<>();

    private ChannelHandlerContext ctx;
    private long numbered;
    private boolean welcomed;
    private boolean closing;
    private ScheduledFuture<?> pacer;
    private long pacedStart;
    private long pacedInterval;
    private long pacedTicks;
    /** Bumped when the paced schedule restarts: answers to questions of the old schedule are not timed. */
    private int epoch;

    BuyerSocket(DriverRun run, Promise<Void> ready, long seed) {
        this.run = run;
        this.gateway = run.options.target() == DriverOptions.Target.GATEWAY;
        this.ready = ready;
        this.random = new SplittableRandom(seed);
    }

    // ---- lifecycle ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        run.tally.open.incrementAndGet();
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            send(HELLO);
            ctx.flush();
        } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            failConnect("the WebSocket handshake timed out");
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        run.tally.open.decrementAndGet();
        if (!welcomed) {
            failConnect("the connection closed before the welcome");
        } else if (!closing) {
            run.tally.unexpectedCloses.increment();
            run.tally.example("connection closed by the server with " + open.size() + " questions open");
        }
        stopPacing();
        run.tally.outstanding.addAndGet(-(open.size() + pings.size()));
        open.clear();
        pings.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!welcomed) {
            failConnect(String.valueOf(cause.getMessage()));
        } else if (!closing) {
            run.tally.example("connection error: " + cause);
        }
        ctx.close();
    }

    private void failConnect(String why) {
        if (ready.tryFailure(new IllegalStateException(why))) {
            run.tally.connectFailures.increment();
            run.tally.example("connect: " + why);
        }
    }

    /** Starts the load; called on this channel's event loop once every connection is up. */
    void start() {
        if (!ctx.channel().isActive()) {
            return;
        }
        DriverOptions o = run.options;
        boolean idle = o.mode() == DriverOptions.Mode.IDLE;
        double perSecond = o.rate() > 0 ? o.rate() / o.connections() : idle ? 1.0 / o.pingSeconds() : 0;
        if (perSecond > 0) {
            pacedInterval = (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
            // A random phase, so that the connections do not all fire in the same instant.
            long phase = (long) (random.nextDouble() * pacedInterval);
            pacedStart = System.nanoTime() + phase;
            pacer = ctx.executor().scheduleAtFixedRate(this::due, phase, pacedInterval, TimeUnit.NANOSECONDS);
        } else {
            fill(System.nanoTime());
        }
    }

    /**
     * Starts the paced schedule afresh (at the end of the warm-up): sends that fell due while the server was cold
     * and are still owed are dropped, so that the measured seconds show the server warm, not the warm-up's backlog.
     */
    void restartPacing() {
        if (pacer == null) {
            return;
        }
        pacer.cancel(false);
        owed.clear();
        epoch++;
        long phase = (long) (random.nextDouble() * pacedInterval);
        pacedStart = System.nanoTime() + phase;
        pacedTicks = 0;
        pacer = ctx.executor().scheduleAtFixedRate(this::due, phase, pacedInterval, TimeUnit.NANOSECONDS);
    }

    /** Stops sending; what is open may still be answered. */
    void stop() {
        stopPacing();
        owed.clear();
    }

    /** Says goodbye with a normal close. */
    void close() {
        closing = true;
        stopPacing();
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(new CloseWebSocketFrame(1000, "done"));
        }
    }

    private void stopPacing() {
        if (pacer != null) {
            pacer.cancel(false);
            pacer = null;
        }
    }

    // ---- sending ----

    /** A paced send fell due. */
    private void due() {
        if (!run.sending()) {
            stopPacing();
            return;
        }
        // When it was due, not when the event loop got to it: a late loop must show in the latency.
        long dueAt = pacedStart + pacedTicks++ * pacedInterval;
        if (run.options.mode() == DriverOptions.Mode.IDLE) {
            pings.add(dueAt);
            run.tally.outstanding.incrementAndGet();
            run.tally.sent.increment();
            send(PING);
            ctx.flush();
            return;
        }
        owed.add(dueAt);
        drainOwed();
    }

    private void drainOwed() {
        boolean wrote = false;
        while (!owed.isEmpty() && open.size() < run.options.inFlight() && run.sending()) {
            ask(owed.poll());
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
    }

    /** Closed loop: keeps K questions open. */
    private void fill(long dueAt) {
        boolean wrote = false;
        while (open.size() < run.options.inFlight() && run.sending()) {
            ask(dueAt);
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
    }

    private void ask(long dueAt) {
        Ask ask = run.nextAsk(random);
        long number = ++numbered;
        byte[] text = run.quoted(ask);
        ByteBuf buf = ctx.alloc().buffer(MESSAGE_ID.length + 20 + MESSAGE_TEXT.length + text.length + 1);
        buf.writeBytes(MESSAGE_ID);
        buf.writeCharSequence(Long.toString(number), StandardCharsets.US_ASCII);
        buf.writeBytes(MESSAGE_TEXT);
        buf.writeBytes(text);
        buf.writeByte('}');
        open.add(new Question(number, dueAt, ask, new boolean[1], epoch));
        run.tally.outstanding.incrementAndGet();
        run.tally.sent.increment();
        ctx.write(new TextWebSocketFrame(buf));
    }

    private void send(byte[] json) {
        ctx.write(new TextWebSocketFrame(ctx.alloc().buffer(json.length).writeBytes(json)));
    }

    /** After an answer (or a refusal): the next question, in the closed loop or if one is owed. */
    private void next(long now) {
        if (pacer != null || !owed.isEmpty()) {
            drainOwed();
        } else if (run.options.rate() == 0 && run.options.mode() == DriverOptions.Mode.CHAT) {
            fill(now);
        }
    }

    // ---- receiving ----

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        long now = System.nanoTime();
        if (frame instanceof CloseWebSocketFrame close) {
            if (!closing) {
                run.tally.example("server closed with " + close.statusCode() + " " + close.reasonText());
            }
            return;
        }
        if (!(frame instanceof TextWebSocketFrame)) {
            run.tally.badFrames.increment();
            return;
        }
        if (!in.read(frame.content())) {
            run.tally.badFrames.increment();
            run.tally.example("not a JSON frame: " + frame.content().toString(StandardCharsets.UTF_8));
            return;
        }
        if (gateway) {
            fromGateway(now);
        } else {
            fromEcho(now);
        }
    }

    private void fromGateway(long now) {
        switch (in.type) {
            case "welcome" -> welcomed();
            case "ack" -> {
                Question q = find(in.id);
                if (q != null && !q.acked()[0]) {
                    q.acked()[0] = true;
                    if (q.epoch() == epoch) {
                        run.tally.acks.recordValue(micros(now - q.dueNanos()));
                    }
                }
            }
            case "reply" -> {
                if ("bot".equals(in.from)) {
                    answered(now, in.band, in.faqId);
                }
                // system notices (a human offered after unknowns) and agents' words answer no question
            }
            case "queued" -> answered(now, "handoff", null);
            case "pong" -> ponged(now);
            case "error" -> refused(now);
            default -> {
                // position, message (another tab), agent_joined …: nothing to answer
            }
        }
    }

    private void fromEcho(long now) {
        switch (in.type) {
            case "hello" -> welcomed();
            case "message" -> {
                Question q = open.peek();
                if (q == null || in.id == null || !in.id.equals("m" + q.number())) {
                    run.tally.wrong("echo of " + in.id + " while waiting for " + (q == null ? "nothing" : "m" + q.number()));
                }
                answered(now, null, null);
            }
            case "ping" -> ponged(now);
            default -> run.tally.wrong("echo server sent a " + in.type);
        }
    }

    private void welcomed() {
        if (!welcomed) {
            welcomed = true;
            run.tally.ready.incrementAndGet();
            ready.trySuccess(null);
        }
    }

    private void answered(long now, String band, String faqId) {
        Question q = open.poll();
        if (q == null) {
            run.tally.wrong("a reply (" + band + ") with no question open");
            return;
        }
        run.tally.outstanding.decrementAndGet();
        if (q.epoch() == epoch) {
            run.tally.replies.recordValue(micros(now - q.dueNanos()));
        }
        if (gateway && !q.ask().acceptsReply(band, faqId)) {
            run.tally.wrong("\"" + q.ask().text() + "\" expected " + q.ask().expectedBand() + "/"
                    + q.ask().expectedFaqId() + ", got " + band + "/" + faqId);
        }
        next(now);
    }

    private void ponged(long now) {
        Long due = pings.poll();
        if (due == null) {
            run.tally.wrong("a pong with no ping open");
            return;
        }
        run.tally.outstanding.decrementAndGet();
        run.tally.replies.recordValue(micros(now - due));
    }

    private void refused(long now) {
        run.tally.error(in.code);
        if (in.id == null) {
            run.tally.example("error " + in.code + " for no message");
            return;
        }
        for (Iterator<Question> it = open.iterator(); it.hasNext(); ) {
            Question q = it.next();
            if (in.id.equals("m" + q.number())) {
                it.remove();
                run.tally.outstanding.decrementAndGet();
                break;
            }
        }
        next(now);
    }

    private Question find(String id) {
        if (id == null || id.length() < 2) {
            return null;
        }
        long number;
        try {
            number = Long.parseLong(id, 1, id.length(), 10);
        } catch (NumberFormatException e) {
            return null;
        }
        for (Question q : open) {
            if (q.number() == number) {
                return q;
            }
        }
        return null;
    }

    private static long micros(long nanos) {
        return Math.max(1, nanos / 1000);
    }
}
