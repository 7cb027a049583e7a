package dev.xiaoer.gateway.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.EventBody;
import dev.xiaoer.gateway.queue.AgentErrorCode;
import dev.xiaoer.gateway.queue.AgentFrame;
import dev.xiaoer.gateway.queue.AgentStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;

/**
 * The agent protocol's JSON ({@code /ws/agent}), both ways, streamed straight from and into Netty buffers like the
 * buyer's {@link FrameCodec}. Every bad frame gets a precise error; a secret is never echoed.
 */
final class AgentFrameCodec {

    static final int MAX_ID_CHARS = 64;
    static final int MAX_CONVERSATION_CHARS = 64;
    static final int MAX_SECRET_CHARS = 256;
    static final int MAX_TOKEN_CHARS = 128;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build())
            .build();

    private AgentFrameCodec() {
    }

    // ---- decoding ----

    /** Reads one console frame; never throws on any input. */
    static AgentInbound decode(ByteBuf content) {
        Fields f = new Fields();
        try (InputStream in = new ByteBufInputStream(content.duplicate());
             JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return invalidJson("a frame must be one JSON object, like {\"type\":\"ping\"}");
            }
            if (!f.read(p)) {
                return invalidJson("the frame is not valid JSON");
            }
            if (p.nextToken() != null) {
                return invalidJson("a frame must hold exactly one JSON object");
            }
        } catch (IOException | RuntimeException e) {
            return invalidJson("the frame is not valid JSON");
        }
        return f.toInbound();
    }

    private static AgentInbound invalidJson(String message) {
        return new AgentInbound.Invalid(AgentErrorCode.INVALID_JSON, message, null, null);
    }

    /** The fields of every console frame, in any order; unknown fields are ignored (forward compatible). */
    private static final class Fields {
        String type;
        String agentId;
        String secret;
        String token;
        String conversation;
        String id;
        String text;
        String queue;
        String agent;
        String status;
        Boolean active;
        String badField;
        String badReason;

        boolean read(JsonParser p) throws IOException {
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "type" -> type = string(p, v, name, 32);
                    case "agentId" -> agentId = string(p, v, name, MAX_ID_CHARS);
                    case "secret" -> secret = string(p, v, name, MAX_SECRET_CHARS);
                    case "token" -> token = string(p, v, name, MAX_TOKEN_CHARS);
                    case "conversation" -> conversation = string(p, v, name, MAX_CONVERSATION_CHARS);
                    case "id" -> id = string(p, v, name, MAX_ID_CHARS);
                    case "text" -> text = string(p, v, name, Integer.MAX_VALUE);
                    case "queue" -> queue = string(p, v, name, MAX_ID_CHARS);
                    case "agent" -> agent = string(p, v, name, MAX_ID_CHARS);
                    case "status" -> status = string(p, v, name, 16);
                    case "active" -> {
                        if (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
                            active = v == JsonToken.VALUE_TRUE;
                        } else if (v != JsonToken.VALUE_NULL) {
                            p.skipChildren();
                            fail(name, "must be true or false");
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            return t == JsonToken.END_OBJECT;
        }

        private String string(JsonParser p, JsonToken v, String name, int maxChars) throws IOException {
            if (v == JsonToken.VALUE_NULL) {
                return null;
            }
            if (v != JsonToken.VALUE_STRING) {
                p.skipChildren();
                fail(name, "must be a string");
                return null;
            }
            String s = p.getText();
            if (s.length() > maxChars) {
                fail(name, "is longer than " + maxChars + " characters");
                return null;
            }
            return s;
        }

        private void fail(String name, String reason) {
            if (badField == null) {
                badField = name;
                badReason = reason;
            }
        }

        AgentInbound toInbound() {
            if (type == null) {
                return "type".equals(badField)
                        ? invalid(AgentErrorCode.INVALID_FIELD, "type " + badReason)
                        : invalid(AgentErrorCode.MISSING_FIELD, "every frame needs a type");
            }
            if (badField != null) {
                return invalid(AgentErrorCode.INVALID_FIELD, badField + " " + badReason);
            }
            String t = type.toLowerCase(Locale.ROOT);
            switch (t) {
                case "login":
                    AgentStatus start = null;
                    if (status != null) {
                        start = status(status);
                        if (start == null) {
                            return invalid(AgentErrorCode.INVALID_FIELD, "status must be available or away");
                        }
                    }
                    if (token != null) {
                        return new AgentInbound.TokenLogin(token, start);
                    }
                    if (agentId == null || agentId.isBlank()) {
                        return missing("agentId (or token)", t);
                    }
                    if (secret == null) {
                        return missing("secret", t);
                    }
                    return new AgentInbound.Login(agentId.trim(), secret, start);
                case "claim":
                    return conversation == null ? missing("conversation", t) : new AgentInbound.Claim(conversation);
                case "message":
                    if (conversation == null) {
                        return missing("conversation", t);
                    }
                    if (id == null || id.isEmpty()) {
                        return missing("id", t);
                    }
                    if (text == null) {
                        return missing("text", t);
                    }
                    return new AgentInbound.Say(conversation, id, text);
                case "typing":
                    if (conversation == null) {
                        return missing("conversation", t);
                    }
                    if (active == null) {
                        return missing("active", t);
                    }
                    return new AgentInbound.Typing(conversation, active);
                case "transfer":
                    if (conversation == null) {
                        return missing("conversation", t);
                    }
                    if ((queue == null) == (agent == null)) {
                        return invalid(AgentErrorCode.MISSING_FIELD, "a transfer needs either queue or agent");
                    }
                    return new AgentInbound.Transfer(conversation, queue, agent);
                case "close":
                    return conversation == null ? missing("conversation", t) : new AgentInbound.Close(conversation);
                case "status":
                    if (status == null) {
                        return missing("status", t);
                    }
                    AgentStatus chosen = status(status);
                    return chosen == null ? invalid(AgentErrorCode.INVALID_FIELD, "status must be available or away")
                            : new AgentInbound.Status(chosen);
                case "logout":
                    return new AgentInbound.Logout();
                case "ping":
                    return new AgentInbound.Ping();
                default:
                    return invalid(AgentErrorCode.UNKNOWN_TYPE, "unknown type '" + type + "' (expected login, claim,"
                            + " message, typing, transfer, close, status, logout or ping)");
            }
        }

        private static AgentStatus status(String s) {
            if (s.equals("available")) {
                return AgentStatus.AVAILABLE;
            }
            return s.equals("away") ? AgentStatus.AWAY : null;
        }

        private AgentInbound missing(String field, String frame) {
            return invalid(AgentErrorCode.MISSING_FIELD, "a " + frame + " needs " + field);
        }

        private AgentInbound invalid(AgentErrorCode code, String message) {
            return new AgentInbound.Invalid(code, message, conversation, id);
        }
    }

    // ---- encoding ----

    /** Writes one server frame as JSON into {@code out}. */
    static void encode(AgentFrame frame, ByteBuf out) throws IOException {
        try (OutputStream os = new ByteBufOutputStream(out);
             JsonGenerator g = JSON.createGenerator(os)) {
            g.writeStartObject();
            if (frame instanceof AgentFrame.Event e) {
                writeEvent(g, e);
            } else if (frame instanceof AgentFrame.Ack a) {
                g.writeStringField("type", "ack");
                g.writeStringField("conversation", a.conversationId());
                g.writeStringField("id", a.id());
                g.writeNumberField("seq", a.seq());
                if (a.duplicate()) {
                    g.writeBooleanField("duplicate", true);
                }
            } else if (frame instanceof AgentFrame.Line l) {
                g.writeStringField("type", "line");
                g.writeFieldName("line");
                writeLine(g, l.line());
            } else if (frame instanceof AgentFrame.Lines l) {
                g.writeStringField("type", "lines");
                g.writeArrayFieldStart("lines");
                for (AgentFrame.LineView v : l.lines()) {
                    writeLine(g, v);
                }
                g.writeEndArray();
            } else if (frame instanceof AgentFrame.Typing t) {
                g.writeStringField("type", "typing");
                g.writeStringField("conversation", t.conversationId());
                g.writeBooleanField("active", t.active());
            } else if (frame instanceof AgentFrame.Assigned a) {
                writeAssigned(g, a);
            } else if (frame instanceof AgentFrame.Roster r) {
                g.writeStringField("type", "agents");
                g.writeArrayFieldStart("agents");
                for (AgentFrame.AgentView v : r.agents()) {
                    g.writeStartObject();
                    g.writeStringField("id", v.id());
                    g.writeStringField("name", v.name());
                    g.writeStringField("role", v.role().wire());
                    g.writeStringField("status", v.status().wire());
                    g.writeNumberField("openChats", v.openChats());
                    g.writeNumberField("maxChats", v.maxChats());
                    g.writeEndObject();
                }
                g.writeEndArray();
            } else if (frame instanceof AgentFrame.ClaimFailed c) {
                g.writeStringField("type", "claim_failed");
                g.writeStringField("conversation", c.conversationId());
                g.writeStringField("reason", c.reason());
            } else if (frame instanceof AgentFrame.Released r) {
                g.writeStringField("type", "released");
                g.writeStringField("conversation", r.conversationId());
                g.writeStringField("reason", r.reason());
            } else if (frame instanceof AgentFrame.SlaBreach s) {
                g.writeStringField("type", "sla_breach");
                g.writeStringField("conversation", s.conversationId());
                g.writeStringField("queue", s.queue());
                g.writeNumberField("waitingSeconds", s.waitingSeconds());
            } else if (frame instanceof AgentFrame.Status s) {
                g.writeStringField("type", "status");
                g.writeStringField("status", s.status().wire());
            } else if (frame instanceof AgentFrame.Welcome w) {
                writeWelcome(g, w);
            } else if (frame instanceof AgentFrame.Error err) {
                g.writeStringField("type", "error");
                g.writeStringField("code", err.code().wire());
                g.writeStringField("message", err.message());
                g.writeBooleanField("retryable", err.code().retryable());
                if (err.conversationId() != null) {
                    g.writeStringField("conversation", err.conversationId());
                }
                if (err.id() != null) {
                    g.writeStringField("id", err.id());
                }
            } else if (frame instanceof AgentFrame.Pong) {
                g.writeStringField("type", "pong");
            } else {
                throw new IllegalStateException("a frame the codec does not know: " + frame);
            }
            g.writeEndObject();
        }
    }

    private static void writeWelcome(JsonGenerator g, AgentFrame.Welcome w) throws IOException {
        g.writeStringField("type", "welcome");
        g.writeObjectFieldStart("agent");
        g.writeStringField("id", w.agent().id());
        g.writeStringField("name", w.agent().name());
        g.writeStringField("role", w.agent().role().wire());
        g.writeArrayFieldStart("queues");
        for (GatewayConfig.QueueInfo q : w.queues()) {
            if (w.agent().serves(q.id())) {
                g.writeString(q.id());
            }
        }
        g.writeEndArray();
        g.writeNumberField("maxChats", w.agent().maxChats());
        g.writeEndObject();
        g.writeStringField("token", w.token());
        g.writeNumberField("tokenExpiresInSeconds", w.tokenSeconds());
        g.writeStringField("status", w.status().wire());
        g.writeBooleanField("resumed", w.resumed());
        g.writeArrayFieldStart("queues");
        for (GatewayConfig.QueueInfo q : w.queues()) {
            g.writeStartObject();
            g.writeStringField("id", q.id());
            g.writeStringField("name", q.name());
            g.writeNumberField("priority", q.priority());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("quickReplies");
        for (String r : w.quickReplies()) {
            g.writeString(r);
        }
        g.writeEndArray();
        g.writeNumberField("slaWaitMinutes", w.slaWaitMinutes());
        g.writeNumberField("graceSeconds", w.graceSeconds());
        g.writeStringField("now", w.now().toString());
    }

    private static void writeLine(JsonGenerator g, AgentFrame.LineView line) throws IOException {
        g.writeStartObject();
        g.writeStringField("queue", line.queue().id());
        g.writeStringField("queueName", line.queue().name());
        g.writeNumberField("agentsAvailable", line.agentsAvailable());
        g.writeArrayFieldStart("waiting");
        for (AgentFrame.WaitingView w : line.waiting()) {
            g.writeStartObject();
            g.writeStringField("conversation", w.conversationId());
            g.writeStringField("queue", w.queue());
            g.writeNumberField("position", w.position());
            g.writeNumberField("priority", w.priority());
            g.writeStringField("waitingSince", w.waitingSince().toString());
            g.writeStringField("trigger", w.trigger());
            g.writeStringField("preview", w.preview());
            g.writeBooleanField("leaveMessage", w.leaveMessage());
            g.writeBooleanField("requeued", w.front());
            g.writeBooleanField("slaBreached", w.slaBreached());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeAssigned(JsonGenerator g, AgentFrame.Assigned a) throws IOException {
        g.writeStringField("type", "assigned");
        g.writeStringField("conversation", a.conversationId());
        g.writeStringField("how", a.how());
        g.writeBooleanField("resumed", a.resumed());
        if (a.route() != null) {
            g.writeObjectFieldStart("route");
            EventJson.route(g, a.route());
            g.writeEndObject();
        }
        g.writeArrayFieldStart("history");
        for (ConversationEvent e : a.history()) {
            EventJson.write(g, e);
        }
        g.writeEndArray();
    }

    /**
     * A live event of a chat: a buyer's message as {@code message} (from the buyer), the closing as {@code closed},
     * the rating as {@code rated}; anything else as {@code event} with the event's fields.
     */
    private static void writeEvent(JsonGenerator g, AgentFrame.Event frame) throws IOException {
        ConversationEvent e = frame.event();
        EventBody b = e.body();
        if (b instanceof EventBody.BuyerSaid s) {
            g.writeStringField("type", "message");
            g.writeStringField("conversation", frame.conversationId());
            g.writeNumberField("seq", e.seq());
            g.writeStringField("from", "buyer");
            g.writeStringField("id", s.messageId());
            g.writeStringField("text", s.text());
            g.writeStringField("at", e.at().toString());
        } else if (b instanceof EventBody.Closed c) {
            g.writeStringField("type", "closed");
            g.writeStringField("conversation", frame.conversationId());
            g.writeNumberField("seq", e.seq());
            g.writeStringField("by", c.by());
            g.writeStringField("at", e.at().toString());
        } else if (b instanceof EventBody.Rated r) {
            g.writeStringField("type", "rated");
            g.writeStringField("conversation", frame.conversationId());
            g.writeNumberField("seq", e.seq());
            g.writeNumberField("score", r.score());
            g.writeStringField("comment", r.comment());
            g.writeStringField("at", e.at().toString());
        } else {
            g.writeStringField("type", "event");
            g.writeStringField("conversation", frame.conversationId());
            g.writeFieldName("event");
            EventJson.write(g, e);
        }
    }
}
