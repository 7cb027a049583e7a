package dev.xiaoer.gateway;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A WebSocket client written against the bare socket, for what polite clients never do: not answering pings,
 * sending fragments or frames of any size. Frames are masked, as a client's must be.
 */
final class RawWebSocket implements AutoCloseable {

    static final int TEXT = 1;
    static final int CONTINUATION = 0;
    static final int CLOSE = 8;
    static final int PING = 9;

    /** One frame read back: its opcode and payload. */
    record Frame(int opcode, byte[] payload) {
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawWebSocket(int port, String path) throws IOException {
        this(port, path, 0);
    }

    /** With {@code receiveBuffer} > 0, the socket's receive buffer is that small (a client that reads slowly). */
    RawWebSocket(int port, String path, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer); // before connecting, so that the window is small from the start
        }
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout(15_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        String key = Base64.getEncoder().encodeToString("raw-websocket-key".getBytes(StandardCharsets.US_ASCII));
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + head);
        }
    }

    void send(int opcode, boolean fin, byte[] payload) throws IOException {
        out.write((fin ? 0x80 : 0) | opcode);
        int len = payload.length;
        if (len < 126) {
            out.write(0x80 | len);
        } else if (len < 65536) {
            out.write(0x80 | 126);
            out.write(len >>> 8);
            out.write(len & 0xff);
        } else {
            out.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                out.write((int) ((long) len >>> (8 * i)) & 0xff);
            }
        }
        byte[] mask = {1, 2, 3, 4};
        out.write(mask);
        byte[] masked = new byte[len];
        for (int i = 0; i < len; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        out.write(masked);
        out.flush();
    }

    void sendText(String text) throws IOException {
        send(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The next frame from the server; an IOException when the connection ends first. */
    Frame read() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        return new Frame(b0 & 0x0f, payload);
    }

    /** Reads frames until a close frame comes, and returns it. */
    Frame readUntilClose() throws IOException {
        Frame f;
        do {
            f = read();
        } while (f.opcode() != CLOSE);
        return f;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
