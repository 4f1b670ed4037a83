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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the HTTP client puts on the wire (auth header, content type, path encoding) and what it caches, seen
 * from a JDK HTTP server on loopback that records each request and answers as the Confluent API documents.
 * Registry semantics are tested against real Apicurio in {@link SerdeRegistryIT}.
 */
class HttpSchemaRegistryClientTest {

    private record Request(
            String method, String path, String authorization, String contentType, String body) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    /** How many requests for schema id 17 are answered 503 before the schema is served. */
    private final AtomicInteger unavailableAnswersLeft = new AtomicInteger();

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
        requests.add(
                new Request(
                        exchange.getRequestMethod(),
                        path,
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestHeaders().getFirst("Content-Type"),
                        body));
        int status;
        String response;
        if (path.endsWith("/subjects/raced-value/versions")) {
            // another client registered the same schema a moment ago: Apicurio answers 409 to this
            // one
            status = 409;
            response = "{\"error_code\":409,\"message\":\"Conflict\"}";
        } else if (path.endsWith("/subjects/raced-value")) {
            status = 200;
            response =
                    JSON.createObjectNode()
                            .put("subject", "raced-value")
                            .put("id", 23)
                            .put("version", 1)
                            .put("schema", EmotionEvent.getClassSchema().toString())
                            .toString();
        } else if (path.endsWith("/subjects/incompatible-value/versions")) {
            status = 409;
            response =
                    "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\"}";
        } else if (path.endsWith("/subjects/call%20emotions-value/versions")) {
            status = 200;
            response = "{\"id\":17}";
        } else if (path.endsWith("/schemas/ids/17")
                && unavailableAnswersLeft.getAndDecrement() > 0) {
            status = 503;
            response = "{\"error_code\":50301,\"message\":\"unavailable\"}";
        } else if (path.endsWith("/schemas/ids/17")) {
            status = 200;
            response =
                    JSON.createObjectNode()
                            .put("schema", EmotionEvent.getClassSchema().toString())
                            .toString();
        } else if (path.endsWith("/schemas/ids/77")) {
            // Someone registered a JSON Schema: its id is in the same id space as the Avro ones.
            status = 200;
            response =
                    JSON.createObjectNode()
                            .put("schemaType", "JSON")
                            .put(
                                    "schema",
                                    "{\"type\":\"object\",\"properties\":{\"callId\":{\"type\":\"string\"}}}")
                            .toString();
        } else if (path.endsWith("/schemas/ids/78")) {
            status = 200;
            response =
                    JSON.createObjectNode()
                            .put(
                                    "schema",
                                    "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":"
                                            + "\"x\",\"type\":\"no.such.Type\"}]}")
                            .toString(); // no schemaType: AVRO, but invalid
        } else if (path.endsWith("/schemas/ids/503")) {
            status = 503;
            response = "{\"error_code\":50301,\"message\":\"unavailable\"}";
        } else if (path.endsWith("/schemas/ids/401")) {
            status = 401;
            response = "{\"error_code\":40101,\"message\":\"unauthorized\"}";
        } else if (path.endsWith("/schemas/ids/422")) {
            status = 422;
            response = "{\"error_code\":42202,\"message\":\"invalid id\"}";
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
        HttpSchemaRegistryClient client =
                new HttpSchemaRegistryClient(url, Optional.of("svc:s3cret"), Duration.ofSeconds(5));

        assertEquals(17, client.register("call emotions-value", EmotionEvent.getClassSchema()));
        Request register = requests.get(0);
        assertEquals("POST", register.method());
        assertEquals("/apis/ccompat/v7/subjects/call%20emotions-value/versions", register.path());
        assertEquals(
                "Basic "
                        + Base64.getEncoder()
                                .encodeToString("svc:s3cret".getBytes(StandardCharsets.UTF_8)),
                register.authorization());
        assertEquals("application/vnd.schemaregistry.v1+json", register.contentType());
        assertEquals(
                EmotionEvent.getClassSchema().toString(),
                JSON.readTree(register.body()).get("schema").asText());

        // Both directions come from the cache now: no further requests.
        assertEquals(17, client.register("call emotions-value", EmotionEvent.getClassSchema()));
        assertEquals(EmotionEvent.getClassSchema(), client.schemaById(17));
        assertEquals(1, requests.size());
    }

