package dev.xiaoer.gateway.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.xiaoer.gateway.chat.BuyerFrame;
import dev.xiaoer.gateway.chat.BuyerMessage;
import dev.xiaoer.gateway.chat.ErrorCode;
import dev.xiaoer.gateway.chat.Hello;
import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.EventBody;
import dev.xiaoer.gateway.queue.Place;
import dev.xiaoer.intents.Candidate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;

/**
 * The buyer protocol's JSON, both ways, with Jackson's streaming API straight from and into Netty buffers: no tree,
 * no reflection, one pass. Field rules (types, lengths) live here so that every bad frame gets a precise error.
 */
final class FrameCodec {

    static final int MAX_ID_CHARS = 64;
    static final int MAX_SESSION_CHARS = 64;
    static final int MAX_TOKEN_CHARS = 128;
    static final int MAX_FAQ_ID_CHARS = 128;
    static final int MAX_COMMENT_CHARS = 500;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build())
            .build();

    private FrameCodec() {
    }

    // ---- decoding ----

    /** Reads one client frame; never throws on any input. */
    static Inbound decode(ByteBuf content) {
        Fields f = new Fields();
        try (InputStream in = new ByteBufInputStream(content.duplicate());
             JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return invalidJson("a frame must be one JSON object, like {\"type\":\"ping\"}");
            }
            Inbound bad = f.read(p);
            if (bad != null) {
                return bad;
            }
            if (p.nextToken() != null) {
                return invalidJson("a frame must hold exactly one JSON object");
            }
        } catch (IOException | RuntimeException e) {
            return invalidJson("the frame is not valid JSON");
        }
        return f.toInbound();
    }

    private static Inbound invalidJson(String message) {
        return new Inbound.Invalid(ErrorCode.INVALID_JSON, message, null);
    }

    /** The fields of every client frame type, read in any order; unknown fields are ignored (forward compatible). */
    private static final class Fields {
        String type;
        String id;
        String text;
        String faqId;
        String session;
        String token;
        String lang;
        String comment;
        long lastSeq = -1;
        long seq = -1;
        long score = -1;
        Boolean active;
        boolean hasLastSeq;
        boolean hasSeq;
        String badField;
        String badReason;

        Inbound read(JsonParser p) throws IOException {
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "type" -> type = string(p, v, name, 32);
                    case "id" -> id = string(p, v, name, MAX_ID_CHARS);
                    case "text" -> text = string(p, v, name, Integer.MAX_VALUE);
                    case "faqId" -> faqId = string(p, v, name, MAX_FAQ_ID_CHARS);
                    case "session" -> session = string(p, v, name, MAX_SESSION_CHARS);
                    case "token" -> token = string(p, v, name, MAX_TOKEN_CHARS);
                    case "lang" -> lang = string(p, v, name, 16);
                    case "comment" -> comment = string(p, v, name, MAX_COMMENT_CHARS);
                    case "score" -> score = number(p, v, name);
                    case "active" -> active = bool(p, v, name);
                    case "lastSeq" -> {
                        lastSeq = number(p, v, name);
                        hasLastSeq = v != JsonToken.VALUE_NULL;
                    }
                    case "seq" -> {
                        seq = number(p, v, name);
                        hasSeq = v != JsonToken.VALUE_NULL;
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                return invalidJson("the frame is not valid JSON");
            }
            return null;
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

        private long number(JsonParser p, JsonToken v, String name) throws IOException {
            if (v == JsonToken.VALUE_NULL) {
                return -1;
            }
            if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                p.skipChildren();
                fail(name, "must be a whole number");
                return -1;
            }
            long n = p.getLongValue();
            if (n < 0) {
                fail(name, "must not be negative");
                return -1;
            }
            return n;
        }

        private Boolean bool(JsonParser p, JsonToken v, String name) throws IOException {
            if (v == JsonToken.VALUE_NULL) {
                return null;
            }
            if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
                p.skipChildren();
                fail(name, "must be true or false");
                return null;
            }
            return v == JsonToken.VALUE_TRUE;
        }

        private void fail(String name, String reason) {
            if (badField == null) {
                badField = name;
                badReason = reason;
            }
        }

        Inbound toInbound() {
            if (type == null) {
                return "type".equals(badField)
                        ? new Inbound.Invalid(ErrorCode.INVALID_FIELD, "type " + badReason, null)
                        : new Inbound.Invalid(ErrorCode.MISSING_FIELD, "every frame needs a type", null);
            }
            String t = type.toLowerCase(Locale.ROOT);
            if (badField != null) {
                return new Inbound.Invalid(ErrorCode.INVALID_FIELD, badField + " " + badReason,
                        t.equals("message") ? id : null);
            }
            switch (t) {
                case "hello":
                    if (session == null && token != null) {
                        return missing("session", "hello");
                    }
                    if (session != null && token == null) {
                        return missing("token", "hello");
                    }
                    if (session != null && session.isEmpty()) {
                        return new Inbound.Invalid(ErrorCode.INVALID_FIELD, "session is empty", null);
                    }
                    return new Inbound.HelloFrame(new Hello(session, token, hasLastSeq ? lastSeq : 0, lang));
                case "message":
                    if (id == null) {
                        return missing("id", "message");
                    }
                    if (id.isEmpty()) {
                        return new Inbound.Invalid(ErrorCode.INVALID_FIELD, "id is empty", null);
                    }
                    if (text == null && faqId == null) {
                        return new Inbound.Invalid(ErrorCode.MISSING_FIELD, "a message needs text (or faqId)", id);
                    }
                    return new Inbound.MessageFrame(new BuyerMessage(id, text == null ? "" : text, faqId));
                case "ack":
                    if (!hasSeq) {
                        return missing("seq", "ack");
                    }
                    return new Inbound.AckFrame(seq);
                case "ping":
                    return new Inbound.PingFrame();
                case "typing":
                    if (active == null) {
                        return missing("active", "typing");
                    }
                    return new Inbound.TypingFrame(active);
                case "close":
                    return new Inbound.CloseFrame();
                case "rate":
                    if (score < 0) {
                        return missing("score", "rate");
                    }
                    if (score < 1 || score > 5) {
                        return new Inbound.Invalid(ErrorCode.INVALID_FIELD, "score must be a whole number from 1 to 5",
                                null);
                    }
                    return new Inbound.RateFrame((int) score, comment == null ? "" : comment.strip());
                default:
                    return new Inbound.Invalid(ErrorCode.UNKNOWN_TYPE, "unknown type '" + type
                            + "' (expected hello, message, ack, ping, typing, close or rate)", null);
            }
        }

        private Inbound missing(String field, String frame) {
            return new Inbound.Invalid(ErrorCode.MISSING_FIELD, "a " + frame + " needs " + field,
                    frame.equals("message") ? id : null);
        }
    }

    // ---- encoding ----

    /** Writes one server frame as JSON into {@code out}. */
    static void encode(BuyerFrame frame, ByteBuf out) throws IOException {
        try (OutputStream os = new ByteBufOutputStream(out);
             JsonGenerator g = JSON.createGenerator(os)) {
            g.writeStartObject();
            if (frame instanceof BuyerFrame.Event e) {
                writeEvent(g, e.event(), e.place());
            } else if (frame instanceof BuyerFrame.Ack a) {
                g.writeStringField("type", "ack");
                g.writeStringField("id", a.id());
                g.writeNumberField("seq", a.seq());
                if (a.duplicate()) {
                    g.writeBooleanField("duplicate", true);
                }
            } else if (frame instanceof BuyerFrame.Welcome w) {
                writeWelcome(g, w);
            } else if (frame instanceof BuyerFrame.Position p) {
                g.writeStringField("type", "position");
                writePlace(g, p.place());
            } else if (frame instanceof BuyerFrame.Error err) {
                g.writeStringField("type", "error");
                g.writeStringField("code", err.code().wire());
                g.writeStringField("message", err.message());
                g.writeBooleanField("retryable", err.code().retryable());
                if (err.messageId() != null) {
                    g.writeStringField("id", err.messageId());
                }
            } else if (frame instanceof BuyerFrame.Typing t) {
                g.writeStringField("type", "typing");
                g.writeStringField("from", "agent");
                g.writeStringField("agentName", t.agentName());
                g.writeBooleanField("active", t.active());
            } else if (frame instanceof BuyerFrame.Pong) {
                g.writeStringField("type", "pong");
            } else {
                throw new IllegalStateException("a frame the codec does not know: " + frame);
            }
            g.writeEndObject();
        }
    }

    private static void writeWelcome(JsonGenerator g, BuyerFrame.Welcome w) throws IOException {
        g.writeStringField("type", "welcome");
        g.writeStringField("session", w.session());
        g.writeStringField("token", w.token());
        g.writeBooleanField("resumed", w.resumed());
        g.writeNumberField("lastSeq", w.lastSeq());
        g.writeStringField("state", w.state().name().toLowerCase(Locale.ROOT));
        g.writeStringField("greeting", w.greeting());
        g.writeArrayFieldStart("hotQuestions");
        for (Candidate c : w.hotQuestions()) {
            g.writeStartObject();
            g.writeStringField("id", c.faqId());
            g.writeStringField("question", c.question());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeObjectFieldStart("hours");
        g.writeBooleanField("open", w.open());
        if (w.backAt() != null) {
            g.writeStringField("backAt", w.backAt());
        }
        if (w.notice() != null) {
            g.writeStringField("notice", w.notice());
        }
        g.writeEndObject();
        if (w.place() != null) {
            g.writeObjectFieldStart("place");
            writePlace(g, w.place());
            g.writeEndObject();
        }
    }

    private static void writePlace(JsonGenerator g, Place p) throws IOException {
        g.writeStringField("queue", p.queue());
        g.writeNumberField("position", p.position());
        g.writeNumberField("etaSeconds", p.etaSeconds());
    }

    private static void writeEvent(JsonGenerator g, ConversationEvent e, Place place) throws IOException {
        EventBody b = e.body();
        if (b instanceof EventBody.BuyerSaid s) {
            g.writeStringField("type", "message");
            g.writeNumberField("seq", e.seq());
            g.writeStringField("id", s.messageId());
            g.writeStringField("text", s.text());
            if (s.faqId() != null) {
                g.writeStringField("faqId", s.faqId());
            }
        } else if (b instanceof EventBody.BotReplied r) {
            reply(g, e, "bot");
            g.writeStringField("band", r.band());
            g.writeStringField("text", r.text());
            if (r.faqId() != null) {
                g.writeStringField("faqId", r.faqId());
            }
            if (!r.suggestions().isEmpty()) {
                g.writeArrayFieldStart("suggestions");
                for (EventBody.Suggestion s : r.suggestions()) {
                    g.writeStartObject();
                    g.writeStringField("id", s.faqId());
                    g.writeStringField("question", s.question());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
        } else if (b instanceof EventBody.SystemNotice n) {
            reply(g, e, "system");
            g.writeStringField("code", n.code());
            g.writeStringField("text", n.text());
        } else if (b instanceof EventBody.AgentSaid a) {
            reply(g, e, "agent");
            g.writeStringField("agentName", a.agentName());
            g.writeStringField("text", a.text());
        } else if (b instanceof EventBody.HandedOff h) {
            g.writeStringField("type", "queued");
            g.writeNumberField("seq", e.seq());
            g.writeStringField("queueName", h.queueName());
            g.writeBooleanField("leaveMessage", h.leaveMessage());
            if (place != null) {
                writePlace(g, place);
            } else {
                g.writeStringField("queue", h.queue());
            }
        } else if (b instanceof EventBody.AgentJoined j) {
            g.writeStringField("type", "agent_joined");
            g.writeNumberField("seq", e.seq());
            g.writeStringField("agentName", j.agentName());
        } else if (b instanceof EventBody.AgentLeft l) {
            g.writeStringField("type", "agent_left");
            g.writeNumberField("seq", e.seq());
            g.writeStringField("agentName", l.agentName());
        } else if (b instanceof EventBody.Closed c) {
            g.writeStringField("type", "closed");
            g.writeNumberField("seq", e.seq());
            g.writeStringField("by", c.by());
        } else if (b instanceof EventBody.Rated r) {
            g.writeStringField("type", "rated");
            g.writeNumberField("seq", e.seq());
            g.writeNumberField("score", r.score());
        } else if (b instanceof EventBody.Flagged) {
            throw new IllegalStateException("flags are for agents only and never sent to buyers");
        } else {
            throw new IllegalStateException("an event the codec does not know: " + b.type());
        }
        g.writeStringField("at", e.at().toString());
    }

    private static void reply(JsonGenerator g, ConversationEvent e, String from) throws IOException {
        g.writeStringField("type", "reply");
        g.writeNumberField("seq", e.seq());
        g.writeStringField("from", from);
    }
}
