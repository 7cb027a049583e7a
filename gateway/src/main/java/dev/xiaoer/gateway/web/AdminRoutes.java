package dev.xiaoer.gateway.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaoer.gateway.admin.AdminDesk;
import dev.xiaoer.gateway.admin.AdminToken;
import dev.xiaoer.gateway.admin.FaqFormat;
import dev.xiaoer.gateway.admin.FlagReport;
import dev.xiaoer.gateway.admin.IntentFiles;
import dev.xiaoer.gateway.admin.Refused;
import dev.xiaoer.gateway.admin.UnansweredReport;
import dev.xiaoer.gateway.agent.Agent;
import dev.xiaoer.gateway.chat.AgentDesk;
import dev.xiaoer.gateway.metrics.Endpoint;
import dev.xiaoer.gateway.metrics.GatewayMetrics;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The admin API ({@code /api/admin/…}, {@code Authorization: Bearer <admin.token>}, off without a token) and the
 * supervisor view's API ({@code /api/supervisor/…}, the console token of an agent whose role is supervisor). This
 * handler only authenticates, reads parameters and bodies, and writes JSON: the work is {@link AdminDesk}'s, run on
 * a small bounded pool, never on the event loop (503 {@code busy} when the pool is full).
 *
 * <p>Failed tokens are limited per address like agent logins (ten at once, then one every six seconds; 429 after
 * that) and logged at WARN with the address, never the token. Changes (uploads, entries, reloads) are logged at INFO
 * with who made them.
 */
final class AdminRoutes {

    static final String ADMIN = "/api/admin/";
    static final String SUPERVISOR = "/api/supervisor/";
    private static final Logger LOG = LoggerFactory.getLogger("dev.xiaoer.gateway.admin");
    private static final int DEFAULT_DAYS = 7;
    private static final int MAX_DAYS = 366;

    private final AdminDesk desk;
    private final AdminToken token;
    private final AgentDesk agents;
    private final Executor pool;
    private final GatewayMetrics metrics;
    private final boolean trustProxy;
    private final LoginLimits failures;

    AdminRoutes(AdminDesk desk, AdminToken token, LoginLimits failures, AgentDesk agents, Executor pool,
                GatewayMetrics metrics, boolean trustProxy) {
        this.desk = desk;
        this.token = token;
        this.failures = failures;
        this.agents = agents;
        this.pool = pool;
        this.metrics = metrics;
        this.trustProxy = trustProxy;
    }

    static boolean handles(String path) {
        return path.startsWith(ADMIN) || path.startsWith(SUPERVISOR) || path.equals("/api/admin")
                || path.equals("/api/supervisor");
    }