    @Test
    void errorsCarryStatusErrorCodeAndBody() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url);
        SchemaRegistryException e =
                assertThrows(SchemaRegistryException.class, () -> client.schemaById(99));
        assertEquals(404, e.httpStatus());
        assertEquals(40403, e.errorCode());
        assertTrue(e.isNotFound());
        assertTrue(e.responseBody().contains("Schema not found"), e.responseBody());
        assertTrue(
                e.getMessage()
                        .contains(
                                "GET "
                                        + url
                                        + "schemas/ids/99 answered HTTP 404 (error_code 40403)"),
                e.getMessage());
        assertEquals(null, requests.get(0).authorization());
    }

    @Test
    void aSchemaIdOfANonAvroSchemaIsAPermanentPerRecordErrorAskedOnce() {
        AvroWireFormat wire = new AvroWireFormat(new HttpSchemaRegistryClient(url));
        byte[] payload = new byte[] {0, 0, 0, 0, 77, '{', '}'};
        for (int attempt = 0; attempt < 3; attempt++) {
            WireFormatException e =
                    assertThrows(
                            WireFormatException.class,
                            () -> wire.decode(payload, io.emostream.avro.AudioChunk.class));
            assertEquals(WireFormatError.NOT_AVRO_SCHEMA, e.error());
            assertTrue(!e.isRetriable(), "dead-lettered, not retried");
            assertTrue(e.getMessage().contains("JSON schema"), e.getMessage());
        }
        assertEquals(1, requests.size(), "the answer for id 77 is cached like a schema");

        WireFormatException invalid =
                assertThrows(WireFormatException.class, () -> wire.writerSchema(78));
        assertEquals(WireFormatError.NOT_AVRO_SCHEMA, invalid.error());
        assertTrue(invalid.getMessage().contains("does not parse as Avro"), invalid.getMessage());
    }

    @Test
    void onlyUnavailabilityOrTheServicesOwnCredentialsAreRetriable() {
        AvroWireFormat wire = new AvroWireFormat(new HttpSchemaRegistryClient(url));
        assertEquals(
                WireFormatError.REGISTRY_UNAVAILABLE,
                assertThrows(WireFormatException.class, () -> wire.writerSchema(503)).error());
        assertEquals(
                WireFormatError.REGISTRY_UNAVAILABLE,
                assertThrows(WireFormatException.class, () -> wire.writerSchema(401)).error());
        assertEquals(
                WireFormatError.UNKNOWN_SCHEMA_ID,
                assertThrows(WireFormatException.class, () -> wire.writerSchema(422)).error());
        assertEquals(
                WireFormatError.UNKNOWN_SCHEMA_ID,
                assertThrows(WireFormatException.class, () -> wire.writerSchema(99)).error());
    }

    @Test
    void rejectsMalformedSettings() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new HttpSchemaRegistryClient("localhost:8081"));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new HttpSchemaRegistryClient(
                                url, Optional.of("no-colon"), Duration.ofSeconds(1)));
    }

    @Test
    void aRegistrationThatLostARaceFindsTheSchemaTheOtherClientRegistered() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url);
        assertEquals(23, client.register("raced-value", EmotionEvent.getClassSchema()));
        assertEquals(
                List.of(
                        "POST /apis/ccompat/v7/subjects/raced-value/versions",
                        "POST /apis/ccompat/v7/subjects/raced-value"),
                requests.stream().map(r -> r.method() + " " + r.path()).toList());
        assertEquals(
                23,
                client.register("raced-value", EmotionEvent.getClassSchema()),
                "and remembers it");
        assertEquals(2, requests.size());
    }

    @Test
    void aRealIncompatibilityIsReportedAfterAFewTries() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url);
        SchemaRegistryException e =
                assertThrows(
                        SchemaRegistryException.class,
                        () -> client.register("incompatible-value", EmotionEvent.getClassSchema()));
        assertTrue(e.isIncompatible(), e.getMessage());
        assertTrue(e.getMessage().contains("incompatible"), e.getMessage());
        assertEquals(
                2 * HttpSchemaRegistryClient.REGISTER_ATTEMPTS,
                requests.size(),
                "register, then look up, per try");
    }

    @Test
    void anUnavailableRegistryIsAskedAgainUntilItAnswersWithinTheRetryTimeout() {
        unavailableAnswersLeft.set(3);
        HttpSchemaRegistryClient client =
                new HttpSchemaRegistryClient(
                        url,
                        Optional.empty(),
                        Duration.ofSeconds(5),
                        Optional.empty(),
                        Duration.ofSeconds(10));
        assertEquals(EmotionEvent.getClassSchema(), client.schemaById(17));
        assertEquals(4, requests.size(), "three 503 answers, then the schema");
    }

    @Test
    void withoutARetryTimeoutTheFirstFailureIsThrown() {
        unavailableAnswersLeft.set(1);
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url);
        assertTrue(
                assertThrows(SchemaRegistryException.class, () -> client.schemaById(17))
                        .isUnavailable());
        assertEquals(1, requests.size());
    }

    @Test
    void retriesStopAtTheRetryTimeoutAndSaySo() {
        HttpSchemaRegistryClient client =
                new HttpSchemaRegistryClient(
                        url,
                        Optional.empty(),
                        Duration.ofSeconds(5),
                        Optional.empty(),
                        Duration.ofMillis(400));
        long started = System.nanoTime();
        SchemaRegistryException e =
                assertThrows(SchemaRegistryException.class, () -> client.schemaById(503));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertEquals(503, e.httpStatus());
        assertTrue(e.getMessage().contains("still failing after retrying for"), e.getMessage());
        assertTrue(requests.size() >= 3, "asked " + requests.size() + " times");
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "gave up after " + took);
    }

    @Test
    void refusedCredentialsAreNotRetried() {
        HttpSchemaRegistryClient client =
                new HttpSchemaRegistryClient(
                        url,
                        Optional.of("svc:wrong"),
                        Duration.ofSeconds(5),
                        Optional.empty(),
                        Duration.ofSeconds(30));
        SchemaRegistryException e =
                assertThrows(SchemaRegistryException.class, () -> client.schemaById(401));
        assertEquals(401, e.httpStatus());
        assertTrue(e.isClientConfigurationError());
        assertEquals(1, requests.size(), "a 401 is reported at once, not retried for 30 s");
    }
}
