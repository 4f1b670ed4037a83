package io.emostream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NormalisationTest {

    @Test
    void appliesPerBandMeanAndStdInPlace() {
        Normalisation n = Normalisation.fromJson("{\"mean\": [1, -2], \"std\": [2, 0.5]}");
        float[] logMel = {1, 3, 5, -2, -1, -3}; // 2 bands x 3 frames
        n.applyInPlace(logMel, 3);
        assertArrayEquals(new float[] {0, 1, 2, 0, 2, -2}, logMel, 1e-6f);
    }

    @Test
    void rejectsZeroStdAndLengthMismatch() {
        IllegalArgumentException zero =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Normalisation.fromJson("{\"mean\": [0, 0], \"std\": [1, 0]}"));
        assertTrue(
                zero.getMessage().contains("std of band 1 must be finite and > 0, found 0.0"),
                zero.getMessage());
        IllegalArgumentException lengths =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Normalisation.fromJson("{\"mean\": [0, 0], \"std\": [1]}"));
        assertTrue(lengths.getMessage().contains("2 means but 1 stds"), lengths.getMessage());
        IllegalArgumentException missing =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Normalisation.fromJson("{\"mean\": [0]}"));
        assertTrue(missing.getMessage().contains("no \"std\" array"), missing.getMessage());
        // found by ModelMetadataFuzzTest in CI: empty arrays were a normalisation of zero bands
        IllegalArgumentException empty =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Normalisation.fromJson("{\"mean\": [], \"std\": []}"));
        assertTrue(empty.getMessage().contains("no bands"), empty.getMessage());
    }

    @Test
    void rejectsWrongSpectrogramSize() {
        Normalisation n = new Normalisation(new float[] {0, 0}, new float[] {1, 1});
        assertThrows(IllegalArgumentException.class, () -> n.applyInPlace(new float[5], 3));
    }
}
