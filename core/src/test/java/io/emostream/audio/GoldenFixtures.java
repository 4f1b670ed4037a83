package io.emostream.audio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Reads the golden fixtures written by tools/make_golden_fixtures.py from core/src/test/resources/golden. */
public final class GoldenFixtures {

    private static JsonNode manifest;

    private GoldenFixtures() {}

    public static synchronized JsonNode manifest() {
        if (manifest == null) {
            try (InputStream in = open("manifest.json")) {
                manifest = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return manifest;
    }

    /** Input signal of an entry: (int16 / 32768) * gain, in float32 as the generator computed it. */
    public static float[] input(JsonNode entry) {
        byte[] bytes = bytes(entry.get("input").asText());
        float gain = (float) entry.get("gain").asDouble();
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[bytes.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (buffer.getShort() / 32768f) * gain;
        }
        return out;
    }

    public static float[] floats(String name) {
        byte[] bytes = bytes(name);
        float[] out = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    public static byte[] bytes(String name) {
        try (InputStream in = open(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Path of a fixture file (tests run with the project directory as working directory). */
    public static Path path(String name) {
        return Paths.get("core", "src", "test", "resources", "golden", name);
    }

    private static InputStream open(String name) {
        InputStream in = GoldenFixtures.class.getResourceAsStream("/golden/" + name);
        if (in == null) {
            throw new IllegalStateException(
                    "missing golden fixture "
                            + name
                            + "; regenerate with /usr/bin/python3 tools/make_golden_fixtures.py");
        }
        return in;
    }

    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("length " + a.length + " != " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }
}
