package dev.xiaoer.loadtest.echo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * The physical limit to measure the gateway against: a bare Netty WebSocket server that sends every text frame
 * back as it came, on {@code /ws/chat}, set up like the gateway (NIO, one accept thread, the default number of I/O
 * threads, the same socket options and frame limit). It answers {@code GET /health} as the gateway does, so that
 * run.sh can treat both alike.
 *
 * <pre>java -cp … dev.xiaoer.loadtest.echo.EchoServer [--host 127.0.0.1] [--port 0]</pre>
 * Prints {@code echo server listening on http://HOST:PORT} when ready; stops on SIGTERM or Ctrl-C.
 */
public final class EchoServer implements AutoCloseable {

    /** The same path and frame limit as the gateway's chat endpoint. */
    static final String PATH = "/ws/chat";
    private static final int MAX_FRAME_BYTES = 16 * 1024;
    private static final int MAX_HTTP_REQUEST_BYTES = 16 * 1024;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel server;
    private final ChannelGroup clients = new DefaultChannelGroup("echo-clients", GlobalEventExecutor.INSTANCE);

    private EchoServer(String host, int port) throws InterruptedException {
        boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("echo-accept", true),
                NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("echo-io", true),
                NioIoHandler.newFactory());
        Health health = new Health(clients);
        Echo echo = new Echo();
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(PATH)
                .maxFramePayloadLength(MAX_FRAME_BYTES)
                .allowExtensions(false)
                .build();
        try {
            server = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            clients.add(ch);
                            ch.pipeline()
                                    .addLast(new HttpServerCodec())
                                    .addLast(new HttpObjectAggregator(MAX_HTTP_REQUEST_BYTES))
                                    .addLast(new WebSocketServerProtocolHandler(ws))
                                    .addLast(echo)
                                    .addLast(health);
                        }
                    })
                    .bind(host, port).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            shutdown();
            throw e;
        }
    }

    /** Starts an echo server; port 0 takes any free port. */
    public static EchoServer start(String host, int port) throws InterruptedException {
        return new EchoServer(host, port);
    }

    /** The port it listens on. */
    public int port() {
        return ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    /** The WebSocket URL of its chat endpoint. */
    public String chatUrl() {
        return "ws://127.0.0.1:" + port() + PATH;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        clients.close().awaitUninterruptibly();
        shutdown();
    }

    private void shutdown() {
        boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    public static void main(String[] args) throws InterruptedException {
        String host = "127.0.0.1";
        int port = 0;
        for (int i = 0; i < args.length; i++) {
            if (i + 1 < args.length && args[i].equals("--host")) {
                host = args[++i];
            } else if (i + 1 < args.length && args[i].equals("--port")) {
                port = Integer.parseInt(args[++i]);
            } else {
                System.err.println("usage: EchoServer [--host 127.0.0.1] [--port 0]");
                System.exit(2);
            }
        }
        EchoServer echo = start(host, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            echo.close();
            stopped.countDown();
        }, "echo-shutdown"));
        System.out.println("echo server listening on http://" + host + ":" + echo.port());
        System.out.flush();
        stopped.await();
    }

    /** Sends each text frame back as it came: the buffer is passed on, not copied. */
    @ChannelHandler.Sharable
    private static final class Echo extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        Echo() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            ctx.writeAndFlush(frame);
        }
    }

    /** {@code GET /health} like the gateway's; anything else is 404. */
    @ChannelHandler.Sharable
    private static final class Health extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final ChannelGroup clients;

        Health(ChannelGroup clients) {
            this.clients = clients;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean health = req.uri().equals("/health");
            String body = health ? "{\"status\":\"ok\",\"connections\":" + clients.size() + "}" : "not found";
            FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(),
                    health ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, health ? "application/json" : "text/plain");
            HttpUtil.setContentLength(res, res.content().readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            HttpUtil.setKeepAlive(res, keepAlive);
            var written = ctx.writeAndFlush(res);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
