package dev.xiaoer.gateway.queue;

import dev.xiaoer.gateway.agent.Agent;
import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.EventBody;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the gateway sends to an agent console; the web layer encodes each case as one JSON text frame. Frames about
 * a conversation name it; events keep their {@code seq}, so a console that got some twice (a reconnect) keeps one.
 */
public sealed interface AgentFrame
        permits AgentFrame.Welcome, AgentFrame.Lines, AgentFrame.Line, AgentFrame.Roster, AgentFrame.Assigned,
        AgentFrame.Event, AgentFrame.Ack, AgentFrame.Typing, AgentFrame.ClaimFailed, AgentFrame.Released,
        AgentFrame.SlaBreach, AgentFrame.Status, AgentFrame.Error, AgentFrame.Pong {

    /**
     * The login succeeded: who the agent is, a token for reconnects (valid {@code tokenSeconds}), their status,
     * the queues that exist (for transfers), the quick replies, the SLA, the grace period, and the server's time
     * (so that a console shows waiting times right whatever its own clock says).
     */
    record Welcome(Agent agent, String token, long tokenSeconds, AgentStatus status,
                   List<GatewayConfig.QueueInfo> queues, List<String> quickReplies, int slaWaitMinutes,
                   int graceSeconds, boolean resumed, Instant now) implements AgentFrame {
        public Welcome {
            Objects.requireNonNull(agent, "agent");
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(now, "now");
            queues = List.copyOf(queues);
            quickReplies = List.copyOf(quickReplies);
        }
    }

    /** Every waiting line the agent may see, head first: sent after the welcome. */
    record Lines(List<LineView> lines) implements AgentFrame {
        public Lines {
            lines = List.copyOf(lines);
        }
    }

    /** One waiting line changed: its whole new content. */
    record Line(LineView line) implements AgentFrame {
        public Line {
            Objects.requireNonNull(line, "line");
        }
    }

    /** Every agent with their status and load (for transfers and the supervisor's view). */
    record Roster(List<AgentView> agents) implements AgentFrame {
        public Roster {
            agents = List.copyOf(agents);
        }
    }

    /**
     * A chat is now the agent's: its whole history (bot replies, flags and all), the handoff that brought it
     * ({@code route}: queue, trigger, priority; null if it never had one), how it came ({@code auto}, {@code claim},
     * {@code transfer}), and whether the agent held it already (a reconnect).
     */
    record Assigned(String conversationId, List<ConversationEvent> history, EventBody.HandedOff route, String how,
                    boolean resumed) implements AgentFrame {
        public Assigned {
            Objects.requireNonNull(conversationId, "conversationId");
            history = List.copyOf(history);
            Objects.requireNonNull(how, "how");
        }
    }

    /** Something happened in a chat the agent holds (or held, for its closing and rating). */
    record Event(String conversationId, ConversationEvent event) implements AgentFrame {
        public Event {
            Objects.requireNonNull(conversationId, "conversationId");
            Objects.requireNonNull(event, "event");
        }
    }

    /** The agent's message {@code id} is stored as {@code seq} ({@code duplicate} when it was already). */
    record Ack(String conversationId, String id, long seq, boolean duplicate) implements AgentFrame {
    }

    /** The buyer started or stopped typing (ephemeral). */
    record Typing(String conversationId, boolean active) implements AgentFrame {
    }

    /** A claim lost: {@code taken}, {@code not_waiting}, {@code not_your_queue}, {@code at_capacity} … */
    record ClaimFailed(String conversationId, String reason) implements AgentFrame {
    }

    /** A chat is no longer the agent's: {@code transferred}, or put back in line ({@code away}, …). */
    record Released(String conversationId, String reason) implements AgentFrame {
    }

    /** A chat has waited past the SLA. */
    record SlaBreach(String conversationId, String queue, long waitingSeconds) implements AgentFrame {
    }

    /** The agent's status now. */
    record Status(AgentStatus status) implements AgentFrame {
    }

    /** A frame could not be done; {@code conversationId} and {@code id} name what it was about, when known. */
    record Error(AgentErrorCode code, String message, String conversationId, String id) implements AgentFrame {
        public Error {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }

    /** The answer to an application-level {@code ping}. */
    record Pong() implements AgentFrame {
    }

    /** One waiting line as agents see it: the queue, who waits (head first), and how many agents are available. */
    record LineView(GatewayConfig.QueueInfo queue, List<WaitingView> waiting, int agentsAvailable) {
        public LineView {
            Objects.requireNonNull(queue, "queue");
            waiting = List.copyOf(waiting);
        }
    }

    /** One waiting chat as agents see it in a line. */
    record WaitingView(String conversationId, String queue, int priority, Instant waitingSince, String trigger,
                       String preview, boolean leaveMessage, boolean front, boolean slaBreached, int position) {
    }

    /** One agent as colleagues see them. */
    record AgentView(String id, String name, Agent.Role role, AgentStatus status, int openChats, int maxChats) {
    }
}
