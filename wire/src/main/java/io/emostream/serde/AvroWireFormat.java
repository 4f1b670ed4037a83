package io.emostream.serde;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format: byte 0 is the magic byte {@code 0x0}, bytes 1-4 the schema id (big-endian
 * int), the rest the record in Avro binary encoding with the writer schema of that id.
 *
 * <p>Encoding is static (it needs no registry); a record that does not fit its schema fails with Kafka's
 * {@link SerializationException}. Decoding needs the writer schema, so an instance holds a
 * {@link SchemaRegistryClient}; every failure is a {@link WireFormatException} whose {@link WireFormatError}
 * names the reason. Decoding resolves the writer schema against the reader schema (Avro schema resolution),
 * so a reader built from an older or newer schema version reads the record as far as the evolution rules in
 * {@code schemas/README.md} allow.
 */
public final class AvroWireFormat {

    /** First byte of every wire-format payload. */
    public static final byte MAGIC_BYTE = 0x0;

    /** Magic byte plus the 4-byte schema id. */
    public static final int HEADER_LENGTH = 5;

    private final SchemaRegistryClient registry;
    // Building a resolving reader is costly (it computes the resolution grammar), so keep one per
    // pair.
    private final Map<ReaderKey, DatumReader<?>> readers = new ConcurrentHashMap<>();

    private record ReaderKey(int writerSchemaId, Class<?> readerClass) {}

