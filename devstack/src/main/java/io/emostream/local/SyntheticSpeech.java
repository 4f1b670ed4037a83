package io.emostream.local;

import java.util.Random;

/**
 * Speech-like test signals for the demo and the benchmarks, so they need no recorded audio: syllables of voiced
 * sound (a glottal pulse train with jitter and vibrato through three formant resonators) under a syllable-rate
 * envelope, separated by pauses. A {@link Profile} sets pitch, loudness and tempo; the signals are not emotional
 * speech, but they pass the speech gate and give the model inputs with clearly different prosody.
 */
public final class SyntheticSpeech {

    /** Prosody of a synthetic speaker. */
    public enum Profile {
        /** Low, steady pitch, moderate loudness, regular tempo. */
        CALM(110, 10, 0.25, 3.5, 0.25),
        /** High, strongly varying pitch, loud, fast. */
        AGITATED(220, 60, 0.7, 6.0, 0.08),
        /** Low, falling pitch, quiet, slow, long pauses. */
        SUBDUED(95, 8, 0.12, 2.5, 0.45),
        /** High pitch with lively movement, moderately loud. */
        CHEERFUL(240, 45, 0.45, 5.0, 0.15);

        final double basePitchHz;
        final double pitchRangeHz;
        final double amplitude;
        final double syllablesPerSecond;
        final double pauseShare;

        Profile(
                double basePitchHz,
                double pitchRangeHz,
                double amplitude,
                double syllablesPerSecond,
                double pauseShare) {
            this.basePitchHz = basePitchHz;
            this.pitchRangeHz = pitchRangeHz;
            this.amplitude = amplitude;
            this.syllablesPerSecond = syllablesPerSecond;
            this.pauseShare = pauseShare;
        }
    }

    // Formant centre frequencies (Hz) of a few vowels; each syllable picks one.
    private static final double[][] VOWEL_FORMANTS = {
        {730, 1090, 2440}, {270, 2290, 3010}, {300, 870, 2240}, {530, 1840, 2480}, {570, 840, 2410}
    };

    private SyntheticSpeech() {}

    /**
     * Generates {@code seconds} of mono audio in [-1, 1] at {@code sampleRate} Hz, reproducible for a seed.
     */
    public static float[] generate(Profile profile, double seconds, int sampleRate, long seed) {
        Random random = new Random(seed);
        int length = (int) Math.round(seconds * sampleRate);
        float[] out = new float[length];
        double phase = 0;
        int position = 0;
        while (position < length) {
            double syllableSeconds = (0.6 + 0.8 * random.nextDouble()) / profile.syllablesPerSecond;
            int syllableLength = Math.min(length - position, (int) (syllableSeconds * sampleRate));
            boolean pause = random.nextDouble() < profile.pauseShare;
            if (!pause) {
                double[] formants = VOWEL_FORMANTS[random.nextInt(VOWEL_FORMANTS.length)];
                Resonator[] resonators = new Resonator[formants.length];
                for (int f = 0; f < formants.length; f++) {
                    double centre = Math.min(formants[f], 0.45 * sampleRate);
                    resonators[f] = new Resonator(centre, 80 + 40 * f, sampleRate);
                }
                double startPitch =
                        profile.basePitchHz + profile.pitchRangeHz * (random.nextDouble() - 0.3);
                double endPitch =
                        profile.basePitchHz + profile.pitchRangeHz * (random.nextDouble() - 0.6);
                double loudness = profile.amplitude * (0.7 + 0.6 * random.nextDouble());
                for (int i = 0; i < syllableLength; i++) {
                    double t = (double) i / syllableLength;
                    double pitch =
                            startPitch
                                    + (endPitch - startPitch) * t
                                    + 3 * Math.sin(2 * Math.PI * 5.5 * i / sampleRate)
                                    + random.nextGaussian() * 0.01 * startPitch;
                    phase += pitch / sampleRate;
                    // Glottal source: a pulse once per period plus a little breath noise.
                    double source = 0.02 * random.nextGaussian();
                    if (phase >= 1) {
                        phase -= 1;
                        source += 1;
                    }
                    double voiced = 0;
                    for (Resonator resonator : resonators) {
                        voiced += resonator.next(source);
                    }
                    double envelope = Math.sin(Math.PI * t);
                    out[position + i] = (float) (loudness * envelope * envelope * voiced);
                }
            } else {
                for (int i = 0; i < syllableLength; i++) {
                    out[position + i] = (float) (0.002 * random.nextGaussian());
                }
            }
            position += syllableLength;
        }
        normalisePeak(out, profile.amplitude);
        return out;
    }

    private static void normalisePeak(float[] samples, double peak) {
        float max = 0;
        for (float s : samples) {
            max = Math.max(max, Math.abs(s));
        }
        if (max > 0) {
            float gain = (float) (peak / max);
            for (int i = 0; i < samples.length; i++) {
                samples[i] *= gain;
            }
        }
    }

    /** Two-pole resonator (a formant), unity gain near its centre frequency. */
    private static final class Resonator {
        private final double a1;
        private final double a2;
        private final double gain;
        private double y1;
        private double y2;

        Resonator(double centreHz, double bandwidthHz, int sampleRate) {
            double r = Math.exp(-Math.PI * bandwidthHz / sampleRate);
            this.a1 = 2 * r * Math.cos(2 * Math.PI * centreHz / sampleRate);
            this.a2 = -r * r;
            this.gain = 1 - r;
        }

        double next(double x) {
            double y = gain * x + a1 * y1 + a2 * y2;
            y2 = y1;
            y1 = y;
            return y;
        }
    }
}
