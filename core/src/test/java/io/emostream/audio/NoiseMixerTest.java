package io.emostream.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NoiseMixerTest {

    @Test
    void measuredSnrIsWithinTwoTenthsOfADecibel() {
        float[] signal = ResamplerTest.tone(440, 16000, 48000);
        for (double snr : new double[] {-5, 0, 10, 20, 40}) {
            float[] noisy = NoiseMixer.addWhiteNoise(signal, snr, 42);
            double signalPower = 0;
            double noisePower = 0;
            for (int i = 0; i < signal.length; i++) {
                signalPower += (double) signal[i] * signal[i];
                double n = noisy[i] - signal[i];
                noisePower += n * n;
            }
            double measured = 10 * Math.log10(signalPower / noisePower);
            assertEquals(snr, measured, 0.2, "SNR " + snr);
        }
    }

    @Test
    void sameSeedSameNoiseOtherSeedOtherNoise() {
        float[] signal = ResamplerTest.tone(440, 16000, 1000);
        assertArrayEquals(
                NoiseMixer.addWhiteNoise(signal, 10, 7), NoiseMixer.addWhiteNoise(signal, 10, 7));
        assertFalse(
                Arrays.equals(
                        NoiseMixer.addWhiteNoise(signal, 10, 7),
                        NoiseMixer.addWhiteNoise(signal, 10, 8)));
    }

    @Test
    void silenceGetsNoiseAtTheMinimumPowerAndBadSnrIsRejected() {
        float[] noisy = NoiseMixer.addWhiteNoise(new float[16000], 0, 1);
        double power = 0;
        for (float v : noisy) {
            power += (double) v * v;
        }
        assertEquals(1e-12, power / noisy.length, 2e-13); // features.py clamps the power at 1e-12
        assertThrows(
                IllegalArgumentException.class,
                () -> NoiseMixer.addWhiteNoise(new float[1], Double.NaN, 1));
    }
}