    public AvroWireFormat(SchemaRegistryClient registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    public SchemaRegistryClient registry() {
        return registry;
    }

    /** Encodes a generated record with its own schema as the writer schema. */
    public static byte[] encode(int schemaId, SpecificRecord record) {
        Objects.requireNonNull(record, "record");
        Schema schema = record.getSchema();
        return encode(
                schemaId, new SpecificDatumWriter<>(schema, modelOf(record.getClass())), record);
    }

    /** Encodes any Avro datum (generic or specific) with {@code writerSchema}. */
    public static byte[] encode(int schemaId, Schema writerSchema, Object datum) {
        Objects.requireNonNull(writerSchema, "writerSchema");
        DatumWriter<Object> writer =
                datum instanceof SpecificRecord
                        ? new SpecificDatumWriter<>(writerSchema, modelOf(datum.getClass()))
                        : new GenericDatumWriter<>(writerSchema, GenericData.get());
        return encode(schemaId, writer, datum);
    }

    private static <T> byte[] encode(int schemaId, DatumWriter<T> writer, T datum) {
        if (schemaId < 0) {
            throw new IllegalArgumentException("Schema id must not be negative: " + schemaId);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(MAGIC_BYTE);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(datum, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            // A producer-side bug (e.g. null in a required field), not a bad payload: no
            // WireFormatError.
            throw new SerializationException(
                    "Could not encode a record with schema id "
                            + schemaId
                            + ": it does not match its writer schema: "
                            + e.getMessage(),
                    e);
        }
        return out.toByteArray();
    }

    /**
     * Reads the schema id from the header.
     *
     * @throws WireFormatException {@link WireFormatError#EMPTY}, {@link WireFormatError#BAD_MAGIC_BYTE} or
     *                             {@link WireFormatError#TRUNCATED}
     */
    public static int schemaId(byte[] payload) {
        if (payload == null || payload.length == 0) {
            throw new WireFormatException(WireFormatError.EMPTY, "payload is empty");
        }
        if (payload[0] != MAGIC_BYTE) {
            throw new WireFormatException(
                    WireFormatError.BAD_MAGIC_BYTE,
                    String.format(
                            "first byte is 0x%02x, expected magic byte 0x00 (payload of %d bytes)",
                            payload[0] & 0xff, payload.length));
        }
        if (payload.length < HEADER_LENGTH) {
            throw new WireFormatException(
                    WireFormatError.TRUNCATED,
                    "payload of " + payload.length + " bytes ends inside the 5-byte header");
        }
        return ByteBuffer.wrap(payload, 1, 4).getInt();
    }

    /**
     * Decodes into an instance of a generated class; the reader schema is that class's schema and the writer
     * schema is fetched from the registry by the header's id.
     */
    public <T extends SpecificRecord> T decode(byte[] payload, Class<T> readerClass) {
        Objects.requireNonNull(readerClass, "readerClass");
        return readerClass.cast(decodeWith(payload, readerClass));
    }

    /**
     * Decodes into a {@link org.apache.avro.generic.GenericRecord} (or other generic datum) with the writer
     * schema as the reader schema.
     */
    public Object decodeGeneric(byte[] payload) {
        return decodeWith(payload, null);
    }

    /**
     * Decodes into the generated class named by the writer schema's full name (what Confluent's deserializer
     * does with {@code specific.avro.reader=true} and no reader class).
     */
    public SpecificRecord decodeSpecificByWriterName(byte[] payload) {
        int schemaId = schemaId(payload);
        Schema writer = writerSchema(schemaId);
        Class<?> readerClass = SpecificData.get().getClass(writer);
        if (readerClass == null || !SpecificRecord.class.isAssignableFrom(readerClass)) {
            throw new WireFormatException(
                    WireFormatError.UNDECODABLE,
                    schemaId,
                    "no generated class "
                            + writer.getFullName()
                            + " on the class path for writer schema id "
                            + schemaId,
                    null);
        }
        return (SpecificRecord) decodeWith(payload, readerClass);
    }

    /**
     * The writer schema of {@code schemaId}, mapping registry failures to wire-format errors. Only a failure that is
     * not the record's fault is {@link WireFormatError#REGISTRY_UNAVAILABLE} (retriable): no answer, HTTP 5xx, a
     * timeout or rate limit (408, 429), or a refusal of the service's own credentials (401, 403). An answer about
     * the id itself is a permanent error of this record: 404 or any other 4xx is
     * {@link WireFormatError#UNKNOWN_SCHEMA_ID}; a schema that is not Avro (a JSON Schema or Protobuf schema under
     * the same id space) or does not parse as Avro is {@link WireFormatError#NOT_AVRO_SCHEMA}.
     */
    public Schema writerSchema(int schemaId) {
        try {
            return registry.schemaById(schemaId);
        } catch (SchemaRegistryException e) {
            if (e.isNotAvro()) {
                throw new WireFormatException(
                        WireFormatError.NOT_AVRO_SCHEMA,
                        schemaId,
                        "schema id " + schemaId + " is not an Avro schema: " + e.getMessage(),
                        e);
            }
            if (e.isUnavailable() || e.isClientConfigurationError()) {
                throw new WireFormatException(
                        WireFormatError.REGISTRY_UNAVAILABLE,
                        schemaId,
                        "could not fetch schema id " + schemaId + ": " + e.getMessage(),
                        e);
            }
            if (e.httpStatus() >= 400 && e.httpStatus() < 500) {
                throw new WireFormatException(
                        WireFormatError.UNKNOWN_SCHEMA_ID,
                        schemaId,
                        "schema id "
                                + schemaId
                                + " is not known to the registry: "
                                + e.getMessage(),
                        e);
            }
            // A 2xx answer without a usable schema: the registry misbehaves, not this record.
            throw new WireFormatException(
                    WireFormatError.REGISTRY_UNAVAILABLE,
                    schemaId,
                    "could not fetch schema id " + schemaId + ": " + e.getMessage(),
                    e);
        }
    }

    private Object decodeWith(byte[] payload, Class<?> readerClass) {
        int schemaId = schemaId(payload);
        DatumReader<?> reader = readers.get(new ReaderKey(schemaId, readerClass));
        if (reader == null) {
            reader = newReader(schemaId, writerSchema(schemaId), readerClass);
            readers.putIfAbsent(new ReaderKey(schemaId, readerClass), reader);
        }
        // Every length and count in the body is checked against the bytes left before anything is
        // allocated.
        BoundedBinaryDecoder decoder =
                new BoundedBinaryDecoder(payload, HEADER_LENGTH, payload.length - HEADER_LENGTH);
        Object datum;
        try {
            datum = reader.read(null, decoder);
        } catch (EOFException e) {
            throw new WireFormatException(
                    WireFormatError.TRUNCATED,
                    schemaId,
                    "Avro body of "
                            + (payload.length - HEADER_LENGTH)
                            + " bytes ends before the record is complete: "
                            + e.getMessage(),
                    e);
        } catch (IOException
                | AvroRuntimeException
                | IndexOutOfBoundsException
                | NegativeArraySizeException
                | ClassCastException
                | IllegalArgumentException e) {
            // Corrupt bytes surface as any of these (bad varints, lengths, enum or union indexes).
            throw new WireFormatException(
                    WireFormatError.UNDECODABLE,
                    schemaId,
                    "Avro body does not decode with writer schema id " + schemaId + ": " + e,
                    e);
        }
        if (!decoder.isEnd()) {
            throw new WireFormatException(
                    WireFormatError.UNDECODABLE,
                    schemaId,
                    "trailing bytes after the record "
                            + "(payload "
                            + payload.length
                            + " bytes); wrong schema id or corrupt payload",
                    null);
        }
        return datum;
    }

    /**
     * The Avro model of a generated class, bound to that class's own loader with the class's logical-type
     * conversions. Avro's shared model and the generated classes' own resolve record and enum classes through the
     * thread's context loader and cache them by name; under Quarkus the stream threads' context loader is the
     * application class path, so records would come back as another loader's copy of the class.
     */
    private static final ClassValue<SpecificData> MODELS =
            new ClassValue<>() {
                @Override
                protected SpecificData computeValue(Class<?> type) {
                    SpecificData model = new SpecificData(type.getClassLoader());
                    SpecificData.getForClass(type)
                            .getConversions()
                            .forEach(model::addLogicalTypeConversion);
                    return model;
                }
            };

    /** The model to read or write the generated class {@code type} with (see {@link #MODELS}). */
    public static SpecificData modelOf(Class<?> type) {
        return MODELS.get(type);
    }

    private static DatumReader<?> newReader(int schemaId, Schema writer, Class<?> readerClass) {
        try {
            if (readerClass == null) {
                return new GenericDatumReader<>(writer, writer, GenericData.get());
            }
            SpecificData model = modelOf(readerClass);
            Schema reader = model.getSchema(readerClass);
            return new SpecificDatumReader<>(writer, reader, model);
        } catch (AvroRuntimeException e) {
            throw new WireFormatException(
                    WireFormatError.UNDECODABLE,
                    schemaId,
                    "writer schema id "
                            + schemaId
                            + " cannot be resolved against reader "
                            + readerClass.getName()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }
}
