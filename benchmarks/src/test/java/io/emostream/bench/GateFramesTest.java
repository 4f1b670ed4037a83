package io.emostream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.dsp.SpeechGate;
import io.emostream.dsp.SpeechGate.SpeechGateConfig;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GateFramesTest {

    private final GateFrames frames = new GateFrames(SpeechGateConfig.defaults());
    private final SpeechGate gate = new SpeechGate();

    /** 1 s of faint noise, 1 s of the synthetic voice, 1 s of faint noise. */
    private static float[] voiceBetweenPauses() {
        float[] voice = SyntheticVoice.of(1.0, 16000, 3);
        Random random = new Random(4);
        float[] x = new float[48000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (3e-4 * random.nextGaussian());
        }
        for (int i = 0; i < voice.length; i++) {
            x[16000 + i] += voice[i];
        }
        return x;
    }

    @Test
    void frameCountIsTheGates() {
        assertEquals(149, frames.frames(48000)); // 1 + (48000 - 400) / 320
        assertEquals(1, frames.frames(400));
        assertEquals(0, frames.frames(399));
        assertEquals(0, frames.decide(new float[399], 399).length);
    }

    @Test
    void findsTheVoiceWhereItIsAndNowhereElse() {
        float[] x = voiceBetweenPauses();
        boolean[] decided = frames.decide(x, x.length);
        int inVoice = 0;
        for (int f = 0; f < decided.length; f++) {
            int start = f * 320;
            boolean insideVoice = start >= 16000 && start + 400 <= 32000;
            boolean outsideVoice = start + 400 <= 16000 || start >= 32000;
            if (outsideVoice) {
                assertFalse(decided[f], "frame " + f + " in the pause");
            }
            if (insideVoice && decided[f]) {
                inVoice++;
            }
        }
        // the syllables (4 Hz, half of each period voiced) cover about half of the 48 inner frames
        assertTrue(inVoice >= 16 && inVoice <= 40, "speech frames in the voice: " + inVoice);
        // the gate's own count of the same window, which assess gives without saying where:
        // recovered to within
        // a frame or two (the one approximation: the whitening filter's two samples of history)
        int own = GateFrames.speechFrameCount(gate.assess(x, x.length), decided.length);
        assertTrue(
                Math.abs(own - GateFrames.trueCount(decided)) <= 2,
                "gate counts " + own + ", recovered " + GateFrames.trueCount(decided));
    }

    @Test
    void silenceAndWhiteNoiseHaveNoSpeechFrame() {
        float[] silence = new float[48000];
        assertEquals(0, GateFrames.trueCount(frames.decide(silence, silence.length)));
        Random random = new Random(5);
        float[] noise = new float[48000];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (0.05 * random.nextGaussian());
        }
        boolean[] decided = frames.decide(noise, noise.length);
        assertEquals(
                GateFrames.speechFrameCount(gate.assess(noise, noise.length), 149),
                GateFrames.trueCount(decided));
        assertTrue(GateFrames.trueCount(decided) <= 3);
    }

    @Test
    void refusesAHopTooShortForTheLookAhead() {
        SpeechGateConfig d = SpeechGateConfig.defaults();
        SpeechGateConfig shortHop =
                new SpeechGateConfig(
                        d.frame(),
                        Duration.ofMillis(10),
                        d.absoluteFloorDbfs(),
                        d.noisePercentile(),
                        d.noiseMarginDb(),
                        d.minVoicing(),
                        d.minContinuedVoicing(),
                        d.minPitchHz(),
                        d.maxPitchHz(),
                        d.minSpeechRatio(),
                        d.minSpeech());
        assertThrows(IllegalArgumentException.class, () -> new GateFrames(shortHop));
    }
}
