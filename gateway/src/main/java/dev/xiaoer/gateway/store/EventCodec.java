package dev.xiaoer.gateway.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xiaoer.gateway.event.EventBody;
import dev.xiaoer.gateway.event.EventBody.AgentJoined;
import dev.xiaoer.gateway.event.EventBody.AgentLeft;
import dev.xiaoer.gateway.event.EventBody.AgentSaid;
import dev.xiaoer.gateway.event.EventBody.BotReplied;
import dev.xiaoer.gateway.event.EventBody.BuyerSaid;
import dev.xiaoer.gateway.event.EventBody.Closed;
import dev.xiaoer.gateway.event.EventBody.Flagged;
import dev.xiaoer.gateway.event.EventBody.HandedOff;
import dev.xiaoer.gateway.event.EventBody.Rated;
import dev.xiaoer.gateway.event.EventBody.Suggestion;
import dev.xiaoer.gateway.event.EventBody.SystemNotice;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The stored form of every {@link EventBody}: a JSON object in the {@code payload} column, plus the two columns
 * that reports filter on ({@code label} and {@code ref_seq}).
 *
 * <p>The mapping is written out field by field rather than left to reflection so that renaming a record component
 * can never change what is on disk: stored payloads outlive the code that wrote them. Field names are the record
 * component names; null fields are left out; unknown fields are ignored when reading, so a later version may add
 * fields without a schema change.
 */
final class EventCodec {

    /** Every stored event type, as {@link EventBody#type()} names them. */
    static final Set<String> TYPES = Set.of("buyer_message", "bot_reply", "agent_message", "system_notice",
            "handoff", "agent_joined", "agent_left", "closed", "rating", "flag");

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventCodec() {
    }

