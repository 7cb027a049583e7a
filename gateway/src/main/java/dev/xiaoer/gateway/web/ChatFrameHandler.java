package dev.xiaoer.gateway.web;

import dev.xiaoer.gateway.chat.BuyerFrame;
import dev.xiaoer.gateway.chat.BuyerLink;
import dev.xiaoer.gateway.chat.BuyerMessage;
import dev.xiaoer.gateway.chat.Conversations;
import dev.xiaoer.gateway.chat.ErrorCode;
import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.metrics.Endpoint;
import dev.xiaoer.gateway.metrics.GatewayMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

/**
 * One buyer's WebSocket on {@code /ws/chat}: checks rates, decodes JSON frames into the chat's records, hands them
 * to {@link Conversations}, and is the chat's {@link BuyerLink} back to this socket. Nothing here blocks.
 *
 * <p>Logs one line per connection event (connect, hello or resume, close with its reason) and never the text of a
 * message: buyers' words stay out of the logs.
 */
final class ChatFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> implements WebSocketEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger("dev.xiaoer.gateway.connections");

    /** A client that lets this much pile up unread is not reading; it is closed rather than held in memory. */
    private static final long MAX_PENDING_BYTES = 1 << 20;

    private static final int NONE = 0;
    private static final int PENDING = 1;
    private static final int ATTACHED = 2;

    private final Conversations conversations;
    private final ClientLimits clientLimits;
    private final GatewayConfig.Limits limits;
    private final GatewayMetrics metrics;

    private Channel channel;
    private String ip;
    private TokenBucket bucket;
    private int refusedInRow;
    private volatile int helloState = NONE;
    private volatile String conversationId;
    private volatile String closeReason;
    private long lastSeen = -1;
    private final Link link = new Link();

    ChatFrameHandler(Conversations conversations, ClientLimits clientLimits, GatewayConfig.Limits limits,
                     GatewayMetrics metrics) {
        this.conversations = conversations;
        this.clientLimits = clientLimits;
        this.limits = limits;
        this.metrics = metrics;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            channel = ctx.channel();
            ip = channel.attr(UpgradeGuard.CLIENT_IP).get();
            if (ip == null) {
                ip = String.valueOf(channel.remoteAddress()); // never expected: the guard sees every upgrade
            }
            bucket = clientLimits.connectionBucket(System.nanoTime());
            metrics.connectionOpened(Endpoint.BUYER);
            LOG.info("connect conn={} ip={}", channel.id().asShortText(), ip);
            return;
        }
        if (evt instanceof IdleStateEvent idle && channel != null) {
            if (idle.isFirst()) {
                ctx.writeAndFlush(new PingWebSocketFrame());
            } else {
                closeWith(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "idle timeout");
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof CloseWebSocketFrame close) {
            closeReason = "client closed " + close.statusCode()
                    + (close.reasonText().isEmpty() ? "" : " " + close.reasonText());
            ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode() < 0 ? 1000 : close.statusCode(), ""))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        metrics.frameReceived(Endpoint.BUYER);
        if (!admit()) {
            return;
        }
        if (frame instanceof TextWebSocketFrame) {
            dispatch(FrameCodec.decode(frame.content()));
        } else if (frame instanceof BinaryWebSocketFrame) {
            error(ErrorCode.BINARY_NOT_SUPPORTED, "send JSON as text frames", null);
        }
    }

    /** The per-connection and per-IP buckets; a client that keeps sending into a closed bucket is cut off. */
    private boolean admit() {
        long now = System.nanoTime();
        boolean connection = bucket.tryTake(now);
        if (connection && clientLimits.allowFrame(ip, now)) {
            refusedInRow = 0;
            return true;
        }
        metrics.rateLimited(Endpoint.BUYER, connection ? "address" : "connection");
        if (++refusedInRow >= limits.floodCloseAfter()) {
            closeWith(WebSocketCloseStatus.POLICY_VIOLATION, "too many messages");
        } else {
            error(ErrorCode.RATE_LIMITED, "slow down: too many messages; send it again in a moment", null);
        }
        return false;
    }

    private void dispatch(Inbound in) {
        if (in instanceof Inbound.MessageFrame m) {
            message(m.message());
        } else if (in instanceof Inbound.HelloFrame h) {
            if (helloState != NONE) {
                error(ErrorCode.ALREADY_HELLO, "this connection has already said hello", null);
                return;
            }
            helloState = PENDING;
            conversations.hello(link, h.hello());
        } else if (in instanceof Inbound.AckFrame a) {
            if (helloState != ATTACHED) {
                error(ErrorCode.HELLO_FIRST, "send hello and wait for welcome first", null);
                return;
            }
            lastSeen = Math.max(lastSeen, a.seq());
        } else if (in instanceof Inbound.PingFrame) {
            link.send(new BuyerFrame.Pong());
        } else if (in instanceof Inbound.TypingFrame t) {
            if (helloState == ATTACHED) {
                conversations.typing(link, t.active());
            }
        } else if (in instanceof Inbound.CloseFrame) {
            if (helloState != ATTACHED) {
                error(ErrorCode.HELLO_FIRST, "send hello and wait for welcome first", null);
                return;
            }
            conversations.close(link);
        } else if (in instanceof Inbound.RateFrame r) {
            if (helloState != ATTACHED) {
                error(ErrorCode.HELLO_FIRST, "send hello and wait for welcome first", null);
                return;
            }
            conversations.rate(link, r.score(), r.comment());
        } else if (in instanceof Inbound.Invalid bad) {
            error(bad.code(), bad.message(), bad.id());
        }
    }

    private void message(BuyerMessage m) {
        if (helloState != ATTACHED) {
            error(ErrorCode.HELLO_FIRST, helloState == PENDING ? "wait for welcome before sending messages"
                    : "send hello first", m.id());
            return;
        }
        String text = m.text();
        if (text.length() > limits.maxTextChars() && text.codePointCount(0, text.length()) > limits.maxTextChars()) {
            error(ErrorCode.TEXT_TOO_LONG, "a message may have at most " + limits.maxTextChars() + " characters",
                    m.id());
            return;
        }
        if (text.isBlank() && m.faqId() == null) {
            error(ErrorCode.EMPTY_MESSAGE, "the message is empty", m.id());
            return;
        }
        conversations.say(link, m);
    }

    private void error(ErrorCode code, String message, String id) {
        link.send(new BuyerFrame.Error(code, message, id));
    }

    @Override
    public boolean upgraded() {
        return channel != null;
    }

    @Override
    public void closeWith(WebSocketCloseStatus status, String reason) {
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            return;
        }
        if (closeReason == null) {
            closeReason = status.code() + " " + reason;
        }
        ch.writeAndFlush(new CloseWebSocketFrame(status, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (channel != null) {
            metrics.connectionClosed(Endpoint.BUYER);
            if (helloState == ATTACHED) {
                conversations.leave(link);
            }
            LOG.info("close conn={} session={} seen={} reason={}", channel.id().asShortText(),
                    conversationId == null ? "-" : conversationId, lastSeen,
                    closeReason == null ? "connection lost" : closeReason);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || (cause instanceof CorruptedFrameException
                && String.valueOf(cause.getMessage()).contains("Max frame length"))) {
            // Netty has already answered an oversize single frame with 1009; a fragmented one we close here.
            if (closeReason == null) {
                closeReason = "1009 frame too big";
            }
            closeWith(WebSocketCloseStatus.MESSAGE_TOO_BIG, "frame too big");
            ctx.close();
        } else if (cause instanceof CorruptedFrameException) {
            if (closeReason == null) {
                closeReason = "1002 protocol error: " + cause.getMessage();
            }
            ctx.close();
        } else if (cause instanceof IOException) {
            if (closeReason == null) {
                closeReason = "connection reset";
            }
            ctx.close();
        } else {
            LOG.warn("conn={} unexpected failure, closing", ctx.channel().id().asShortText(), cause);
            closeWith(WebSocketCloseStatus.INTERNAL_SERVER_ERROR, "internal error");
        }
    }

    /** This connection as the chat sees it. */
    private final class Link implements BuyerLink {

        @Override
        public void send(BuyerFrame frame) {
            Channel ch = channel;
            if (mayWrite(ch, MAX_PENDING_BYTES)) {
                ch.writeAndFlush(frame, ch.voidPromise());
            }
        }

        @Override
        public void sendTogether(List<BuyerFrame> frames) {
            Channel ch = channel;
            if (frames.isEmpty() || !mayWrite(ch, MAX_PENDING_BYTES)) {
                return;
            }
            // From another thread, a write without flush is queued on the event loop without waking it; the flush
            // of the last frame wakes it once and sends all of them in one write to the socket.
            int last = frames.size() - 1;
            for (int i = 0; i < last; i++) {
                ch.write(frames.get(i), ch.voidPromise());
            }
            ch.writeAndFlush(frames.get(last), ch.voidPromise());
        }

        @Override
        public void attached(String id, boolean resumed, int replayed) {
            conversationId = id;
            helloState = ATTACHED;
            if (!channel.isActive()) {
                // The socket went away while the hello was being handled, before channelInactive could see it
                // attached: let go of it here, or the conversation would hold a dead link forever.
                conversations.leave(this);
            }
            if (resumed) {
                LOG.info("resume conn={} session={} replayed={}", channel.id().asShortText(), id, replayed);
            } else {
                LOG.info("hello conn={} session={} new", channel.id().asShortText(), id);
            }
        }

        @Override
        public void refused() {
            helloState = NONE;
        }

        @Override
        public String conversationId() {
            return conversationId;
        }

        @Override
        public String toString() {
            return "conn " + (channel == null ? "?" : channel.id().asShortText());
        }
    }
}
