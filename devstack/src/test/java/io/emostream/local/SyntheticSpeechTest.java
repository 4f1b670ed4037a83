package io.emostream.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.audio.Resampler;
import io.emostream.dsp.SpeechGate;
import io.emostream.dsp.SpeechGate.SpeechDecision;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The demo's generated calls must look like speech to the real speech gate, and differ in loudness. */
class SyntheticSpeechTest {

    @Test
    void everyProfilePassesTheSpeechGateAt16And8kHz() {
        SpeechGate gate = new SpeechGate();
        for (SyntheticSpeech.Profile profile : SyntheticSpeech.Profile.values()) {
            for (int rate : new int[] {16000, 8000}) {
                float[] audio = SyntheticSpeech.generate(profile, 3.0, rate, 11);
                float[] at16k = rate == 16000 ? audio : Resampler.of(rate, 16000).process(audio);
                SpeechDecision decision = gate.assess(at16k, at16k.length);
                assertTrue(decision.speech(), profile + " at " + rate + " Hz: " + decision);
            }
        }
    }

    @Test
    void silenceIsNotSpeechAndProfilesDifferInLoudness() {
        SpeechDecision silence = new SpeechGate().assess(new float[48000], 48000);
        assertFalse(silence.speech(), silence.toString());
        assertTrue(
                rms(SyntheticSpeech.generate(SyntheticSpeech.Profile.AGITATED, 3, 16000, 1))
                        > 2
                                * rms(
                                        SyntheticSpeech.generate(
                                                SyntheticSpeech.Profile.SUBDUED, 3, 16000, 1)));
    }

    @Test
    void sameSeedSameSignal() {
        assertArrayEquals(
                SyntheticSpeech.generate(SyntheticSpeech.Profile.CALM, 1, 8000, 5),
                SyntheticSpeech.generate(SyntheticSpeech.Profile.CALM, 1, 8000, 5));
        assertFalse(
                Arrays.equals(
                        SyntheticSpeech.generate(SyntheticSpeech.Profile.CALM, 1, 8000, 5),
                        SyntheticSpeech.generate(SyntheticSpeech.Profile.CALM, 1, 8000, 6)));
    }

    private static double rms(float[] samples) {
        double sum = 0;
        for (float s : samples) {
            sum += s * s;
        }
        return Math.sqrt(sum / samples.length);
    }
}
