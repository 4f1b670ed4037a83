package io.emostream.dsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FeatureConfigTest {

    static String sharedJson() throws IOException {
        return Files.readString(Path.of("models", "features.json"));
    }

    @Test
    void readsTheSharedFeaturesJson() throws IOException {
        FeatureConfig c = FeatureConfig.fromJson(sharedJson());
        assertEquals(16000, c.sampleRate());
        assertEquals(48000, c.windowSamples());
        assertEquals(1024, c.nFft());
        assertEquals(1024, c.winLength());
        assertEquals(256, c.hopLength());
        assertEquals("hann", c.windowFunction());
        assertTrue(c.center());
        assertEquals("reflect", c.padMode());
        assertEquals(2.0, c.power());
        assertEquals(80, c.nMels());
        assertEquals(0.0, c.fMin());
        assertEquals(8000.0, c.fMax());
        assertEquals("slaney", c.melScale());
        assertEquals("slaney", c.melNorm());
        assertEquals(1e-10, c.logFloor());
        assertEquals(188, c.frames());
        assertEquals(Duration.ofSeconds(3), c.window());
        assertEquals(80 * 188, c.featureSize());
    }

    @Test
    void toJsonRoundTrips() throws IOException {
        FeatureConfig c = FeatureConfig.fromJson(sharedJson());
        assertEquals(c, FeatureConfig.fromJson(c.toJson()));
        String htk =
                sharedJson()
                        .replace("\"mel_scale\": \"slaney\"", "\"mel_scale\": \"htk\"")
                        .replace("\"mel_norm\": \"slaney\"", "\"mel_norm\": null");
        FeatureConfig h = FeatureConfig.fromJson(htk);
        assertEquals("none", h.melNorm());
        assertEquals(h, FeatureConfig.fromJson(h.toJson()));
    }

    @Test
    void rejectsUnsupportedValuesWithAClearMessage() throws IOException {
        String json = sharedJson();
        assertRejected(json.replace("\"hann\"", "\"hamming\""), "unsupported window 'hamming'");
        assertRejected(
                json.replace("\"mel_scale\": \"slaney\"", "\"mel_scale\": \"bark\""),
                "unsupported mel_scale 'bark'");
        assertRejected(
                json.replace("\"mel_norm\": \"slaney\"", "\"mel_norm\": \"l2\""),
                "unsupported mel_norm 'l2'");
        assertRejected(
                json.replace("\"reflect\"", "\"replicate\""), "unsupported pad_mode 'replicate'");
        assertRejected(
                json.replace("\"frames\": 188", "\"frames\": 187"), "frames 187 is inconsistent");
        assertRejected(json.replace("\"power\": 2.0", "\"power\": 3.0"), "unsupported power 3.0");
        assertRejected(json.replace("\"f_max\": 8000.0", "\"f_max\": 9000.0"), "f_max 9000.0");
        assertRejected(
                json.replace("\"win_length\": 1024", "\"win_length\": 2048"), "win_length 2048");
        assertRejected(
                json.replace("\"n_fft\": 1024", "\"n_fft\": 1024.5"), "'n_fft' must be an integer");
        assertRejected(
                json.replace("\"log\": \"10*log10(max(x, floor))\"", "\"log\": \"ln(x)\""),
                "unsupported log 'ln(x)'");
        assertRejected(
                json.replace("\"frames\": 188", "\"frames\": 188, \"dither\": 0.1"),
                "unknown key(s) [dither]");
        assertRejected(json.replace("\"n_mels\": 80,", ""), "missing key 'n_mels'");
        assertRejected("{\"sample_rate\": ", "end-of-input");
        assertRejected("{\"n_mels\": 80, \"n_mels\": 64}", "Duplicate field 'n_mels'");
        assertRejected("{} {}", "Trailing token");
        assertRejected("[1]", "expected an object");
    }

    @Test
    void framesFollowCentringAndHop() {
        assertEquals(188, FeatureConfig.expectedFrames(48000, 1024, 256, true));
        assertEquals(184, FeatureConfig.expectedFrames(48000, 1024, 256, false));
        assertEquals(101, FeatureConfig.expectedFrames(16000, 400, 160, true));
        assertEquals(
                100,
                FeatureConfig.expectedFrames(16000, 401, 160, true)); // odd n_fft pads 200 per side
    }

    private static void assertRejected(String json, String expectedFragment) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> FeatureConfig.fromJson(json));
        assertTrue(e.getMessage().contains(expectedFragment), "message: " + e.getMessage());
    }
}
