package dev.xiaoer.gateway.chat;

import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.ConversationState;
import dev.xiaoer.gateway.queue.Place;
import dev.xiaoer.intents.Candidate;

import java.util.List;
import java.util.Objects;

/**
 * What the chat sends to one buyer connection; the web layer encodes each case as one JSON text frame. Frames that
 * belong to the conversation ({@link Event}) are views of stored events and carry their {@code seq}.
 */
public sealed interface BuyerFrame
        permits BuyerFrame.Welcome, BuyerFrame.Ack, BuyerFrame.Event, BuyerFrame.Position, BuyerFrame.Typing,
        BuyerFrame.Error, BuyerFrame.Pong {

    /**
     * The session is ready: its id and token, whether it was resumed, the last seq the conversation has, and what
     * the widget shows first (greeting, hot questions, whether people are in, and when they are back if not).
     */
    record Welcome(String session, String token, boolean resumed, long lastSeq, ConversationState state,
                   String greeting, List<Candidate> hotQuestions, boolean open, String backAt, String notice,
                   Place place) implements BuyerFrame {
        public Welcome {
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(state, "state");
            hotQuestions = List.copyOf(hotQuestions);
        }
    }

    /** The buyer's message {@code id} is stored as {@code seq}; {@code duplicate} when it had been already. */
    record Ack(String id, long seq, boolean duplicate) implements BuyerFrame {
    }

    /** One buyer-visible event of the conversation; {@code place} is set on a handoff while the buyer waits. */
    record Event(ConversationEvent event, Place place) implements BuyerFrame {
        public Event {
            Objects.requireNonNull(event, "event");
        }
    }

    /** The buyer's place in line changed (ephemeral: no seq, not replayed; the current one is sent on resume). */
    record Position(Place place) implements BuyerFrame {
        public Position {
            Objects.requireNonNull(place, "place");
        }
    }

    /** The agent holding the chat started or stopped typing (ephemeral: no seq, not replayed). */
    record Typing(String agentName, boolean active) implements BuyerFrame {
        public Typing {
            Objects.requireNonNull(agentName, "agentName");
        }
    }

    /** Something the client sent could not be done; {@code messageId} names the message concerned, if any. */
    record Error(ErrorCode code, String message, String messageId) implements BuyerFrame {
        public Error {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }

    /** The answer to an application-level {@code ping}. */
    record Pong() implements BuyerFrame {
    }
}
