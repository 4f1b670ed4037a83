package io.emostream.serde;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry REST API that the serde and the tooling need. Every method
 * throws {@link SchemaRegistryException} (with the HTTP status and body) when the registry refuses or
 * cannot be reached. Implementations must be thread-safe.
 */
public interface SchemaRegistryClient {

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** Id of {@code schema} if it is already registered under {@code subject}; 404 otherwise. */
    RegisteredSchema lookup(String subject, Schema schema);

    /** The schema with global id {@code id}; {@link SchemaRegistryException#isNotFound()} when unknown. */
    Schema schemaById(int id);

    /** The newest version registered under {@code subject}. */
    RegisteredSchema latest(String subject);

    /** All subjects. */
    List<String> subjects();

    /** Sets the compatibility rule of {@code subject}. */
    void setCompatibility(String subject, CompatibilityLevel level);

    /** The compatibility rule set on {@code subject} itself, or empty when it inherits the global one. */
    Optional<CompatibilityLevel> compatibility(String subject);

    /** Asks the registry whether {@code schema} could be registered as the next version of {@code subject}. */
    boolean isCompatibleWithLatest(String subject, Schema schema);
}
