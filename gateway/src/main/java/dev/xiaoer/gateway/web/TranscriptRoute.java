package dev.xiaoer.gateway.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.xiaoer.gateway.agent.Agent;
import dev.xiaoer.gateway.chat.AgentDesk;
import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.EventBody;
import dev.xiaoer.gateway.store.ConversationStore;
import dev.xiaoer.gateway.store.ConversationSummary;
import dev.xiaoer.gateway.store.StoredConversation;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.StringWriter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@code GET /api/conversations/ID}: one conversation, open or closed, with every event, for an agent console
 * ({@code Authorization: Bearer TOKEN}, the token of the console's login). 401 without a valid token, 404 for an
 * unknown conversation, 403 for one the agent may not see (another queue's; supervisors see all). The store is
 * read on a small bounded pool, never on the event loop; the answer is written back on the connection's loop.
 */
final class TranscriptRoute {

    private static final Logger LOG = LoggerFactory.getLogger(TranscriptRoute.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final int MAX_ID_CHARS = 64;

    private final AgentDesk agents;
    private final ConversationStore store;
    private final Executor reads;

    TranscriptRoute(AgentDesk agents, ConversationStore store, Executor reads) {
        this.agents = agents;
        this.store = store;
        this.reads = reads;
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest req, String id) {
        Optional<Agent> agent = bearer(req).flatMap(agents::agentOfToken);
        if (agent.isEmpty()) {
            HttpReplies.send(ctx, req, HttpResponseStatus.UNAUTHORIZED, "application/json; charset=utf-8",
                    bytes("{\"error\":\"unauthorized\",\"message\":\"send Authorization: Bearer <token>, the token"
                            + " of an agent console login\"}"), null, null);
            return;
        }
        if (!plausibleId(id)) {
            notFound(ctx, req);
            return;
        }
        // The request's content is released when this returns; the answer needs only its first line and headers.
        HttpRequest head = new DefaultHttpRequest(req.protocolVersion(), req.method(), req.uri(),
                req.headers().copy());
        try {
            reads.execute(() -> read(ctx, head, id, agent.get()));
        } catch (RejectedExecutionException e) {
            HttpReplies.json(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "{\"error\":\"busy\",\"message\":\"too many transcripts being read; try again\"}");
        }
    }

    private void read(ChannelHandlerContext ctx, HttpRequest head, String id, Agent agent) {
        HttpResponseStatus status;
        String body;
        try {
            Optional<StoredConversation> found = store.transcript(id);
            if (found.isEmpty()) {
                status = HttpResponseStatus.NOT_FOUND;
                body = "{\"error\":\"not_found\"}";
            } else if (!AgentDesk.maySee(agent, found.get().events())) {
                status = HttpResponseStatus.FORBIDDEN;
                body = "{\"error\":\"forbidden\",\"message\":\"this conversation is not in your queues\"}";
            } else {
                status = HttpResponseStatus.OK;
                body = json(found.get().summary(), found.get().events());
            }
        } catch (RuntimeException e) {
            LOG.error("transcript {} could not be read", id, e);
            status = HttpResponseStatus.SERVICE_UNAVAILABLE;
            body = "{\"error\":\"store_unavailable\"}";
        }
        HttpResponseStatus s = status;
        String b = body;
        ctx.executor().execute(() -> HttpReplies.json(ctx, head, s, b));
    }

    private static void notFound(ChannelHandlerContext ctx, HttpRequest req) {
        HttpReplies.json(ctx, req, HttpResponseStatus.NOT_FOUND, "{\"error\":\"not_found\"}");
    }

    private static Optional<String> bearer(HttpRequest req) {
        String h = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (h == null || h.length() < 8 || !h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return Optional.empty();
        }
        return Optional.of(h.substring(7).trim());
    }

    /** Conversation ids are URL-safe base64; anything else cannot be one. */
    private static boolean plausibleId(String id) {
        if (id.isEmpty() || id.length() > MAX_ID_CHARS) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** The summary (with the queue, the agents and the rating read from the events) and every event. */
    static String json(ConversationSummary s, List<ConversationEvent> events) {
        String queue = null;
        Set<String> agentIds = new LinkedHashSet<>();
        EventBody.Rated rating = null;
        for (ConversationEvent e : events) {
            if (e.body() instanceof EventBody.HandedOff h) {
                queue = h.queue();
            } else if (e.body() instanceof EventBody.AgentJoined j) {
                agentIds.add(j.agentId());
            } else if (e.body() instanceof EventBody.Rated r) {
                rating = r;
            }
        }
        StringWriter out = new StringWriter(256 + events.size() * 96);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart("conversation");
            g.writeStringField("id", s.conversationId());
            g.writeStringField("state", s.state().name().toLowerCase(Locale.ROOT));
            g.writeNumberField("lastSeq", s.lastSeq());
            g.writeStringField("createdAt", s.createdAt().toString());
            g.writeStringField("updatedAt", s.updatedAt().toString());
            if (s.closedAt() != null) {
                g.writeStringField("closedAt", s.closedAt().toString());
            }
            if (queue != null) {
                g.writeStringField("queue", queue);
            }
            g.writeArrayFieldStart("agents");
            for (String a : agentIds) {
                g.writeString(a);
            }
            g.writeEndArray();
            if (rating != null) {
                g.writeObjectFieldStart("rating");
                g.writeNumberField("score", rating.score());
                g.writeStringField("comment", rating.comment());
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeArrayFieldStart("events");
            for (ConversationEvent e : events) {
                EventJson.write(g, e);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory cannot fail", e);
        }
        return out.toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