    /** Who called: the admin (token) or a supervisor (console token). */
    private record Caller(boolean admin, String name, String ip) {
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
        boolean admin = path.startsWith("/api/admin");
        String ip = ClientAddress.of(ctx, req, trustProxy);
        if (admin && !token.enabled()) {
            reply(ctx, req, HttpResponseStatus.NOT_FOUND, ApiJson.error("admin_api_off", "the admin API is off: set"
                    + " admin.token in the gateway's config to turn it on (see docs/admin.md)"));
            return;
        }
        Caller caller = authenticate(ctx, req, admin, ip, path);
        if (caller == null) {
            return;
        }
        String rest = path.length() > (admin ? ADMIN : SUPERVISOR).length()
                ? path.substring((admin ? ADMIN : SUPERVISOR).length()) : "";
        QueryStringDecoder query = new QueryStringDecoder(req.uri());
        HttpMethod m = req.method();
        try {
            route(ctx, req, caller, rest, m, query.parameters());
        } catch (BadRequest e) {
            reply(ctx, req, HttpResponseStatus.BAD_REQUEST, ApiJson.error("invalid_parameter", e.getMessage()));
        }
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest req, Caller caller, String rest, HttpMethod m,
                       Map<String, List<String>> q) throws BadRequest {
        switch (rest) {
            case "summary" -> {
                if (allowed(ctx, req, m, HttpMethod.GET)) {
                    LocalDate date = date(q, "date", desk.summary().today());
                    work(ctx, req, () -> ApiJson.write(desk.summary().of(date)));
                }
            }
            case "unanswered" -> {
                if (allowed(ctx, req, m, HttpMethod.GET)) {
                    Instant[] window = window(q, DEFAULT_DAYS);
                    int limit = number(q, "limit", 20, 1, UnansweredReport.MAX_GROUPS);
                    work(ctx, req, () -> ApiJson.write(desk.unanswered().top(window[0], window[1], limit)));
                }
            }
            case "flags" -> {
                if (allowed(ctx, req, m, HttpMethod.GET)) {
                    Instant[] window = window(q, 1);
                    int limit = number(q, "limit", 50, 1, FlagReport.MAX_FLAGS);
                    work(ctx, req, () -> ApiJson.write(desk.flags().report(window[0], window[1], limit)));
                }
            }
            case "faq" -> {
                if (m.equals(HttpMethod.PUT)) {
                    if (adminOnly(ctx, req, caller)) {
                        upload(ctx, req, caller, q);
                    }
                } else if (allowed(ctx, req, m, HttpMethod.GET)) {
                    change(ctx, req, null, null, () -> ApiJson.write(desk.files().info()));
                }
            }
            case "faq/entries" -> {
                if (allowed(ctx, req, m, HttpMethod.POST)) {
                    addEntry(ctx, req, caller);
                }
            }
            case "faq/file" -> {
                if (adminOnly(ctx, req, caller) && allowed(ctx, req, m, HttpMethod.GET)) {
                    download(ctx, req);
                }
            }
            case "faq/reload" -> {
                if (adminOnly(ctx, req, caller) && allowed(ctx, req, m, HttpMethod.POST)) {
                    log(caller, "reloads the FAQ");
                    change(ctx, req, "reload", null, () -> ApiJson.write(desk.files().reloadFaq()));
                }
            }
            case "rules/reload" -> {
                if (adminOnly(ctx, req, caller) && allowed(ctx, req, m, HttpMethod.POST)) {
                    log(caller, "reloads the routing rules");
                    change(ctx, req, null, "rules", () -> ApiJson.write(desk.files().reloadRules()));
                }
            }
            default -> reply(ctx, req, HttpResponseStatus.NOT_FOUND, ApiJson.error("not_found", "no such endpoint;"
                    + " see docs/admin.md"));
        }
    }

    // ---- authentication ----

    private Caller authenticate(ChannelHandlerContext ctx, FullHttpRequest req, boolean admin, String ip,
                                String path) {
        String api = admin ? "admin" : "supervisor";
        if (!failures.tryAttempt(ip, null, System.nanoTime())) {
            metrics.rateLimited(Endpoint.ADMIN, "address");
            LOG.warn("{} API: refused, too many failed tokens from ip={}", api, ip);
            HttpReplies.send(ctx, req, HttpResponseStatus.TOO_MANY_REQUESTS, "application/json; charset=utf-8",
                    bytes(ApiJson.error("rate_limited", "too many failed tokens from your address; wait a minute")),
                    null, null, Map.of("Retry-After", "60"));
            return null;
        }
        String presented = bearer(req);
        if (admin) {
            if (presented == null) {
                unauthorized(ctx, req, api, ip, path, "send Authorization: Bearer <admin.token>");
                return null;
            }
            if (!token.matches(presented)) {
                metrics.authFailed(api);
                LOG.warn("admin API: wrong token from ip={} for {}", ip, path);
                reply(ctx, req, HttpResponseStatus.FORBIDDEN, ApiJson.error("forbidden", "wrong admin token"));
                return null;
            }
            failures.succeeded(ip, null);
            return new Caller(true, "admin", ip);
        }
        Optional<Agent> agent = presented == null ? Optional.empty() : agents.agentOfToken(presented);
        if (agent.isEmpty()) {
            unauthorized(ctx, req, api, ip, path, "send Authorization: Bearer <token>, the token of a supervisor's"
                    + " console login");
            return null;
        }
        failures.succeeded(ip, null);
        if (!agent.get().supervisor()) {
            LOG.warn("supervisor API: agent {} is not a supervisor, ip={} for {}", agent.get().id(), ip, path);
            reply(ctx, req, HttpResponseStatus.FORBIDDEN, ApiJson.error("forbidden", "only supervisors may use"
                    + " this; your role is agent"));
            return null;
        }
        return new Caller(false, "supervisor " + agent.get().id(), ip);
    }

