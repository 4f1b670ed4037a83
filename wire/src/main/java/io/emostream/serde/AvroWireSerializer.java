package io.emostream.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka {@link Serializer} writing generated Avro records in the Confluent wire format, without Confluent's
 * jars. Configured with Confluent's own keys (see {@link AvroWireSerdeConfig}): {@code schema.registry.url},
 * {@code auto.register.schemas} (default true), {@code use.latest.version}, {@code avro.remove.java.properties},
 * TopicNameStrategy subjects ({@code <topic>-value} or {@code <topic>-key}).
 *
 * <p>Because the keys and the bytes are Confluent's, a deployment that has Confluent's serde can name
 * {@code io.confluent.kafka.serializers.KafkaAvroSerializer} instead of this class wherever the service takes
 * a serializer class name, with the same properties.
 *
 * <p>Schema ids are resolved once per (subject, schema) and cached; {@code null} values (tombstones) pass
 * through as {@code null}.
 *
 * @param <T> the generated record type
 */
public class AvroWireSerializer<T extends SpecificRecord> implements Serializer<T> {

    private SchemaRegistryClient registry;
    private AvroWireSerdeConfig config;
    private boolean isKey;
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

    /** For Kafka's reflective construction; {@link #configure} builds the registry client. */
    public AvroWireSerializer() {}

    /** Uses {@code registry} instead of building one from {@code schema.registry.url}. */
    public AvroWireSerializer(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = new AvroWireSerdeConfig(configs);
        this.isKey = isKey;
        config.validateSubjectStrategy(isKey);
        if (registry == null) {
            registry = config.newRegistryClient();
        }
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        if (config == null) {
            throw new IllegalStateException(
                    getClass().getSimpleName() + " used before configure()");
        }
        String subject = config.subject(topic, isKey);
        Schema schema = record.getSchema();
        int id =
                idsBySubject
                        .computeIfAbsent(subject, s -> new ConcurrentHashMap<>())
                        .computeIfAbsent(
                                schema,
                                s ->
                                        resolveId(
                                                subject,
                                                config.removeJavaProperties()
                                                        ? JavaSchemaProperties.strip(s)
                                                        : s));
        return AvroWireFormat.encode(id, record);
    }

    private int resolveId(String subject, Schema schema) {
        try {
            if (config.autoRegisterSchemas()) {
                return registry.register(subject, schema);
            }
            if (config.useLatestVersion()) {
                RegisteredSchema latest = registry.latest(subject);
                // Bytes written with the record's schema are only valid under the latest id when
                // both schemas
                // have the same binary layout, which is what equal canonical forms mean.
                if (!SchemaNormalization.toParsingForm(latest.schema())
                        .equals(SchemaNormalization.toParsingForm(schema))) {
                    throw new SerializationException(
                            "use.latest.version: latest schema of subject "
                                    + subject
                                    + " (id "
                                    + latest.id()
                                    + ", version "
                                    + latest.version()
                                    + ") differs from the schema of "
                                    + schema.getFullName()
                                    + " being written; register the record's schema or upgrade the producer");
                }
                return latest.id();
            }
            return registry.lookup(subject, schema).id();
        } catch (SchemaRegistryException e) {
            throw new SerializationException(
                    "Could not get a schema id for "
                            + schema.getFullName()
                            + " under subject "
                            + subject
                            + " (auto.register.schemas="
                            + config.autoRegisterSchemas()
                            + "): "
                            + e.getMessage(),
                    e);
        }
    }

    @Override
    public void close() {
        // the HTTP client holds no resources that need closing on Java 17
    }
}
