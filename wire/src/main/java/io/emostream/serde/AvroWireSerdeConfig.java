package io.emostream.serde;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.kafka.common.config.ConfigException;

/**
 * Configuration keys of {@link AvroWireSerializer} and {@link AvroWireDeserializer}. The keys are Confluent's
 * own ({@code schema.registry.url}, {@code auto.register.schemas}, ...), so the same client properties also
 * configure Confluent's {@code KafkaAvroSerializer}/{@code KafkaAvroDeserializer}. Keys starting with
 * {@code emostream.} are ours; Confluent's classes ignore them.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@value #SCHEMA_REGISTRY_URL}</td><td>required</td><td>registry base URL; for Apicurio
 *     {@code http://host:port/apis/ccompat/v7}. A comma-separated list is accepted; only the first URL is
 *     used.</td></tr>
 * <tr><td>{@value #AUTO_REGISTER_SCHEMAS}</td><td>true</td><td>serializer registers the record's schema
 *     under the subject</td></tr>
 * <tr><td>{@value #USE_LATEST_VERSION}</td><td>false</td><td>serializer (without auto-registration) writes
 *     with the id of the subject's latest version, which must equal the record's schema</td></tr>
 * <tr><td>{@value #REMOVE_JAVA_PROPERTIES}</td><td>false</td><td>serializer registers and looks up the
 *     schema without the generator's {@code avro.java.string} properties, i.e. exactly as in
 *     {@code schemas/*.avsc} (see {@link JavaSchemaProperties})</td></tr>
 * <tr><td>{@value #SPECIFIC_AVRO_READER}</td><td>false</td><td>deserializer returns generated classes;
 *     without {@value #READER_CLASS} the class is the one named by the writer schema</td></tr>
 * <tr><td>{@value #READER_CLASS}</td><td>none</td><td>generated class to read into; its schema is the reader
 *     schema (implies {@value #SPECIFIC_AVRO_READER})</td></tr>
 * <tr><td>{@value #VALUE_SUBJECT_NAME_STRATEGY}, {@value #KEY_SUBJECT_NAME_STRATEGY}</td><td>TopicNameStrategy
 *     </td><td>only TopicNameStrategy ({@code <topic>-value} / {@code <topic>-key}) is supported</td></tr>
 * <tr><td>{@value #BASIC_AUTH_CREDENTIALS_SOURCE}</td><td>USER_INFO if user info is set</td><td>only
 *     USER_INFO is supported</td></tr>
 * <tr><td>{@value #BASIC_AUTH_USER_INFO}</td><td>none</td><td>{@code user:password} for HTTP basic auth</td></tr>
 * <tr><td>{@value #REQUEST_TIMEOUT_MS}</td><td>10000</td><td>timeout of one registry request</td></tr>
 * <tr><td>{@value #RETRY_TIMEOUT_MS}</td><td>0</td><td>how long a request that got no answer, a 5xx, 408 or 429
 *     is retried (with growing pauses) before it fails; 0: it fails at once</td></tr>
 * <tr><td>{@value #SSL_TRUSTSTORE_LOCATION}</td><td>none (the JDK's default trust)</td><td>truststore with the
 *     certificate (or its CA) of an {@code https://} registry</td></tr>
 * <tr><td>{@value #SSL_TRUSTSTORE_PASSWORD}</td><td>none</td><td>its password</td></tr>
 * <tr><td>{@value #SSL_TRUSTSTORE_TYPE}</td><td>PKCS12</td><td>{@code PKCS12} or {@code JKS}</td></tr>
 * </table>
 */
public final class AvroWireSerdeConfig {

    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String REMOVE_JAVA_PROPERTIES = "avro.remove.java.properties";
    public static final String READER_CLASS = "emostream.avro.reader.class";
    public static final String REQUEST_TIMEOUT_MS = "emostream.schema.registry.request.timeout.ms";
    public static final String RETRY_TIMEOUT_MS = "emostream.schema.registry.retry.timeout.ms";
    public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";

    private static final String TOPIC_NAME_STRATEGY = "TopicNameStrategy";

    private final Map<String, ?> configs;

    public AvroWireSerdeConfig(Map<String, ?> configs) {
        this.configs =
                Map.copyOf(
                        configs.entrySet().stream()
                                .filter(e -> e.getKey() != null && e.getValue() != null)
                                .collect(
                                        java.util.stream.Collectors.toMap(
                                                Map.Entry::getKey, Map.Entry::getValue)));
    }

