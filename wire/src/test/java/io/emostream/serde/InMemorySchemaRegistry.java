package io.emostream.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * Test-only registry for pure wire-format byte tests: ids and 404s like a real registry, no compatibility
 * checks. Anything that depends on real registry behaviour is tested against Apicurio in SerdeRegistryIT.
 */
final class InMemorySchemaRegistry implements SchemaRegistryClient {

    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();
    private final Map<String, CompatibilityLevel> compatibility = new HashMap<>();
    private int nextId = 1;

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        for (int id : versions) {
            if (schemasById.get(id).equals(schema)) {
                return id;
            }
        }
        int id = nextId++;
        schemasById.put(id, schema);
        versions.add(id);
        return id;
    }

    @Override
    public synchronized RegisteredSchema lookup(String subject, Schema schema) {
        List<Integer> versions = versionsBySubject.getOrDefault(subject, List.of());
        for (int i = 0; i < versions.size(); i++) {
            if (schemasById.get(versions.get(i)).equals(schema)) {
                return new RegisteredSchema(versions.get(i), subject, i + 1, schema);
            }
        }
        throw notFound("schema not registered under subject " + subject, 40403);
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw notFound("schema id " + id + " not found", 40403);
        }
        return schema;
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null) {
            throw notFound("subject " + subject + " not found", 40401);
        }
        int id = versions.get(versions.size() - 1);
        return new RegisteredSchema(id, subject, versions.size(), schemasById.get(id));
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(versionsBySubject.keySet());
    }

    @Override
    public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
        compatibility.put(subject, level);
    }

    @Override
    public synchronized Optional<CompatibilityLevel> compatibility(String subject) {
        return Optional.ofNullable(compatibility.get(subject));
    }

    @Override
    public boolean isCompatibleWithLatest(String subject, Schema schema) {
        throw new UnsupportedOperationException(
                "compatibility is only tested against a real registry");
    }

    private static SchemaRegistryException notFound(String message, int errorCode) {
        return new SchemaRegistryException(
                message, 404, errorCode, "{\"error_code\":" + errorCode + "}", null);
    }
}
