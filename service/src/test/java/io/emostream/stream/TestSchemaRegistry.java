package io.emostream.stream;

import io.emostream.serde.CompatibilityLevel;
import io.emostream.serde.RegisteredSchema;
import io.emostream.serde.SchemaRegistryClient;
import io.emostream.serde.SchemaRegistryException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * In-memory registry for TopologyTestDriver tests: ids per schema, 404 for unknown ids, and a switch that makes
 * it behave like an unreachable registry. The real HTTP client is exercised by the serde package's ITs.
 */
final class TestSchemaRegistry implements SchemaRegistryClient {

    private final Map<Integer, Schema> byId = new HashMap<>();
    private final Map<String, List<Integer>> bySubject = new HashMap<>();
    private volatile boolean unavailable;
    private final java.util.Set<Integer> notAvro = new java.util.HashSet<>();

    /** Makes {@code id} answer like a registry holding a JSON Schema under it. */
    synchronized void putNonAvroSchema(int id) {
        notAvro.add(id);
    }

    void setUnavailable(boolean unavailable) {
        this.unavailable = unavailable;
    }

    private void checkAvailable() {
        if (unavailable) {
            throw new SchemaRegistryException(
                    "connection refused (test)",
                    SchemaRegistryException.NO_RESPONSE,
                    -1,
                    null,
                    null);
        }
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        checkAvailable();
        for (Map.Entry<Integer, Schema> e : byId.entrySet()) {
            if (e.getValue().equals(schema)) {
                bySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(e.getKey());
                return e.getKey();
            }
        }
        int id = byId.size() + 1;
        byId.put(id, schema);
        bySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        return id;
    }

    @Override
    public synchronized RegisteredSchema lookup(String subject, Schema schema) {
        checkAvailable();
        List<Integer> ids = bySubject.getOrDefault(subject, List.of());
        for (int i = 0; i < ids.size(); i++) {
            if (byId.get(ids.get(i)).equals(schema)) {
                return new RegisteredSchema(ids.get(i), subject, i + 1, schema);
            }
        }
        throw new SchemaRegistryException(
                "not registered under " + subject, 404, 40403, null, null);
    }

    @Override
    public synchronized Schema schemaById(int id) {
        checkAvailable();
        if (notAvro.contains(id)) {
            throw SchemaRegistryException.notAvro(
                    "schema id " + id + " is a JSON schema (test)", "{}", null);
        }
        Schema schema = byId.get(id);
        if (schema == null) {
            throw new SchemaRegistryException(
                    "schema id " + id + " not found", 404, 40403, null, null);
        }
        return schema;
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        checkAvailable();
        List<Integer> ids = bySubject.get(subject);
        if (ids == null) {
            throw new SchemaRegistryException(
                    "subject " + subject + " not found", 404, 40401, null, null);
        }
        int id = ids.get(ids.size() - 1);
        return new RegisteredSchema(id, subject, ids.size(), byId.get(id));
    }

    @Override
    public synchronized List<String> subjects() {
        return new ArrayList<>(bySubject.keySet());
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        throw new UnsupportedOperationException("not needed by the topology tests");
    }

    @Override
    public Optional<CompatibilityLevel> compatibility(String subject) {
        return Optional.empty();
    }

    @Override
    public boolean isCompatibleWithLatest(String subject, Schema schema) {
        return true;
    }
}