    /** Builds the registry client these settings describe. */
    public SchemaRegistryClient newRegistryClient() {
        Object url = configs.get(SCHEMA_REGISTRY_URL);
        if (url == null || url.toString().isBlank()) {
            throw new ConfigException(
                    "Missing required configuration '"
                            + SCHEMA_REGISTRY_URL
                            + "' (e.g. http://localhost:8081/apis/ccompat/v7 for Apicurio Registry)");
        }
        String first = url.toString().split(",")[0].strip();
        Optional<String> userInfo =
                Optional.ofNullable(configs.get(BASIC_AUTH_USER_INFO)).map(Object::toString);
        Object source = configs.get(BASIC_AUTH_CREDENTIALS_SOURCE);
        if (source != null && !"USER_INFO".equals(source.toString())) {
            throw new ConfigException(
                    BASIC_AUTH_CREDENTIALS_SOURCE, source, "only USER_INFO is supported");
        }
        Optional<SSLContext> ssl = Optional.empty();
        Object truststore = configs.get(SSL_TRUSTSTORE_LOCATION);
        if (truststore != null && !truststore.toString().isBlank()) {
            Object password = configs.get(SSL_TRUSTSTORE_PASSWORD);
            Object type = configs.get(SSL_TRUSTSTORE_TYPE);
            try {
                ssl =
                        Optional.of(
                                HttpSchemaRegistryClient.trusting(
                                        Path.of(truststore.toString().strip()),
                                        password == null ? null : password.toString().toCharArray(),
                                        type == null || type.toString().isBlank()
                                                ? "PKCS12"
                                                : type.toString().strip()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(SSL_TRUSTSTORE_LOCATION + ": " + e.getMessage());
            }
        }
        long retryMs = longValue(RETRY_TIMEOUT_MS, 0);
        if (retryMs < 0) {
            throw new ConfigException(RETRY_TIMEOUT_MS, retryMs, "must not be negative");
        }
        try {
            return new HttpSchemaRegistryClient(
                    first,
                    userInfo,
                    Duration.ofMillis(longValue(REQUEST_TIMEOUT_MS, 10_000)),
                    ssl,
                    Duration.ofMillis(retryMs));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL + ": " + e.getMessage());
        }
    }

    public boolean autoRegisterSchemas() {
        return bool(AUTO_REGISTER_SCHEMAS, true);
    }

    public boolean useLatestVersion() {
        return bool(USE_LATEST_VERSION, false);
    }

    public boolean removeJavaProperties() {
        return bool(REMOVE_JAVA_PROPERTIES, false);
    }

    public boolean specificAvroReader() {
        return bool(SPECIFIC_AVRO_READER, false);
    }

    /** The configured reader class, as a {@code Class} or a class name. */
    public Optional<Class<?>> readerClass() {
        Object value = configs.get(READER_CLASS);
        if (value == null || value.toString().isBlank()) {
            return Optional.empty();
        }
        if (value instanceof Class<?> type) {
            return Optional.of(type);
        }
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            return Optional.of(
                    Class.forName(
                            value.toString().strip(),
                            true,
                            loader != null ? loader : AvroWireSerdeConfig.class.getClassLoader()));
        } catch (ClassNotFoundException e) {
            throw new ConfigException(READER_CLASS, value, "class not found");
        }
    }

    /** Subject for {@code topic}: TopicNameStrategy, the only strategy supported. */
    public String subject(String topic, boolean isKey) {
        String key = isKey ? KEY_SUBJECT_NAME_STRATEGY : VALUE_SUBJECT_NAME_STRATEGY;
        Object strategy = configs.get(key);
        if (strategy != null) {
            String name =
                    strategy instanceof Class<?> type
                            ? type.getName()
                            : strategy.toString().strip();
            if (!name.equals(TOPIC_NAME_STRATEGY) && !name.endsWith("." + TOPIC_NAME_STRATEGY)) {
                throw new ConfigException(
                        key,
                        strategy,
                        "only TopicNameStrategy (subject <topic>-key / <topic>-value) "
                                + "is supported by "
                                + AvroWireSerializer.class.getName());
            }
        }
        return topic + (isKey ? "-key" : "-value");
    }

    /** Fails fast at configure time on an unsupported subject name strategy. */
    void validateSubjectStrategy(boolean isKey) {
        subject("validation", isKey);
    }

    private boolean bool(String key, boolean defaultValue) {
        Object value = configs.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = value.toString().strip();
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new ConfigException(key, value, "expected true or false");
    }

    private long longValue(String key, long defaultValue) {
        Object value = configs.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(value.toString().strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, value, "expected a whole number of milliseconds");
        }
    }
}
