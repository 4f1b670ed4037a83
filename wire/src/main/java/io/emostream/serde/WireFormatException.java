package io.emostream.serde;

import java.util.OptionalInt;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A payload could not be decoded (or a record encoded) in the Confluent wire format. {@link #error()} says
 * why in a form fit for dead-letter headers; {@link #schemaId()} is the id from the header when it was read.
 * Extends Kafka's {@link SerializationException} so Kafka clients and Kafka Streams' deserialization
 * exception handlers treat it as a (de)serialization failure.
 */
public class WireFormatException extends SerializationException {

    private static final long serialVersionUID = 1L;

    private final WireFormatError error;
    private final int schemaId;

    public WireFormatException(WireFormatError error, String message) {
        this(error, -1, message, null);
    }

    public WireFormatException(
            WireFormatError error, int schemaId, String message, Throwable cause) {
        super(error + ": " + message, cause);
        this.error = error;
        this.schemaId = schemaId;
    }

    /** The reason, e.g. for a {@code emostream.dlq.reason} header. */
    public WireFormatError error() {
        return error;
    }

    /** The schema id read from the header, if the header was intact. */
    public OptionalInt schemaId() {
        return schemaId < 0 ? OptionalInt.empty() : OptionalInt.of(schemaId);
    }

    /** True when the failure may go away on retry (the registry was unreachable), as opposed to bad data. */
    public boolean isRetriable() {
        return error == WireFormatError.REGISTRY_UNAVAILABLE;
    }
}