    private void unauthorized(ChannelHandlerContext ctx, FullHttpRequest req, String api, String ip, String path,
                              String how) {
        metrics.authFailed(api);
        LOG.warn("{} API: no valid token from ip={} for {}", api, ip, path);
        HttpReplies.send(ctx, req, HttpResponseStatus.UNAUTHORIZED, "application/json; charset=utf-8",
                bytes(ApiJson.error("unauthorized", how)), null, null,
                Map.of("WWW-Authenticate", "Bearer realm=\"xiaoer-" + api + "\""));
    }

    static String bearer(HttpRequest req) {
        String h = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (h == null || h.length() < 8 || !h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return null;
        }
        String t = h.substring(7).trim();
        return t.isEmpty() ? null : t;
    }

    private static boolean adminOnly(ChannelHandlerContext ctx, FullHttpRequest req, Caller caller) {
        if (caller.admin()) {
            return true;
        }
        reply(ctx, req, HttpResponseStatus.FORBIDDEN, ApiJson.error("forbidden", "this is for the admin token"
                + " only (see docs/admin.md)"));
        return false;
    }

    private static boolean allowed(ChannelHandlerContext ctx, FullHttpRequest req, HttpMethod m, HttpMethod want) {
        if (m.equals(want) || (want.equals(HttpMethod.GET) && m.equals(HttpMethod.HEAD))) {
            return true;
        }
        HttpReplies.send(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "application/json; charset=utf-8",
                bytes(ApiJson.error("method_not_allowed", "use " + want.name())), null, null,
                Map.of("Allow", want.name()));
        return false;
    }

    // ---- the FAQ ----

    private void upload(ChannelHandlerContext ctx, FullHttpRequest req, Caller caller, Map<String, List<String>> q)
            throws BadRequest {
        byte[] body = ByteBufUtil.getBytes(req.content());
        if (body.length == 0) {
            throw new BadRequest("the body is empty: send the FAQ file as the request body (curl --data-binary"
                    + " @faq.jsonl)");
        }
        FaqFormat format = format(q, req, body);
        log(caller, "uploads a FAQ (" + format.extension() + ", " + body.length + " bytes)");
        change(ctx, req, "upload", null, () -> ApiJson.write(desk.files().upload(body, format)));
    }

