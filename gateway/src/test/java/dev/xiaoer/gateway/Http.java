package dev.xiaoer.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Plain HTTP requests to a gateway, as curl would send them. */
final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final String base;

    Http(String base) {
        this.base = base;
    }

    HttpResponse<String> get(String path, String bearer) throws Exception {
        return send("GET", path, bearer, null, null);
    }

    HttpResponse<String> post(String path, String bearer, String json) throws Exception {
        return send("POST", path, bearer, json == null ? null : json.getBytes(StandardCharsets.UTF_8),
                "application/json");
    }

    HttpResponse<String> put(String path, String bearer, byte[] body, String contentType) throws Exception {
        return send("PUT", path, bearer, body, contentType);
    }

    HttpResponse<String> send(String method, String path, String bearer, byte[] body, String contentType)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
