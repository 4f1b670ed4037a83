package io.emostream.serde;

/**
 * Why a Confluent wire-format payload could not be turned into a record. The name of each constant is meant
 * to be written verbatim into dead-letter headers, so the constants must never be renamed.
 */
public enum WireFormatError {
    /** The payload is zero bytes long (or null where a record was required). */
    EMPTY,
    /** The first byte is not the Confluent magic byte 0x0: the payload is not in the wire format at all. */
    BAD_MAGIC_BYTE,
    /** The payload ends inside the 5-byte header, or the Avro body ends before the record is complete. */
    TRUNCATED,
    /** The registry answered that it does not know the schema id in the header. */
    UNKNOWN_SCHEMA_ID,
    /** The Avro body does not decode with the writer schema (corrupt bytes, trailing bytes, or a writer
     *  schema that cannot be resolved against the reader schema). */
    UNDECODABLE,
    /** The schema id names a schema that is not Avro (e.g. JSON Schema, Protobuf), or one that is not valid Avro. */
    NOT_AVRO_SCHEMA,
    /**
     * The registry could not be reached or failed (I/O error, timeout, HTTP 5xx, 408, 429) or refused the client's
     * credentials (401, 403): not the record's fault, retrying may succeed.
     */
    REGISTRY_UNAVAILABLE
}
