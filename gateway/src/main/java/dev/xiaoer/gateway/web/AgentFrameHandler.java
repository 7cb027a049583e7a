package dev.xiaoer.gateway.web;

import dev.xiaoer.gateway.agent.Agent;
import dev.xiaoer.gateway.chat.AgentDesk;
import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.metrics.Endpoint;
import dev.xiaoer.gateway.metrics.GatewayMetrics;
import dev.xiaoer.gateway.queue.AgentErrorCode;
import dev.xiaoer.gateway.queue.AgentFrame;
import dev.xiaoer.gateway.queue.AgentLink;
import dev.xiaoer.gateway.queue.AgentStatus;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Optional;

/**
 * One agent console's WebSocket on {@code /ws/agent}: the first frame must log in (id and secret, or the token of an
 * earlier login); after that, frames are decoded into commands for the {@link AgentDesk}, and this handler is the
 * agent's {@link AgentLink} back to the socket. A buyer's socket never gets here: it is another endpoint with
 * another handler. Nothing here blocks: secrets are checked on the desk's own threads.
 *
 * <p>Failed logins are logged at WARN with the agent id and the address, never the secret.
 */
final class AgentFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> implements WebSocketEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger("dev.xiaoer.gateway.agents");

    /** Agents type fast and juggle chats: a looser budget than a buyer's, still a stop to a runaway script. */
    static final int FRAMES_PER_SECOND = 20;
    static final int FRAME_BURST = 40;
    /** Close code for a console whose agent logged in elsewhere: it must not reconnect by itself. */
    static final int CLOSE_REPLACED = 4001;
    private static final long MAX_PENDING_BYTES = 4 << 20;
    private static final int MAX_LOGGED_ID_CHARS = 64;

    private static final int NONE = 0;
    private static final int CHECKING = 1;
    private static final int IN = 2;

    private final AgentDesk desk;
    private final LoginLimits loginLimits;
    private final GatewayConfig.Limits limits;
    private final GatewayMetrics metrics;
    private final Link link = new Link();

    private Channel channel;
    private String ip;
    private TokenBucket bucket;
    private int refusedInRow;
    private int state = NONE;
    private volatile Agent agent;
    private volatile String closeReason;

    AgentFrameHandler(AgentDesk desk, LoginLimits loginLimits, GatewayConfig.Limits limits, GatewayMetrics metrics) {
        this.desk = desk;
        this.loginLimits = loginLimits;
        this.limits = limits;
        this.metrics = metrics;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            channel = ctx.channel();
            ip = channel.attr(UpgradeGuard.CLIENT_IP).get();
            if (ip == null) {
                ip = String.valueOf(channel.remoteAddress());
            }
            bucket = new TokenBucket(FRAMES_PER_SECOND, FRAME_BURST, System.nanoTime());
            metrics.connectionOpened(Endpoint.AGENT);
            LOG.info("console connect conn={} ip={}", channel.id().asShortText(), ip);
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
            closeReason = "client closed " + close.statusCode();
            ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode() < 0 ? 1000 : close.statusCode(), ""))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        metrics.frameReceived(Endpoint.AGENT);
        if (!bucket.tryTake(System.nanoTime())) {
            metrics.rateLimited(Endpoint.AGENT, "connection");
            if (++refusedInRow >= limits.floodCloseAfter()) {
                closeWith(WebSocketCloseStatus.POLICY_VIOLATION, "too many messages");
            } else {
                error(AgentErrorCode.RATE_LIMITED, "slow down: too many frames; send it again in a moment", null,
                        null);
            }
            return;
        }
        refusedInRow = 0;
        if (frame instanceof TextWebSocketFrame) {
            dispatch(AgentFrameCodec.decode(frame.content()));
        } else if (frame instanceof BinaryWebSocketFrame) {
            error(AgentErrorCode.BINARY_NOT_SUPPORTED, "send JSON as text frames", null, null);
        }
    }

    private void dispatch(AgentInbound in) {
        if (in instanceof AgentInbound.Invalid bad) {
            error(bad.code(), bad.message(), bad.conversationId(), bad.id());
            return;
        }
        if (in instanceof AgentInbound.Ping) {
            link.send(new AgentFrame.Pong());
            return;
        }
        if (in instanceof AgentInbound.Login login) {
            login(login);
            return;
        }
        if (in instanceof AgentInbound.TokenLogin t) {
            tokenLogin(t);
            return;
        }
        Agent a = agent;
        if (state != IN || a == null) {
            error(AgentErrorCode.LOGIN_FIRST, state == CHECKING ? "wait for welcome" : "send login first", null,
                    null);
            return;
        }
        if (in instanceof AgentInbound.Say say) {
            String text = say.text();
            if (text.length() > limits.maxTextChars()
                    && text.codePointCount(0, text.length()) > limits.maxTextChars()) {
                error(AgentErrorCode.TEXT_TOO_LONG, "a message may have at most " + limits.maxTextChars()
                        + " characters", say.conversationId(), say.id());
                return;
            }
            if (text.isBlank()) {
                error(AgentErrorCode.EMPTY_MESSAGE, "the message is empty", say.conversationId(), say.id());
                return;
            }
            desk.say(a, link, say.conversationId(), say.id(), text);
        } else if (in instanceof AgentInbound.Claim c) {
            desk.claim(a, link, c.conversationId());
        } else if (in instanceof AgentInbound.Typing t) {
            desk.typing(a, link, t.conversationId(), t.active());
        } else if (in instanceof AgentInbound.Transfer t) {
            if (t.queue() != null) {
                desk.transferToQueue(a, link, t.conversationId(), t.queue());
            } else {
                desk.transferToAgent(a, link, t.conversationId(), t.agentId());
            }
        } else if (in instanceof AgentInbound.Close c) {
            desk.close(a, link, c.conversationId());
        } else if (in instanceof AgentInbound.Status s) {
            desk.status(a, link, s.status());
        } else if (in instanceof AgentInbound.Logout) {
            desk.logout(a, link);
            LOG.info("console logout conn={} agent={}", channel.id().asShortText(), a.id());
            closeReason = "logged out";
            channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE, "logged out"))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void login(AgentInbound.Login login) {
        if (state != NONE) {
            error(AgentErrorCode.ALREADY_LOGGED_IN, "this connection has logged in already", null, null);
            return;
        }
        String id = login.agentId();
        if (!loginLimits.tryAttempt(ip, id, System.nanoTime())) {
            metrics.rateLimited(Endpoint.AGENT, "login");
            LOG.warn("agent login refused (too many failed attempts) id={} ip={}", printable(id), ip);
            error(AgentErrorCode.LOGIN_RATE_LIMITED, "too many failed logins; wait a minute and try again", null,
                    null);
            return;
        }
        state = CHECKING;
        desk.checkSecret(id, login.secret()).whenComplete((found, failure) ->
                channel.eventLoop().execute(() -> checked(id, login.status(), found, failure)));
    }

    private void checked(String id, AgentStatus status, Optional<Agent> found, Throwable failure) {
        if (!channel.isActive()) {
            return;
        }
        if (failure != null) {
            state = NONE;
            LOG.warn("agent login not checked (too many at once) id={} ip={}", printable(id), ip);
            error(AgentErrorCode.LOGIN_RATE_LIMITED, "too many logins at once; try again in a moment", null, null);
            return;
        }
        if (found.isEmpty()) {
            state = NONE;
            LOG.warn("agent login failed id={} ip={}", printable(id), ip);
            error(AgentErrorCode.BAD_CREDENTIALS, "wrong agent id or secret", null, null);
            return;
        }
        loginLimits.succeeded(ip, id);
        loggedIn(found.get(), "secret", status);
    }

    private void tokenLogin(AgentInbound.TokenLogin login) {
        if (state != NONE) {
            error(AgentErrorCode.ALREADY_LOGGED_IN, "this connection has logged in already", null, null);
            return;
        }
        if (!loginLimits.tryAttempt(ip, null, System.nanoTime())) {
            metrics.rateLimited(Endpoint.AGENT, "login");
            LOG.warn("agent token login refused (too many failed attempts) ip={}", ip);
            error(AgentErrorCode.LOGIN_RATE_LIMITED, "too many failed logins; wait a minute and try again", null,
                    null);
            return;
        }
        Optional<Agent> found = desk.agentOfToken(login.token());
        if (found.isEmpty()) {
            LOG.warn("agent token login failed (unknown or expired token) ip={}", ip);
            error(AgentErrorCode.BAD_TOKEN, "the token is unknown or expired; log in with your id and secret", null,
                    null);
            return;
        }
        loginLimits.succeeded(ip, null);
        loggedIn(found.get(), "token", login.status());
    }

    private void loggedIn(Agent a, String how, AgentStatus status) {
        agent = a;
        state = IN;
        LOG.info("console login conn={} agent={} ip={} by={}", channel.id().asShortText(), a.id(), ip, how);
        desk.connect(a, link, status);
    }

    /** An id as typed by whoever tries to log in, safe to put in a log line. */
    private static String printable(String id) {
        StringBuilder sb = new StringBuilder(Math.min(id.length(), MAX_LOGGED_ID_CHARS) + 2).append('\'');
        for (int i = 0; i < id.length() && i < MAX_LOGGED_ID_CHARS; i++) {
            char c = id.charAt(i);
            sb.append(Character.isISOControl(c) || c == '\'' ? '?' : c);
        }
        return sb.append('\'').toString();
    }

    private void error(AgentErrorCode code, String message, String conversationId, String id) {
        link.send(new AgentFrame.Error(code, message, conversationId, id));
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
            metrics.connectionClosed(Endpoint.AGENT);
            Agent a = agent;
            if (a != null) {
                desk.disconnected(a, link);
            }
            LOG.info("console close conn={} agent={} reason={}", channel.id().asShortText(),
                    a == null ? "-" : a.id(), closeReason == null ? "connection lost" : closeReason);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || (cause instanceof CorruptedFrameException
                && String.valueOf(cause.getMessage()).contains("Max frame length"))) {
            closeWith(WebSocketCloseStatus.MESSAGE_TOO_BIG, "frame too big");
            ctx.close();
        } else if (cause instanceof CorruptedFrameException || cause instanceof IOException) {
            if (closeReason == null) {
                closeReason = "connection reset";
            }
            ctx.close();
        } else {
            LOG.warn("console conn={} unexpected failure, closing", ctx.channel().id().asShortText(), cause);
            closeWith(WebSocketCloseStatus.INTERNAL_SERVER_ERROR, "internal error");
        }
    }

    /** This connection as the queue and the conversations see it. */
    private final class Link implements AgentLink {

        @Override
        public void send(AgentFrame frame) {
            Channel ch = channel;
            if (mayWrite(ch, MAX_PENDING_BYTES)) {
                ch.writeAndFlush(frame, ch.voidPromise());
            }
        }

        @Override
        public void close(String reason) {
            Channel ch = channel;
            if (ch == null || !ch.isActive()) {
                return;
            }
            closeReason = CLOSE_REPLACED + " " + reason;
            ch.writeAndFlush(new CloseWebSocketFrame(CLOSE_REPLACED, reason)).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public String toString() {
            return "console " + (channel == null ? "?" : channel.id().asShortText());
        }
    }
}
