package io.emostream.stream;

/**
 * Machine-readable reason of a dead letter, written to header {@value DeadLetters#REASON_HEADER}. The first six
 * mirror the wire-format errors of the Avro deserializer; the rest are checks of the decoded chunk.
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
    /** The AudioEncoding has no sample decoder. */
    UNSUPPORTED_ENCODING,
    /** Sample rate outside the configured range. */
    UNSUPPORTED_SAMPLE_RATE,
    /** The stream already has another sample rate. */
    SAMPLE_RATE_CHANGED,
    /** Audio is not a whole number of frames. */
    PARTIAL_FRAME,
    /** Record value larger than the configured maximum. */
    OVERSIZE_CHUNK,
    /** Sequence below 0. */
    NEGATIVE_SEQUENCE,
    /** Empty or blank callId. */
    MISSING_CALL_ID,
    /** Record key differs from callId. */
    KEY_MISMATCH,
    /** channelCount other than 1 or 2, channelLayout of the wrong length, or one speaker on two channels. */
    BAD_CHANNEL_LAYOUT,
    /**
     * The chunk's sequence was already filled with silence, lies beyond the stream's end-of-stream chunk, or the
     * stream has ended: counted as late, not analysed, kept here so that the audio is not lost.
     */
    LATE_CHUNK
}
