package io.emostream.service;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.IndexedRecord;

/**
 * Turns Avro records into plain maps and lists for the REST API: Jackson cannot serialise a specific record
 * directly (it would walk {@code getSchema()} and friends). Field order follows the schema; enums become their
 * symbol, strings and {@code Utf8} become strings, timestamps stay {@link java.time.Instant} (ISO-8601 in JSON).
 */
public final class AvroJson {

    private AvroJson() {}

    /** A record as an ordered map of field name to plain value. */
    public static Map<String, Object> toMap(IndexedRecord record) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Schema.Field field : record.getSchema().getFields()) {
            map.put(field.name(), toPlain(record.get(field.pos())));
        }
        return map;
    }

    /** Any Avro value as a value Jackson serialises naturally. */
    public static Object toPlain(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof IndexedRecord record) {
            return toMap(record);
        }
        if (value instanceof Enum<?> symbol) {
            return symbol.name();
        }
        if (value instanceof ByteBuffer bytes) {
            return bytes.remaining() + " bytes";
        }
        if (value instanceof Map<?, ?> values) {
            Map<String, Object> map = new LinkedHashMap<>();
            values.forEach((k, v) -> map.put(k.toString(), toPlain(v)));
            return map;
        }
        if (value instanceof Collection<?> items) {
            List<Object> list = new ArrayList<>(items.size());
            items.forEach(item -> list.add(toPlain(item)));
            return list;
        }
        // after Map and Collection: Avro arrays are GenericContainers too
        if (value instanceof GenericContainer || value instanceof CharSequence) {
            return value.toString();
        }
        return value;
    }
}
