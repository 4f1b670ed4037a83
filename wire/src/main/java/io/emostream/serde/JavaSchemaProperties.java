package io.emostream.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Removes the Java-only properties that the Avro code generator adds to a generated class's schema
 * ({@code "avro.java.string": "String"} because the pom sets {@code stringType=String}). With them removed, the
 * schema equals the one in {@code schemas/*.avsc}, which is what non-Java clients register. Avro resolution
 * ignores these properties, so both forms read the same bytes.
 */
public final class JavaSchemaProperties {

    /** The property the generator adds to every string type when {@code stringType=String}. */
    public static final String JAVA_STRING = "avro.java.string";

    private static final ObjectMapper JSON = new ObjectMapper();

    private JavaSchemaProperties() {}

    /** {@code schema} without {@value #JAVA_STRING} properties (the same instance when it has none). */
    public static Schema strip(Schema schema) {
        String text = schema.toString();
        if (!text.contains(JAVA_STRING)) {
            return schema;
        }
        try {
            JsonNode tree = JSON.readTree(text);
            removeJavaProperties(tree);
            return new Schema.Parser().parse(JSON.writeValueAsString(tree));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not rewrite schema " + schema.getFullName(), e);
        }
    }

    private static void removeJavaProperties(JsonNode node) {
        if (node.isObject()) {
            ((ObjectNode) node).remove(JAVA_STRING);
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                removeJavaProperties(it.next().getValue());
            }
        } else if (node.isArray()) {
            node.forEach(JavaSchemaProperties::removeJavaProperties);
        }
    }
}