    /** The JSON payload of {@code body}. */
    static String payload(EventBody body) {
        // Written straight to text: building a tree first cost the conversation threads a few per cent of their
        // time under load (a tree, then a serializer lookup and a writer for it, for every stored event).
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            writeFields(g, body);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the payload of " + body.type(), e);
        }
        return out.toString();
    }

    private static void writeFields(JsonGenerator g, EventBody body) throws IOException {
        if (body instanceof BuyerSaid b) {
            g.writeStringField("messageId", b.messageId());
            g.writeStringField("text", b.text());
            writeIfPresent(g, "faqId", b.faqId());
        } else if (body instanceof BotReplied b) {
            g.writeNumberField("inReplyTo", b.inReplyTo());
            g.writeStringField("band", b.band());
            g.writeStringField("text", b.text());
            writeIfPresent(g, "faqId", b.faqId());
            // JSON has no NaN or infinity; a confidence that is not a number is stored as absent.
            if (Double.isFinite(b.confidence())) {
                g.writeNumberField("confidence", b.confidence());
            }
            if (!b.suggestions().isEmpty()) {
                g.writeArrayFieldStart("suggestions");
                for (Suggestion s : b.suggestions()) {
                    g.writeStartObject();
                    g.writeStringField("faqId", s.faqId());
                    g.writeStringField("question", s.question());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
        } else if (body instanceof AgentSaid b) {
            g.writeStringField("agentId", b.agentId());
            g.writeStringField("agentName", b.agentName());
            g.writeStringField("messageId", b.messageId());
            g.writeStringField("text", b.text());
        } else if (body instanceof SystemNotice b) {
            g.writeStringField("code", b.code());
            g.writeStringField("text", b.text());
        } else if (body instanceof HandedOff b) {
            g.writeStringField("queue", b.queue());
            g.writeStringField("queueName", b.queueName());
            g.writeNumberField("priority", b.priority());
            g.writeStringField("trigger", b.trigger());
            g.writeStringField("reason", b.reason());
            g.writeBooleanField("leaveMessage", b.leaveMessage());
        } else if (body instanceof AgentJoined b) {
            g.writeStringField("agentId", b.agentId());
            g.writeStringField("agentName", b.agentName());
            g.writeStringField("how", b.how());
        } else if (body instanceof AgentLeft b) {
            g.writeStringField("agentId", b.agentId());
            g.writeStringField("agentName", b.agentName());
            g.writeStringField("reason", b.reason());
        } else if (body instanceof Closed b) {
            g.writeStringField("by", b.by());
            g.writeStringField("reason", b.reason());
        } else if (body instanceof Rated b) {
            g.writeNumberField("score", b.score());
            g.writeStringField("comment", b.comment());
        } else if (body instanceof Flagged b) {
            g.writeNumberField("messageSeq", b.messageSeq());
            g.writeStringField("rule", b.rule());
            g.writeStringField("ruleName", b.ruleName());
            g.writeStringField("trigger", b.trigger());
        } else {
            throw new IllegalArgumentException("no stored form for event body " + body.getClass().getName());
        }
    }

    /**
     * The body stored as {@code type} and {@code payload}.
     *
     * @throws IllegalStateException naming the type and the field when the payload does not fit the type
     */
    static EventBody body(String type, String payload) {
        JsonNode o;
        try {
            o = JSON.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored " + type + " event has a payload that is not JSON", e);
        }
        if (o == null || !o.isObject()) {
            throw new IllegalStateException("stored " + type + " event has a payload that is not a JSON object");
        }
        Fields f = new Fields(type, o);
        switch (type) {
            case "buyer_message":
                return new BuyerSaid(f.text("messageId"), f.text("text"), f.optionalText("faqId"));
            case "bot_reply":
                return new BotReplied(f.number("inReplyTo"), f.text("band"), f.text("text"), f.optionalText("faqId"),
                        f.optionalDouble("confidence"), f.suggestions());
            case "agent_message":
                return new AgentSaid(f.text("agentId"), f.text("agentName"), f.text("messageId"), f.text("text"));
            case "system_notice":
                return new SystemNotice(f.text("code"), f.text("text"));
            case "handoff":
                return new HandedOff(f.text("queue"), f.text("queueName"), (int) f.number("priority"),
                        f.text("trigger"), f.text("reason"), f.flag("leaveMessage"));
            case "agent_joined":
                return new AgentJoined(f.text("agentId"), f.text("agentName"), f.text("how"));
            case "agent_left":
                return new AgentLeft(f.text("agentId"), f.text("agentName"), f.text("reason"));
            case "closed":
                return new Closed(f.text("by"), f.text("reason"));
            case "rating":
                return new Rated((int) f.number("score"), f.text("comment"));
            case "flag":
                return new Flagged(f.number("messageSeq"), f.text("rule"), f.text("ruleName"), f.text("trigger"));
            default:
                throw new IllegalStateException("stored event has the unknown type '" + type
                        + "' (written by a newer Xiaoer?)");
        }
    }

    /**
     * The one attribute reports group or filter this kind of event by, stored in the {@code label} column: a bot
     * reply's band, a handoff's queue, a flag's rule, a rating's score, the agent of agent events, a notice's code,
     * who closed. Null for buyer messages.
     */
    static String label(EventBody body) {
        if (body instanceof BotReplied b) {
            return b.band();
        } else if (body instanceof HandedOff b) {
            return b.queue();
        } else if (body instanceof Flagged b) {
            return b.rule();
        } else if (body instanceof Rated b) {
            return Integer.toString(b.score());
        } else if (body instanceof AgentSaid b) {
            return b.agentId();
        } else if (body instanceof AgentJoined b) {
            return b.agentId();
        } else if (body instanceof AgentLeft b) {
            return b.agentId();
        } else if (body instanceof SystemNotice b) {
            return b.code();
        } else if (body instanceof Closed b) {
            return b.by();
        }
        return null;
    }

    /**
     * The seq of the buyer message this event is about, stored in the {@code ref_seq} column: the question a bot
     * reply answers, the message a flag was raised on. Null for other events.
     */
    static Long refSeq(EventBody body) {
        if (body instanceof BotReplied b) {
            return b.inReplyTo();
        } else if (body instanceof Flagged b) {
            return b.messageSeq();
        }
        return null;
    }

    private static void writeIfPresent(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    /** Reads the fields of one stored payload, naming the event type and the field in every complaint. */
    private record Fields(String type, JsonNode o) {

        String text(String name) {
            JsonNode v = o.get(name);
            if (v == null || !v.isTextual()) {
                throw missing(name, "a string");
            }
            return v.textValue();
        }

        String optionalText(String name) {
            JsonNode v = o.get(name);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                throw missing(name, "a string or absent");
            }
            return v.textValue();
        }

        long number(String name) {
            JsonNode v = o.get(name);
            if (v == null || !v.isIntegralNumber()) {
                throw missing(name, "a whole number");
            }
            return v.longValue();
        }

        double optionalDouble(String name) {
            JsonNode v = o.get(name);
            if (v == null || v.isNull()) {
                return Double.NaN;
            }
            if (!v.isNumber()) {
                throw missing(name, "a number or absent");
            }
            return v.doubleValue();
        }

        boolean flag(String name) {
            JsonNode v = o.get(name);
            if (v == null || !v.isBoolean()) {
                throw missing(name, "true or false");
            }
            return v.booleanValue();
        }

        List<Suggestion> suggestions() {
            JsonNode v = o.get("suggestions");
            if (v == null || v.isNull()) {
                return List.of();
            }
            if (!v.isArray()) {
                throw missing("suggestions", "a list");
            }
            List<Suggestion> list = new ArrayList<>(v.size());
            for (JsonNode item : v) {
                Fields s = new Fields(type, item);
                list.add(new Suggestion(s.text("faqId"), s.text("question")));
            }
            return list;
        }

        private IllegalStateException missing(String name, String expected) {
            // The payload itself stays out of the message: it may hold what a buyer wrote.
            return new IllegalStateException("stored " + type + " event: field '" + name + "' should be "
                    + expected);
        }
    }
}