    private static FaqFormat format(Map<String, List<String>> q, HttpRequest req, byte[] body) throws BadRequest {
        String named = first(q, "format");
        if (named != null) {
            FaqFormat f = FaqFormat.named(named);
            if (f == null) {
                throw new BadRequest("format: '" + named + "' is not jsonl or csv");
            }
            return f;
        }
        String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "").toLowerCase(Locale.ROOT);
        if (type.startsWith("text/csv")) {
            return FaqFormat.CSV;
        }
        if (type.contains("ndjson") || type.contains("jsonl") || type.startsWith("application/json")) {
            return FaqFormat.JSONL;
        }
        return FaqFormat.sniff(body);
    }

    private void addEntry(ChannelHandlerContext ctx, FullHttpRequest req, Caller caller) throws BadRequest {
        JsonNode body;
        try {
            body = ApiJson.MAPPER.readTree(ByteBufUtil.getBytes(req.content()));
        } catch (java.io.IOException e) {
            throw new BadRequest("the body is not JSON: send {\"question\": …, \"answer\": …}");
        }
        if (body == null || !body.isObject()) {
            throw new BadRequest("the body must be a JSON object {\"question\": …, \"answer\": …}");
        }
        for (java.util.Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!List.of("id", "question", "similar", "answer", "tags").contains(f)) {
                throw new BadRequest(f + ": unknown field (an entry has id, question, similar, answer, tags)");
            }
        }
        IntentFiles.NewFaqEntry entry = new IntentFiles.NewFaqEntry(text(body, "id", false),
                text(body, "question", true), list(body, "similar"), text(body, "answer", true), list(body, "tags"));
        log(caller, "adds the FAQ entry '" + (entry.id() == null ? "(new id)" : entry.id()) + "'");
        change(ctx, req, "entry", null, () -> ApiJson.write(desk.files().add(entry)));
    }

    private void download(ChannelHandlerContext ctx, FullHttpRequest req) {
        HttpRequest head = headOf(req);
        run(ctx, req, () -> {
            try {
                IntentFiles.FaqDownload file = desk.files().download();
                String type = file.format() == FaqFormat.CSV ? "text/csv; charset=utf-8"
                        : "application/x-ndjson; charset=utf-8";
                String name = file.fileName().replaceAll("[^A-Za-z0-9._-]", "_");
                ctx.executor().execute(() -> HttpReplies.send(ctx, head, HttpResponseStatus.OK, type, file.bytes(),
                        null, null, Map.of("Content-Disposition", "attachment; filename=\"" + name + "\"")));
            } catch (Refused r) {
                ctx.executor().execute(() -> refused(ctx, head, r));
            }
        });
    }

    private static String text(JsonNode body, String field, boolean required) throws BadRequest {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new BadRequest(field + ": is missing");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw new BadRequest(field + ": must be a string");
        }
        return n.asText();
    }

    private static List<String> list(JsonNode body, String field) throws BadRequest {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw new BadRequest(field + ": must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : n) {
            if (!item.isTextual()) {
                throw new BadRequest(field + ": must be a list of strings");
            }
            if (!item.asText().isBlank()) {
                out.add(item.asText().strip());
            }
        }
        return out;
    }

    // ---- running work off the event loop ----

    /** Work that may be refused by the desk: a FAQ or rules change, or the FAQ's description. */
    @FunctionalInterface
    private interface Change {
        String run() throws Refused;
    }

    @FunctionalInterface
    private interface Report {
        String run();
    }

    /** Runs a change on the pool and answers 200 with its JSON, or the refusal; counts FAQ and rules changes. */
    private void change(ChannelHandlerContext ctx, FullHttpRequest req, String faqHow, String rules, Change work) {
        HttpRequest head = headOf(req);
        run(ctx, req, () -> {
            String json;
            Refused refused = null;
            try {
                json = work.run();
            } catch (Refused r) {
                json = null;
                refused = r;
            }
            if (faqHow != null) {
                metrics.faqChanged(faqHow, refused == null);
            }
            if (rules != null) {
                metrics.rulesReloaded(refused == null);
            }
            String ok = json;
            Refused r = refused;
            ctx.executor().execute(() -> {
                if (r == null) {
                    reply(ctx, head, HttpResponseStatus.OK, ok);
                } else {
                    refused(ctx, head, r);
                }
            });
        });
    }

    private void work(ChannelHandlerContext ctx, FullHttpRequest req, Report work) {
        HttpRequest head = headOf(req);
        run(ctx, req, () -> {
            HttpResponseStatus status = HttpResponseStatus.OK;
            String json;
            try {
                json = work.run();
            } catch (RuntimeException e) {
                LOG.error("admin report failed", e);
                status = HttpResponseStatus.SERVICE_UNAVAILABLE;
                json = ApiJson.error("store_unavailable", "the report could not be read: " + e.getMessage());
            }
            HttpResponseStatus s = status;
            String body = json;
            ctx.executor().execute(() -> reply(ctx, head, s, body));
        });
    }

    private void run(ChannelHandlerContext ctx, FullHttpRequest req, Runnable task) {
        try {
            pool.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("admin request failed", e);
                    ctx.executor().execute(() -> reply(ctx, headOf(req), HttpResponseStatus.INTERNAL_SERVER_ERROR,
                            ApiJson.error("internal_error", "something went wrong; see the gateway's log")));
                }
            });
        } catch (RejectedExecutionException e) {
            reply(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, ApiJson.error("busy", "too many reports and"
                    + " changes at once; try again in a moment"));
        }
    }

    /** The request's first line and headers: its body is released when the handler returns. */
    private static HttpRequest headOf(FullHttpRequest req) {
        return new DefaultHttpRequest(req.protocolVersion(), req.method(), req.uri(), req.headers().copy());
    }

    private static void refused(ChannelHandlerContext ctx, HttpRequest req, Refused r) {
        switch (r.reason()) {
            case INVALID -> reply(ctx, req, HttpResponseStatus.BAD_REQUEST, ApiJson.error("invalid", r.getMessage()));
            case CONFLICT -> reply(ctx, req, HttpResponseStatus.CONFLICT, ApiJson.error("conflict", r.getMessage()));
            case FAILED -> {
                LOG.error("admin change failed: {}", r.getMessage(), r.getCause());
                reply(ctx, req, HttpResponseStatus.INTERNAL_SERVER_ERROR, ApiJson.error("failed", r.getMessage()));
            }
        }
    }

    private static void reply(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, String json) {
        HttpReplies.json(ctx, req, status, json);
    }

    private static void log(Caller caller, String what) {
        LOG.info("{} {} (ip={})", caller.name(), what, caller.ip());
    }

    // ---- parameters ----

    /** A parameter the caller got wrong; answered 400 with its message. */
    private static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }

    private static String first(Map<String, List<String>> q, String name) {
        List<String> v = q.get(name);
        return v == null || v.isEmpty() || v.get(0).isBlank() ? null : v.get(0).trim();
    }

    private static int number(Map<String, List<String>> q, String name, int fallback, int min, int max)
            throws BadRequest {
        String v = first(q, name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequest(name + ": '" + v + "' is not a whole number from " + min + " to " + max);
    }

    private static LocalDate date(Map<String, List<String>> q, String name, LocalDate fallback) throws BadRequest {
        String v = first(q, name);
        if (v == null) {
            return fallback;
        }
        try {
            return LocalDate.parse(v);
        } catch (DateTimeException e) {
            throw new BadRequest(name + ": '" + v + "' is not a date like 2026-12-07");
        }
    }

    /**
     * {@code from} and {@code to} (dates in the business hours' time zone, {@code to} included; or instants like
     * 2026-12-07T02:00:00Z, {@code to} excluded), or {@code days} (the last N days, today included).
     */
    private Instant[] window(Map<String, List<String>> q, int defaultDays) throws BadRequest {
        ZoneId zone = desk.zone();
        LocalDate today = desk.summary().today();
        String from = first(q, "from");
        String to = first(q, "to");
        if (from == null && to == null) {
            int days = number(q, "days", defaultDays, 1, MAX_DAYS);
            return new Instant[] {today.minusDays(days - 1L).atStartOfDay(zone).toInstant(),
                    today.plusDays(1).atStartOfDay(zone).toInstant()};
        }
        if (first(q, "days") != null) {
            throw new BadRequest("days: give either days or from/to, not both");
        }
        Instant start = from == null ? today.minusDays(defaultDays - 1L).atStartOfDay(zone).toInstant()
                : instant(from, zone, false);
        Instant end = to == null ? today.plusDays(1).atStartOfDay(zone).toInstant() : instant(to, zone, true);
        if (!end.isAfter(start)) {
            throw new BadRequest("to: the window ends (" + end + ") before it starts (" + start + ")");
        }
        if (end.toEpochMilli() - start.toEpochMilli() > MAX_DAYS * 86_400_000L) {
            throw new BadRequest("the window may be at most " + MAX_DAYS + " days");
        }
        return new Instant[] {start, end};
    }

    private static Instant instant(String v, ZoneId zone, boolean end) throws BadRequest {
        try {
            if (v.length() == 10) {
                LocalDate d = LocalDate.parse(v);
                return (end ? d.plusDays(1) : d).atStartOfDay(zone).toInstant();
            }
            return Instant.parse(v);
        } catch (DateTimeException e) {
            throw new BadRequest("'" + v + "' is not a date (2026-12-07) or a time (2026-12-07T02:00:00Z)");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
