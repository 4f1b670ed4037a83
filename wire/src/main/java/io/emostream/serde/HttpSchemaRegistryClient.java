package io.emostream.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;

/**
 * {@link SchemaRegistryClient} over HTTP, speaking the Confluent Schema Registry REST API with
 * {@code java.net.http} and Jackson. Works against Confluent Schema Registry and against Apicurio Registry's
 * compatibility API (base URL {@code http://host:port/apis/ccompat/v7}).
 *
 * <p>Schema ids never change meaning, so id-to-schema and (subject, schema)-to-id answers are cached for the
 * life of the client; only {@link #latest}, {@link #subjects}, and the compatibility calls always ask.
 *
 * <p>HTTPS uses the JDK's default trust (the {@code cacerts} of the running JVM) unless an {@link SSLContext} is
 * given ({@link #trusting}). A request that gets no answer, a 5xx, 408 or 429
 * ({@link SchemaRegistryException#isRetriable()}) is sent again, with pauses doubling from
 * {@link #FIRST_RETRY_PAUSE} up to {@link #MAX_RETRY_PAUSE}, until the retry timeout has passed; then the last
 * failure is thrown, saying how long it was retried. Refused credentials (401, 403), a failed TLS handshake and
 * answers about the request itself are thrown at once.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = "application/vnd.schemaregistry.v1+json, application/json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final Optional<String> authorization;
    private final Duration requestTimeout;
    private final Duration retryTimeout;
    private final HttpClient http;

    /** First pause before a retriable request is sent again; each further pause doubles, up to the maximum. */
    static final Duration FIRST_RETRY_PAUSE = Duration.ofMillis(100);

    static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(5);

    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    /** Ids whose schema is not Avro: as permanent as a schema, so asked once (bounded by the registry's ids). */
    private final Map<Integer, SchemaRegistryException> notAvroById = new ConcurrentHashMap<>();

    private final Map<String, Map<Schema, Integer>> idsBySubjectAndSchema =
            new ConcurrentHashMap<>();

    /**
     * @param baseUrl        registry base URL, e.g. {@code http://localhost:8081} (Confluent) or
     *                       {@code http://localhost:8081/apis/ccompat/v7} (Apicurio); a trailing slash is ignored
     * @param basicUserInfo  {@code user:password} for HTTP basic auth (Confluent's {@code basic.auth.user.info}),
     *                       or empty for none
     * @param requestTimeout timeout of each request (connect and response)
     */
    public HttpSchemaRegistryClient(
            String baseUrl, Optional<String> basicUserInfo, Duration requestTimeout) {
        this(baseUrl, basicUserInfo, requestTimeout, Optional.empty(), Duration.ZERO);
    }

    /**
     * @param baseUrl        as above
     * @param basicUserInfo  as above
     * @param requestTimeout as above
     * @param sslContext     TLS settings for an {@code https://} registry (e.g. {@link #trusting}); empty for the
     *                       JDK's default trust
     * @param retryTimeout   how long a retriable failure is retried before it is thrown ({@link Duration#ZERO}:
     *                       never)
     */
    public HttpSchemaRegistryClient(
            String baseUrl,
            Optional<String> basicUserInfo,
            Duration requestTimeout,
            Optional<SSLContext> sslContext,
            Duration retryTimeout) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        String trimmed = baseUrl.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (!trimmed.startsWith("http://") && !trimmed.startsWith("https://")) {
            throw new IllegalArgumentException(
                    "Schema registry URL '" + baseUrl + "' must start with http:// or https://");
        }
        this.baseUrl = trimmed;
        this.authorization =
                basicUserInfo
                        .filter(s -> !s.isBlank())
                        .map(
                                userInfo -> {
                                    if (!userInfo.contains(":")) {
                                        throw new IllegalArgumentException(
                                                "basic.auth.user.info must be 'user:password' (no ':' found)");
                                    }
                                    return "Basic "
                                            + Base64.getEncoder()
                                                    .encodeToString(
                                                            userInfo.getBytes(
                                                                    StandardCharsets.UTF_8));
                                });
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.retryTimeout = Objects.requireNonNull(retryTimeout, "retryTimeout");
        if (retryTimeout.isNegative()) {
            throw new IllegalArgumentException(
                    "retry timeout must not be negative: " + retryTimeout);
        }
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(requestTimeout);
        sslContext.ifPresent(builder::sslContext);
        this.http = builder.build();
    }

    /**
     * An {@link SSLContext} that trusts the certificates in {@code truststore} (and only those).
     *
     * @param type {@code PKCS12} or {@code JKS}
     * @throws IllegalArgumentException when the file cannot be read or is not a truststore of that type and
     *                                  password
     */
    public static SSLContext trusting(Path truststore, char[] password, String type) {
        try (InputStream in = Files.newInputStream(truststore)) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password);
            TrustManagerFactory trust =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "Cannot use " + type + " truststore " + truststore + ": " + e.getMessage(), e);
        }
    }

    public HttpSchemaRegistryClient(String baseUrl) {
        this(baseUrl, Optional.empty(), Duration.ofSeconds(10));
    }

    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public int register(String subject, Schema schema) {
        Integer cached = cachedId(subject, schema);
        if (cached != null) {
            return cached;
        }
        // Two clients registering the same new schema at the same moment can make the registry
        // answer 409 to one of
        // them (Apicurio does). Then the schema is usually there already: look it up. A 409 whose
        // schema is not under
        // the subject is a real incompatibility; it is tried again a few times, then reported as it
        // came.
        SchemaRegistryException conflict = null;
        for (int attempt = 0; attempt < REGISTER_ATTEMPTS; attempt++) {
            try {
                JsonNode body =
                        send(
                                "POST",
                                "/subjects/" + encode(subject) + "/versions",
                                schemaRequest(schema),
                                "register schema "
                                        + schema.getFullName()
                                        + " under subject "
                                        + subject);
                int id = requiredInt(body, "id");
                remember(subject, schema, id);
                return id;
            } catch (SchemaRegistryException e) {
                if (!e.isIncompatible()) {
                    throw e;
                }
                conflict = e;
            }
            try {
                return lookup(subject, schema).id();
            } catch (SchemaRegistryException e) {
                if (!e.isNotFound()) {
                    throw e;
                }
            }
            pause(REGISTER_BACKOFF.multipliedBy(attempt + 1));
        }
        throw conflict;
    }

    /** Registration attempts after a 409, and the pause before the next one (times the attempt number). */
    static final int REGISTER_ATTEMPTS = 3;

    static final Duration REGISTER_BACKOFF = Duration.ofMillis(200);

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(
                    "Interrupted while registering a schema",
                    SchemaRegistryException.NO_RESPONSE,
                    -1,
                    null,
                    e);
        }
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        JsonNode body =
                send(
                        "POST",
                        "/subjects/" + encode(subject),
                        schemaRequest(schema),
                        "look up schema " + schema.getFullName() + " under subject " + subject);
        RegisteredSchema registered = registeredSchema(body, subject);
        remember(subject, schema, registered.id());
        return registered;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        SchemaRegistryException notAvro = notAvroById.get(id);
        if (notAvro != null) {
            throw notAvro;
        }
        JsonNode body = send("GET", "/schemas/ids/" + id, null, "fetch schema id " + id);
        Schema schema;
        try {
            String type = body.path("schemaType").asText("AVRO");
            if (!"AVRO".equalsIgnoreCase(type)) {
                throw SchemaRegistryException.notAvro(
                        "Registry "
                                + baseUrl
                                + " has a "
                                + type
                                + " schema, not an Avro schema, under schema id "
                                + id,
                        body.toString(),
                        null);
            }
            schema = parse(requiredText(body, "schema"), "schema id " + id);
        } catch (SchemaRegistryException e) {
            if (e.isNotAvro()) {
                notAvroById.putIfAbsent(id, e);
            }
            throw e;
        }
        schemasById.putIfAbsent(id, schema);
        return schema;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        JsonNode body =
                send(
                        "GET",
                        "/subjects/" + encode(subject) + "/versions/latest",
                        null,
                        "fetch latest schema of subject " + subject);
        RegisteredSchema registered = registeredSchema(body, subject);
        remember(subject, registered.schema(), registered.id());
        return registered;
    }

    @Override
    public List<String> subjects() {
        JsonNode body = send("GET", "/subjects", null, "list subjects");
        List<String> subjects = new ArrayList<>();
        body.forEach(node -> subjects.add(node.asText()));
        return subjects;
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        ObjectNode request = JSON.createObjectNode().put("compatibility", level.name());
        send(
                "PUT",
                "/config/" + encode(subject),
                request,
                "set compatibility of subject " + subject + " to " + level);
    }

    @Override
    public Optional<CompatibilityLevel> compatibility(String subject) {
        JsonNode body;
        try {
            body =
                    send(
                            "GET",
                            "/config/" + encode(subject),
                            null,
                            "get compatibility of subject " + subject);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                return Optional.empty(); // Confluent: no subject-level rule; the global one applies
            }
            throw e;
        }
        // GET answers compatibilityLevel (Confluent and Apicurio); PUT answers compatibility.
        JsonNode level =
                body.hasNonNull("compatibilityLevel")
                        ? body.get("compatibilityLevel")
                        : body.get("compatibility");
        if (level == null) {
            throw new SchemaRegistryException(
                    "Registry "
                            + baseUrl
                            + " answered a config request for subject "
                            + subject
                            + " without a compatibility level: "
                            + body,
                    200,
                    -1,
                    body.toString(),
                    null);
        }
        return Optional.of(CompatibilityLevel.valueOf(level.asText()));
    }

    @Override
    public boolean isCompatibleWithLatest(String subject, Schema schema) {
        JsonNode body =
                send(
                        "POST",
                        "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                        schemaRequest(schema),
                        "check compatibility of "
                                + schema.getFullName()
                                + " with subject "
                                + subject);
        return body.path("is_compatible").asBoolean(false);
    }

    private Integer cachedId(String subject, Schema schema) {
        Map<Schema, Integer> ids = idsBySubjectAndSchema.get(subject);
        return ids == null ? null : ids.get(schema);
    }

    private void remember(String subject, Schema schema, int id) {
        idsBySubjectAndSchema
                .computeIfAbsent(subject, s -> new ConcurrentHashMap<>())
                .put(schema, id);
        schemasById.putIfAbsent(id, schema);
    }

    private static ObjectNode schemaRequest(Schema schema) {
        // schemaType is omitted: AVRO is the default in both Confluent and Apicurio.
        return JSON.createObjectNode().put("schema", schema.toString());
    }

    private RegisteredSchema registeredSchema(JsonNode body, String subject) {
        int id = requiredInt(body, "id");
        int version = requiredInt(body, "version");
        Schema schema =
                schemasById.computeIfAbsent(
                        id, i -> parse(requiredText(body, "schema"), "schema id " + i));
        return new RegisteredSchema(id, body.path("subject").asText(subject), version, schema);
    }

    private Schema parse(String schemaText, String what) {
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (RuntimeException e) {
            throw SchemaRegistryException.notAvro(
                    "Registry "
                            + baseUrl
                            + " returned a schema for "
                            + what
                            + " that does not parse as Avro: "
                            + e.getMessage(),
                    schemaText,
                    e);
        }
    }

    private JsonNode send(String method, String path, JsonNode requestBody, String action) {
        Instant started = Instant.now();
        Instant deadline = started.plus(retryTimeout);
        Duration pause = FIRST_RETRY_PAUSE;
        while (true) {
            try {
                return sendOnce(method, path, requestBody, action);
            } catch (SchemaRegistryException e) {
                Duration left = Duration.between(Instant.now(), deadline);
                if (!e.isRetriable() || retryTimeout.isZero()) {
                    throw e;
                }
                if (left.isNegative() || left.isZero()) {
                    throw e.withNote(
                            " (still failing after retrying for "
                                    + Duration.between(started, Instant.now()).toSeconds()
                                    + " s)");
                }
                try {
                    Thread.sleep(Math.max(1, Math.min(pause.toMillis(), left.toMillis())));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                pause = pause.multipliedBy(2);
                if (pause.compareTo(MAX_RETRY_PAUSE) > 0) {
                    pause = MAX_RETRY_PAUSE;
                }
            }
        }
    }

    private JsonNode sendOnce(String method, String path, JsonNode requestBody, String action) {
        URI uri = URI.create(baseUrl + path);
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(requestTimeout).header("Accept", ACCEPT);
        authorization.ifPresent(value -> request.header("Authorization", value));
        if (requestBody != null) {
            request.header("Content-Type", CONTENT_TYPE);
            request.method(
                    method,
                    HttpRequest.BodyPublishers.ofString(
                            requestBody.toString(), StandardCharsets.UTF_8));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response =
                    http.send(
                            request.build(),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            if (isTls(e)) {
                throw SchemaRegistryException.tlsFailure(
                        "Could not "
                                + action
                                + ": TLS handshake with schema registry "
                                + uri
                                + " failed (is its certificate in the configured truststore?): "
                                + e,
                        e);
            }
            throw new SchemaRegistryException(
                    "Could not "
                            + action
                            + ": no response from schema registry "
                            + method
                            + " "
                            + uri
                            + ": "
                            + e,
                    SchemaRegistryException.NO_RESPONSE,
                    -1,
                    null,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(
                    "Interrupted while trying to " + action + " at " + uri,
                    SchemaRegistryException.NO_RESPONSE,
                    -1,
                    null,
                    e);
        }
        String text = response.body();
        int status = response.statusCode();
        if (status < 200 || status >= 300) {
            int errorCode = -1;
            String message = text;
            try {
                JsonNode error = JSON.readTree(text);
                errorCode = error.path("error_code").asInt(-1);
                message = error.path("message").asText(text);
            } catch (IOException | RuntimeException notJson) {
                // keep the raw body as the message
            }
            throw new SchemaRegistryException(
                    "Could not "
                            + action
                            + ": schema registry "
                            + method
                            + " "
                            + uri
                            + " answered HTTP "
                            + status
                            + (errorCode >= 0 ? " (error_code " + errorCode + ")" : "")
                            + ": "
                            + message,
                    status,
                    errorCode,
                    text,
                    null);
        }
        try {
            return text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw new SchemaRegistryException(
                    "Could not "
                            + action
                            + ": schema registry "
                            + method
                            + " "
                            + uri
                            + " answered HTTP "
                            + status
                            + " with a body that is not JSON: "
                            + text,
                    status,
                    -1,
                    text,
                    e);
        }
    }

    private int requiredInt(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new SchemaRegistryException(
                    "Registry " + baseUrl + " answer lacks integer field '" + field + "': " + body,
                    200,
                    -1,
                    body.toString(),
                    null);
        }
        return value.asInt();
    }

    private String requiredText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual()) {
            throw new SchemaRegistryException(
                    "Registry " + baseUrl + " answer lacks text field '" + field + "': " + body,
                    200,
                    -1,
                    body.toString(),
                    null);
        }
        return value.asText();
    }

    private static boolean isTls(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return "HttpSchemaRegistryClient[" + baseUrl + "]";
    }
}
