package dev.xiaoer.loadtest.driver;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;

import java.io.IOException;

/**
 * The few top-level fields of a server frame the driver acts on, read with a streaming parser (nested objects and
 * arrays such as {@code suggestions} are skipped). One instance per connection, reused for every frame, so that
 * reading costs no garbage beyond the strings.
 */
final class InboundFrame {

    private static final JsonFactory JSON = new JsonFactory();

    String type;
    String id;
    String from;
    String band;
    String faqId;
    String code;
    long seq;
    private byte[] scratch = new byte[1024];

    /** Reads a text frame's JSON; false if it is not one JSON object (the caller counts it as an error). */
    boolean read(ByteBuf content) {
        type = id = from = band = faqId = code = null;
        seq = -1;
        int length = content.readableBytes();
        byte[] bytes;
        int offset;
        if (content.hasArray()) {
            bytes = content.array();
            offset = content.arrayOffset() + content.readerIndex();
        } else {
            if (scratch.length < length) {
                scratch = new byte[Math.max(length, scratch.length * 2)];
            }
            content.getBytes(content.readerIndex(), scratch, 0, length);
            bytes = scratch;
            offset = 0;
        }
        try (JsonParser p = JSON.createParser(bytes, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                switch (name) {
                    case "type" -> type = p.getValueAsString();
                    case "id" -> id = p.getValueAsString();
                    case "from" -> from = p.getValueAsString();
                    case "band" -> band = p.getValueAsString();
                    case "faqId" -> faqId = p.getValueAsString();
                    case "code" -> code = p.getValueAsString();
                    case "seq" -> seq = p.getValueAsLong(-1);
                    default -> {
                        // other fields (text, at, queue …) are not needed to drive or check the load
                    }
                }
            }
            return t == JsonToken.END_OBJECT && type != null;
        } catch (IOException e) {
            return false;
        }
    }
}
