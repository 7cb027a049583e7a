package dev.xiaoer.gateway.web;

import dev.xiaoer.gateway.admin.AdminDesk;
import dev.xiaoer.gateway.chat.Conversations;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;


/**
 * Plain HTTP: {@code /health} (the process is up), {@code /ready} (a FAQ is loaded and the store can write),
 * {@code /metrics}, the admin and supervisor API ({@code /api/admin/…}, {@code /api/supervisor/…}), one
 * conversation's transcript for agents ({@code /api/conversations/ID}), and the static files under the classpath
 * folder {@code dev/xiaoer/gateway/web/static/} ({@code /} is {@code index.html}, {@code /agent} the agent console).
 */
@ChannelHandler.Sharable
final class HttpRoutes extends SimpleChannelInboundHandler<FullHttpRequest> {

    /** The console's pages may load only the gateway's own scripts and styles, and talk only to the gateway. */
    static final String CONSOLE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'"
            + " data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final String CONSOLE_PAGE = "agent/index.html";
    private static final String TRANSCRIPTS = "/api/conversations/";

    private final Conversations conversations;
    private final ClientLimits limits;
    private final AdminDesk desk;
    private final TranscriptRoute transcripts;
    private final AdminRoutes admin;
    private final MetricsRoute metrics;
    /** Read at start: serving a file never touches the disk. */
    private final StaticFiles files = StaticFiles.load("agent/", CONSOLE_POLICY);

    HttpRoutes(Conversations conversations, ClientLimits limits, AdminDesk desk, TranscriptRoute transcripts,
               AdminRoutes admin, MetricsRoute metrics) {
        this.conversations = conversations;
        this.limits = limits;
        this.desk = desk;
        this.transcripts = transcripts;
        this.admin = admin;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            HttpReplies.text(ctx, req, HttpResponseStatus.BAD_REQUEST, "bad request");
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        if (AdminRoutes.handles(path)) {
            admin.handle(ctx, req, path); // the admin API takes PUT and POST too
            return;
        }
        if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
            HttpReplies.text(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD");
            return;
        }
        switch (path) {
            case "/health" -> HttpReplies.json(ctx, req, HttpResponseStatus.OK,
                    "{\"status\":\"ok\",\"conversations\":" + conversations.size()
                            + ",\"connections\":" + limits.openConnections() + "}");
            case "/ready" -> ready(ctx, req);
            case "/metrics" -> metrics.handle(ctx, req);
            case "/agent", "/agent/" -> serveStatic(ctx, req, CONSOLE_PAGE);
            default -> {
                if (path.startsWith(TRANSCRIPTS)) {
                    transcripts.handle(ctx, req, path.substring(TRANSCRIPTS.length()));
                } else {
                    serveStatic(ctx, req, path.equals("/") ? "index.html" : path.substring(1));
                }
            }
        }
    }

    /** 200 when a FAQ is loaded and the store can write; else 503 naming what fails. */
    private void ready(ChannelHandlerContext ctx, FullHttpRequest req) {
        AdminDesk.Readiness r = desk.readiness();
        StringBuilder failing = new StringBuilder();
        if (!r.faqLoaded()) {
            failing.append("\"faq\"");
        }
        if (!r.storeWritable()) {
            failing.append(failing.length() > 0 ? "," : "").append("\"store\"");
        }
        String checks = "\"checks\":{\"faq\":\"" + (r.faqLoaded() ? "ok" : "failing") + "\",\"store\":\""
                + (r.storeWritable() ? "ok" : "failing") + "\"}";
        if (r.ready()) {
            HttpReplies.json(ctx, req, HttpResponseStatus.OK, "{\"status\":\"ready\"," + checks + "}");
        } else {
            HttpReplies.json(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"status\":\"not_ready\","
                    + "\"failing\":[" + failing + "]," + checks + "}");
        }
    }

    private void serveStatic(ChannelHandlerContext ctx, FullHttpRequest req, String name) {
        // Only the names read at start exist: "..", odd characters or long paths are simply not found.
        StaticFiles.File file = files.get(name);
        if (file == null) {
            HttpReplies.text(ctx, req, HttpResponseStatus.NOT_FOUND, "not found");
            return;
        }
        if (file.etag().equals(req.headers().get(HttpHeaderNames.IF_NONE_MATCH))) {
            HttpReplies.send(ctx, req, HttpResponseStatus.NOT_MODIFIED, file.type(), new byte[0], file.etag(),
                    file.policy());
            return;
        }
        HttpReplies.send(ctx, req, HttpResponseStatus.OK, file.type(), file.bytes(), file.etag(), file.policy());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close(); // an idle plain-HTTP keep-alive connection
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
