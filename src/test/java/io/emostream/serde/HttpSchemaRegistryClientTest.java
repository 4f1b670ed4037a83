package io.emostream.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.emostream.avro.EmotionEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the HTTP client puts on the wire (auth header, content type, path encoding) and what it caches, seen
 * from a JDK HTTP server on loopback that records each request and answers as the Confluent API documents.
 * Registry semantics are tested against real Apicurio in {@link SerdeRegistryIT}.
 */
class HttpSchemaRegistryClientTest {

    private record Request(String method, String path, String authorization, String contentType, String body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private String url;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7/";
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getRawPath();
        requests.add(new Request(exchange.getRequestMethod(), path, exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().getFirst("Content-Type"), body));
        int status;
        String response;
        if (path.endsWith("/subjects/call%20emotions-value/versions")) {
            status = 200;
            response = "{\"id\":17}";
        } else if (path.endsWith("/schemas/ids/17")) {
            status = 200;
            response = JSON.createObjectNode().put("schema", EmotionEvent.getClassSchema().toString()).toString();
        } else {
            status = 404;
            response = "{\"error_code\":40403,\"message\":\"Schema not found\"}";
        }
        byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void sendsBasicAuthAndSchemaJsonAndCachesBothWays() throws IOException {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url, Optional.of("svc:s3cret"), Duration.ofSeconds(5));

        assertEquals(17, client.register("call emotions-value", EmotionEvent.getClassSchema()));
        Request register = requests.get(0);
        assertEquals("POST", register.method());
        assertEquals("/apis/ccompat/v7/subjects/call%20emotions-value/versions", register.path());
        assertEquals("Basic " + Base64.getEncoder().encodeToString("svc:s3cret".getBytes(StandardCharsets.UTF_8)),
                register.authorization());
        assertEquals("application/vnd.schemaregistry.v1+json", register.contentType());
        assertEquals(EmotionEvent.getClassSchema().toString(), JSON.readTree(register.body()).get("schema").asText());

        // Both directions come from the cache now: no further requests.
        assertEquals(17, client.register("call emotions-value", EmotionEvent.getClassSchema()));
        assertEquals(EmotionEvent.getClassSchema(), client.schemaById(17));
        assertEquals(1, requests.size());
    }

    @Test
    void errorsCarryStatusErrorCodeAndBody() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url);
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> client.schemaById(99));
        assertEquals(404, e.httpStatus());
        assertEquals(40403, e.errorCode());
        assertTrue(e.isNotFound());
        assertTrue(e.responseBody().contains("Schema not found"), e.responseBody());
        assertTrue(e.getMessage().contains("GET " + url + "schemas/ids/99 answered HTTP 404 (error_code 40403)"),
                e.getMessage());
        assertEquals(null, requests.get(0).authorization());
    }

    @Test
    void rejectsMalformedSettings() {
        assertThrows(IllegalArgumentException.class, () -> new HttpSchemaRegistryClient("localhost:8081"));
        assertThrows(IllegalArgumentException.class,
                () -> new HttpSchemaRegistryClient(url, Optional.of("no-colon"), Duration.ofSeconds(1)));
    }
}
