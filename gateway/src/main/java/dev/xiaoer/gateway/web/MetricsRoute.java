package dev.xiaoer.gateway.web;

import dev.xiaoer.gateway.admin.AdminToken;
import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.metrics.Endpoint;
import dev.xiaoer.gateway.metrics.GatewayMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@code GET /metrics} in Prometheus text format, as {@code metrics.access} allows: to anyone ({@code open}), with
 * the admin token ({@code token}; failed tokens logged and counted in the admin API's budget per address), or not
 * at all ({@code off}, 404). The scrape is formatted on the admin pool, not on the event loop.
 */
final class MetricsRoute {

    private static final Logger LOG = LoggerFactory.getLogger("dev.xiaoer.gateway.admin");

    private final GatewayMetrics metrics;
    private final GatewayConfig.MetricsAccess access;
    private final AdminToken token;
    private final Executor pool;
    private final boolean trustProxy;
    private final LoginLimits failures;

    MetricsRoute(GatewayMetrics metrics, GatewayConfig.MetricsAccess access, AdminToken token, LoginLimits failures,
                 Executor pool, boolean trustProxy) {
        this.failures = failures;
        this.metrics = metrics;
        this.access = access;
        this.token = token;
        this.pool = pool;
        this.trustProxy = trustProxy;
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (access == GatewayConfig.MetricsAccess.OFF) {
            HttpReplies.text(ctx, req, HttpResponseStatus.NOT_FOUND, "not found (metrics.access is off)");
            return;
        }
        if (access == GatewayConfig.MetricsAccess.TOKEN && !authorized(ctx, req)) {
            return;
        }
        HttpRequest head = new DefaultHttpRequest(req.protocolVersion(), req.method(), req.uri(),
                req.headers().copy());
        try {
            pool.execute(() -> {
                byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
                ctx.executor().execute(() -> HttpReplies.send(ctx, head, HttpResponseStatus.OK,
                        GatewayMetrics.CONTENT_TYPE, body, null, null));
            });
        } catch (RejectedExecutionException e) {
            HttpReplies.text(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, "busy; scrape again");
        }
    }

    private boolean authorized(ChannelHandlerContext ctx, FullHttpRequest req) {
        String ip = ClientAddress.of(ctx, req, trustProxy);
        if (!failures.tryAttempt(ip, null, System.nanoTime())) {
            metrics.rateLimited(Endpoint.ADMIN, "address");
            HttpReplies.send(ctx, req, HttpResponseStatus.TOO_MANY_REQUESTS, "text/plain; charset=utf-8",
                    "too many failed tokens from your address; wait a minute\n".getBytes(StandardCharsets.UTF_8),
                    null, null, Map.of("Retry-After", "60"));
            return false;
        }
        String presented = AdminRoutes.bearer(req);
        if (presented == null || !token.matches(presented)) {
            metrics.authFailed("metrics");
            LOG.warn("metrics: {} token from ip={}", presented == null ? "no" : "wrong", ip);
            HttpReplies.send(ctx, req, presented == null ? HttpResponseStatus.UNAUTHORIZED
                            : HttpResponseStatus.FORBIDDEN, "text/plain; charset=utf-8",
                    "send Authorization: Bearer <admin.token> (metrics.access is token)\n"
                            .getBytes(StandardCharsets.UTF_8), null, null,
                    Map.of("WWW-Authenticate", "Bearer realm=\"xiaoer-metrics\""));
            return false;
        }
        failures.succeeded(ip, null);
        return true;
    }
}
