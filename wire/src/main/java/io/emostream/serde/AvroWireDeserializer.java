package io.emostream.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka {@link Deserializer} reading Confluent wire-format Avro, without Confluent's jars. What it returns:
 * <ul>
 *   <li>reader class given (constructor or {@code emostream.avro.reader.class}): an instance of that generated
 *       class. Its schema is the reader schema; the writer schema is fetched by the payload's id and resolved
 *       against it, so records written with older or newer compatible schema versions still read;</li>
 *   <li>else {@code specific.avro.reader=true}: the generated class named by the writer schema (Confluent's
 *       behaviour);</li>
 *   <li>else: a {@link org.apache.avro.generic.GenericRecord} with the writer schema.</li>
 * </ul>
 * Failures throw {@link WireFormatException} with a {@link WireFormatError} reason for dead-letter headers.
 * A {@code null} payload (tombstone) gives {@code null}; an empty payload is {@link WireFormatError#EMPTY}.
 *
 * <p>The keys are Confluent's (see {@link AvroWireSerdeConfig}), so a deployment that has Confluent's serde can
 * name {@code io.confluent.kafka.serializers.KafkaAvroDeserializer} instead of this class with the same
 * properties and {@code specific.avro.reader=true}.
 *
 * @param <T> the type returned: a generated class, or {@code Object}/{@code GenericRecord} for generic reading
 */
public class AvroWireDeserializer<T> implements Deserializer<T> {

    private SchemaRegistryClient registry;
    private Class<?> readerClass;
    private boolean specificByWriterName;
    private AvroWireFormat wireFormat;

    /** For Kafka's reflective construction; {@link #configure} builds the registry client. */
    public AvroWireDeserializer() {}

    /** Reads into {@code readerClass} using {@code registry}, or one from the config when {@code registry} is null. */
    public AvroWireDeserializer(SchemaRegistryClient registry, Class<T> readerClass) {
        this.registry = registry;
        this.readerClass = readerClass;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroWireSerdeConfig config = new AvroWireSerdeConfig(configs);
        if (readerClass == null) {
            readerClass = config.readerClass().orElse(null);
        }
        if (readerClass != null && !SpecificRecord.class.isAssignableFrom(readerClass)) {
            throw new ConfigException(
                    AvroWireSerdeConfig.READER_CLASS,
                    readerClass.getName(),
                    "not a generated Avro class (does not implement SpecificRecord)");
        }
        specificByWriterName = readerClass == null && config.specificAvroReader();
        if (registry == null) {
            registry = config.newRegistryClient();
        }
        wireFormat = new AvroWireFormat(registry);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (wireFormat == null) {
            if (registry == null) {
                throw new IllegalStateException(
                        getClass().getSimpleName() + " used before configure()");
            }
            wireFormat = new AvroWireFormat(registry);
        }
        if (readerClass != null) {
            return (T) wireFormat.decode(data, (Class) readerClass);
        }
        if (specificByWriterName) {
            return (T) wireFormat.decodeSpecificByWriterName(data);
        }
        return (T) wireFormat.decodeGeneric(data);
    }

    @Override
    public void close() {
        // nothing to release
    }
}
