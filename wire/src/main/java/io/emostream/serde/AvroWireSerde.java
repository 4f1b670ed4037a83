package io.emostream.serde;

import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link Serde} of one generated Avro class in the Confluent wire format: an {@link AvroWireSerializer} and an
 * {@link AvroWireDeserializer} reading into that class. Configure with the Confluent keys of
 * {@link AvroWireSerdeConfig}; a deployment with Confluent's {@code SpecificAvroSerde} can use it instead with
 * the same properties.
 *
 * @param <T> the generated record type
 */
public class AvroWireSerde<T extends SpecificRecord> implements Serde<T> {

    private final AvroWireSerializer<T> serializer;
    private final AvroWireDeserializer<T> deserializer;

    /** Builds its registry client from {@code schema.registry.url} at {@link #configure}. */
    public AvroWireSerde(Class<T> recordClass) {
        this(recordClass, null);
    }

    /** Shares {@code registry} (and so its caches) between serializer and deserializer. */
    public AvroWireSerde(Class<T> recordClass, SchemaRegistryClient registry) {
        Objects.requireNonNull(recordClass, "recordClass");
        this.serializer = new AvroWireSerializer<>(registry);
        this.deserializer = new AvroWireDeserializer<>(registry, recordClass);
    }

    /** A serde of {@code recordClass}, configured for values or keys. */
    public static <T extends SpecificRecord> AvroWireSerde<T> configured(
            Class<T> recordClass,
            SchemaRegistryClient registry,
            Map<String, ?> configs,
            boolean isKey) {
        AvroWireSerde<T> serde = new AvroWireSerde<>(recordClass, registry);
        serde.configure(configs, isKey);
        return serde;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
