package dev.xiaoer.gateway.chat;

import dev.xiaoer.gateway.agent.Agent;
import dev.xiaoer.gateway.agent.AgentTokens;
import dev.xiaoer.gateway.agent.Credentials;
import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.EventBody;
import dev.xiaoer.gateway.queue.AgentErrorCode;
import dev.xiaoer.gateway.queue.AgentFrame;
import dev.xiaoer.gateway.queue.AgentLink;
import dev.xiaoer.gateway.queue.AgentSeat;
import dev.xiaoer.gateway.queue.AgentStatus;
import dev.xiaoer.gateway.queue.HumanQueue;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The agents' side of the chat: logging in, and every command of the agent console, handed to the queue (claims,
 * status, transfers to an agent) or to the conversation's lane (messages, typing, closing, transfers to a line).
 * Called from event loops; never blocks them: secrets are checked on a small pool of their own.
 */
public final class AgentDesk implements AutoCloseable {

    /** PBKDF2 holds a core for a fraction of a second: a few at once is plenty, more wait or are refused. */
    private static final int LOGIN_THREADS = 2;
    private static final int LOGIN_BACKLOG = 32;

    private final Conversations conversations;
    private final HumanQueue queue;
    private final GatewayConfig config;
    private final Credentials credentials;
    private final AgentTokens tokens;
    private final ThreadPoolExecutor logins;

    public AgentDesk(Conversations conversations, HumanQueue queue, GatewayConfig config, Clock clock) {
        this.conversations = Objects.requireNonNull(conversations, "conversations");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.config = config;
        this.credentials = new Credentials(config.agents());
        this.tokens = new AgentTokens(Duration.ofHours(config.console().tokenHours()), clock);
        this.logins = new ThreadPoolExecutor(LOGIN_THREADS, LOGIN_THREADS, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(LOGIN_BACKLOG), r -> {
                    Thread t = new Thread(r, "xiaoer-login");
                    t.setDaemon(true);
                    return t;
                });
        // The first PBKDF2 of a JVM is several times slower than the next ones (JIT): pay it now, in the
        // background, rather than in the first agent's login.
        logins.execute(() -> credentials.check(null, "warm-up".toCharArray()));
    }

    /** The configured agents and their secrets. */
    public Credentials credentials() {
        return credentials;
    }

    // ---- logging in ----

    /**
     * Checks an id and secret off the event loop; completes with the agent, or empty when either is wrong. Fails
     * with {@link RejectedExecutionException} when too many logins are being checked already.
     */
    public CompletableFuture<Optional<Agent>> checkSecret(String agentId, String secret) {
        char[] chars = secret.toCharArray();
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return credentials.check(agentId, chars);
                } finally {
                    Arrays.fill(chars, '\0');
                }
            }, logins);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The agent a console token belongs to; fast (a hash and a map lookup), fine on an event loop. */
    public Optional<Agent> agentOfToken(String token) {
        return tokens.agentOf(token).flatMap(credentials::byId);
    }

    /**
     * A logged-in console: gets a fresh token, the welcome, the lines and the chats the agent holds; {@code status}
     * is what the console asks to start as (null: available, or as before when the agent comes back in time).
     */
    public void connect(Agent agent, AgentLink link, AgentStatus status) {
        String token = tokens.issue(agent.id());
        queue.connect(seat(agent), link, token, tokens.lifetime(), status);
    }

    /** The console's connection closed. */
    public void disconnected(Agent agent, AgentLink link) {
        queue.disconnected(agent.id(), link);
    }

    /** The agent logs out: every token of theirs stops working, their chats go back to the lines. */
    public void logout(Agent agent, AgentLink link) {
        tokens.revokeAll(agent.id());
        queue.logout(agent.id(), link);
    }

    // ---- the queue's commands ----

    public void status(Agent agent, AgentLink link, AgentStatus status) {
        queue.status(agent.id(), link, status);
    }

    public void claim(Agent agent, AgentLink link, String conversationId) {
        queue.claim(agent.id(), link, conversationId);
    }

    /** Hands a chat the agent holds to another agent (who must be available and below their cap). */
    public void transferToAgent(Agent agent, AgentLink link, String conversationId, String toAgentId) {
        queue.transferToAgent(agent.id(), link, conversationId, toAgentId);
    }

    // ---- the conversation's commands ----

    /** Writes to the buyer of a chat the agent holds. */
    public void say(Agent agent, AgentLink link, String conversationId, String messageId, String text) {
        queue.atWork(agent.id(), link);
        onConversation(agent, link, conversationId, messageId, (c, seat) -> c.agentSays(seat, messageId, text));
    }

    /** The agent's typing indicator for the buyer (dropped silently when the chat is not theirs). */
    public void typing(Agent agent, AgentLink link, String conversationId, boolean active) {
        Conversation c = conversations.find(conversationId);
        AgentSeat seat = seat(agent);
        if (c != null && seat.isCurrent(link)) {
            conversations.run(c, () -> c.agentTyping(seat, active));
        }
    }

    /** Ends a chat the agent holds; the buyer is asked for a rating. */
    public void close(Agent agent, AgentLink link, String conversationId) {
        onConversation(agent, link, conversationId, null, Conversation::closeByAgent);
    }

    /** Sends a chat the agent holds to the line of another queue. */
    public void transferToQueue(Agent agent, AgentLink link, String conversationId, String queueId) {
        Optional<GatewayConfig.QueueInfo> target = config.queues().queue(queueId);
        if (target.isEmpty()) {
            link.send(new AgentFrame.Error(AgentErrorCode.UNKNOWN_QUEUE, "no queue has the id " + queueId,
                    conversationId, null));
            return;
        }
        onConversation(agent, link, conversationId, null, (c, seat) -> c.transferToQueue(seat, target.get()));
    }

    private interface ConversationCommand {
        void run(Conversation c, AgentSeat seat);
    }

    private void onConversation(Agent agent, AgentLink link, String conversationId, String messageId,
                                ConversationCommand command) {
        AgentSeat seat = seat(agent);
        if (!seat.isCurrent(link)) {
            return; // a connection replaced by a newer login; it is being closed
        }
        Conversation c = conversations.find(conversationId);
        if (c == null) {
            link.send(new AgentFrame.Error(AgentErrorCode.NOT_FOUND, "no open chat has this id", conversationId,
                    messageId));
            return;
        }
        conversations.run(c, () -> command.run(c, seat));
    }

    private AgentSeat seat(Agent agent) {
        return queue.seat(agent.id()).orElseThrow(() -> new IllegalStateException("no seat for " + agent));
    }

    // ---- transcripts ----

    /**
     * Whether {@code agent} may read a conversation with these events: supervisors read every one; agents those
     * handed to a queue they see, and those they held themselves at some point.
     */
    public static boolean maySee(Agent agent, List<ConversationEvent> events) {
        if (agent.supervisor()) {
            return true;
        }
        String queue = null;
        for (ConversationEvent e : events) {
            if (e.body() instanceof EventBody.HandedOff h) {
                queue = h.queue();
            } else if (e.body() instanceof EventBody.AgentJoined j && j.agentId().equals(agent.id())) {
                return true;
            }
        }
        return queue != null && agent.sees(queue);
    }

    /** Stops checking secrets. */
    @Override
    public void close() {
        logins.shutdownNow();
    }
}
