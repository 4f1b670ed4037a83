package io.emostream.serde;

import org.apache.avro.Schema;

/**
 * A schema as registered under a subject.
 *
 * @param id      global schema id, the one written into the wire-format header
 * @param subject subject name, e.g. {@code call-audio-value}
 * @param version version of the schema within the subject, from 1
 * @param schema  the parsed Avro schema
 */
public record RegisteredSchema(int id, String subject, int version, Schema schema) {}
