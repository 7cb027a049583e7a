package dev.xiaoer.loadtest.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

import java.net.InetSocketAddress;
import java.util.function.UnaryOperator;

/**
 * A stand-in for the gateway in the driver's tests: speaks the buyer protocol (welcome, ack, a bot reply, pong)
 * and answers each question with the FAQ entry a function picks, so that a test can make it answer wrongly.
 */
final class FakeGateway implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;

    /** @param answer the FAQ id to answer a question's text with */
    FakeGateway(UnaryOperator<String> answer) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler("/ws/chat"), new Conversation(answer));
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    String url() {
        return "ws://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + "/ws/chat";
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Conversation extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private final UnaryOperator<String> answer;
        private long seq;

        Conversation(UnaryOperator<String> answer) {
            this.answer = answer;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) throws Exception {
            JsonNode in = JSON.readTree(frame.text());
            switch (in.path("type").asText()) {
                case "hello" -> send(ctx, "{\"type\":\"welcome\",\"session\":\"s\",\"token\":\"t\",\"hotQuestions\":[]}");
                case "ping" -> send(ctx, "{\"type\":\"pong\"}");
                case "message" -> {
                    String id = in.path("id").asText();
                    send(ctx, "{\"type\":\"ack\",\"id\":\"" + id + "\",\"seq\":" + (++seq) + "}");
                    var reply = JSON.createObjectNode().put("type", "reply").put("seq", ++seq).put("from", "bot")
                            .put("band", "answer").put("faqId", answer.apply(in.path("text").asText()));
                    send(ctx, reply.toString());
                }
                default -> send(ctx, "{\"type\":\"error\",\"code\":\"unknown_type\"}");
            }
        }

        private static void send(ChannelHandlerContext ctx, String json) {
            ctx.writeAndFlush(new TextWebSocketFrame(json));
        }
    }
}
