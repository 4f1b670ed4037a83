package io.emostream.stream;

/**
 * Machine-readable reason of a dead letter, written to header {@value DeadLetters#REASON_HEADER}. The first seven
 * mirror the wire-format errors of the Avro deserializer; then come checks of the decoded chunk, and last the two
 * processing failures. Constants are
 * written verbatim into headers and metric tags: never rename one. docs/operations.md lists them all.
 */
public enum DeadLetterReason {
    /** Null or empty record value. */
    EMPTY,
    /** First byte is not the Confluent magic byte 0. */
    BAD_MAGIC_BYTE,
    /** Shorter than the 5-byte wire header. */
    TRUNCATED,
    /** The schema id is not known to the registry. */
    UNKNOWN_SCHEMA_ID,
    /** The Avro body cannot be decoded with the writer schema, or any other deserialization failure. */
    UNDECODABLE,
    /**
     * The schema id names a schema that is not Avro (e.g. a JSON Schema or Protobuf schema registered in the same
     * registry), or one that does not parse as Avro.
     */
    NOT_AVRO_SCHEMA,
    /** The AudioEncoding has no sample decoder. */
    UNSUPPORTED_ENCODING,
    /**
     * Sample rate outside the configured range, or one whose resampling filter to the analysis rate would exceed
     * {@link io.emostream.audio.Resampler#MAX_KERNEL_BYTES} (e.g. 95,999 Hz, coprime with 16 kHz).
     */
    UNSUPPORTED_SAMPLE_RATE,
    /** The stream already has another sample rate. */
    SAMPLE_RATE_CHANGED,
    /** Audio is not a whole number of frames. */
    PARTIAL_FRAME,
    /** A FLOAT32LE sample is NaN or infinite. */
    NON_FINITE_SAMPLE,
    /**
     * Record value larger than {@code max-chunk-bytes}, or a chunk longer than {@code max-chunk-duration} (or than
     * one chunk-store record can hold once decoded).
     */
    OVERSIZE_CHUNK,
    /** captureTimestamp outside [1970-01-01, 2200-01-01). */
    BAD_CAPTURE_TIMESTAMP,
    /** Sequence below 0. */
    NEGATIVE_SEQUENCE,
    /** Sequence {@code Long.MAX_VALUE}: it has no successor, so a stream could not go on or end after it. */
    SEQUENCE_OUT_OF_RANGE,
    /** Empty or blank callId. */
    MISSING_CALL_ID,
    /** callId longer than 256 UTF-8 bytes. */
    CALL_ID_TOO_LONG,
    /** Record key differs from callId. */
    KEY_MISMATCH,
    /** channelCount other than 1 or 2, channelLayout of the wrong length, or one speaker on two channels. */
    BAD_CHANNEL_LAYOUT,
    /**
     * The chunk's sequence was already filled with silence, or lies beyond the stream's end-of-stream chunk:
     * counted as late, not analysed, kept here so that the audio is not lost.
     */
    LATE_CHUNK,
    /**
     * The (call, speaker) stream ended (end-of-stream or inactivity) less than one inactivity timeout ago: a
     * straggler, or a call id reused too soon. Also counted as late. After the timeout the id starts a new call.
     */
    STREAM_ENDED,
    /**
     * A valid chunk whose processing threw: the classifier or model failed on a window it completed (the window is
     * skipped, the stream goes on), or the stream's stored chunks could not be read (the stream is ended). Headers
     * {@value DeadLetters#EXCEPTION_HEADER} and {@value DeadLetters#MESSAGE_HEADER} name the exception. When a
     * wall-clock check (gap wait, inactivity) completed the window there is no input record: the key is the call
     * id and the value is null.
     */
    PROCESSING_FAILED,
    /**
     * A stream-state entry this release cannot decode (unknown format version, e.g. written by a newer release, or
     * corrupt): the dead letter's key is the call id, its value the entry's bytes, header
     * {@value DeadLetters#STORE_HEADER} the store; the stream is ended. A conversation entry that does not decode
     * is dead-lettered alike, and only the call's conversation metrics start again. Not an input record.
     */
    STATE_UNREADABLE
}
