package dev.xiaoer.gateway.web;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.EventBody;

import java.io.IOException;

/**
 * One stored event as agents see it (the console's history, the transcript endpoint): its seq, time and stored
 * type name, then the fields of its body. Everything, including what buyers never see (flags).
 */
final class EventJson {

    private EventJson() {
    }

    /** Writes the event as one JSON object. */
    static void write(JsonGenerator g, ConversationEvent e) throws IOException {
        g.writeStartObject();
        fields(g, e);
        g.writeEndObject();
    }

    /** Writes the event's fields into the object being written. */
    static void fields(JsonGenerator g, ConversationEvent e) throws IOException {
        EventBody b = e.body();
        g.writeNumberField("seq", e.seq());
        g.writeStringField("at", e.at().toString());
        g.writeStringField("type", b.type());
        if (b instanceof EventBody.BuyerSaid s) {
            g.writeStringField("id", s.messageId());
            g.writeStringField("text", s.text());
            if (s.faqId() != null) {
                g.writeStringField("faqId", s.faqId());
            }
        } else if (b instanceof EventBody.BotReplied r) {
            g.writeNumberField("inReplyTo", r.inReplyTo());
            g.writeStringField("band", r.band());
            g.writeStringField("text", r.text());
            if (r.faqId() != null) {
                g.writeStringField("faqId", r.faqId());
            }
            if (Double.isFinite(r.confidence())) {
                g.writeNumberField("confidence", Math.round(r.confidence() * 1000) / 1000.0);
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
        } else if (b instanceof EventBody.AgentSaid a) {
            g.writeStringField("agentId", a.agentId());
            g.writeStringField("agentName", a.agentName());
            g.writeStringField("id", a.messageId());
            g.writeStringField("text", a.text());
        } else if (b instanceof EventBody.SystemNotice n) {
            g.writeStringField("code", n.code());
            g.writeStringField("text", n.text());
        } else if (b instanceof EventBody.HandedOff h) {
            route(g, h);
        } else if (b instanceof EventBody.AgentJoined j) {
            g.writeStringField("agentId", j.agentId());
            g.writeStringField("agentName", j.agentName());
            g.writeStringField("how", j.how());
        } else if (b instanceof EventBody.AgentLeft l) {
            g.writeStringField("agentId", l.agentId());
            g.writeStringField("agentName", l.agentName());
            g.writeStringField("reason", l.reason());
        } else if (b instanceof EventBody.Closed c) {
            g.writeStringField("by", c.by());
            g.writeStringField("reason", c.reason());
        } else if (b instanceof EventBody.Rated r) {
            g.writeNumberField("score", r.score());
            g.writeStringField("comment", r.comment());
        } else if (b instanceof EventBody.Flagged f) {
            g.writeNumberField("messageSeq", f.messageSeq());
            g.writeStringField("rule", f.rule());
            g.writeStringField("ruleName", f.ruleName());
            g.writeStringField("trigger", f.trigger());
        } else {
            throw new IllegalStateException("an event the codec does not know: " + b.type());
        }
    }

    /** A handoff's fields: where it went and why. */
    static void route(JsonGenerator g, EventBody.HandedOff h) throws IOException {
        g.writeStringField("queue", h.queue());
        g.writeStringField("queueName", h.queueName());
        g.writeNumberField("priority", h.priority());
        g.writeStringField("trigger", h.trigger());
        g.writeStringField("reason", h.reason());
        g.writeBooleanField("leaveMessage", h.leaveMessage());
    }
}
