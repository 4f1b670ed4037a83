package io.emostream.analysis;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Deterministic test signals and a minimal PCM16 WAV writer for the analysis and CLI tests. */
public final class TestSignals {

    /** Lowest and highest tone of a chord the test model classifies as each label (tools/make_test_models.py). */
    public static final double[][] CHORDS = {
        {4000, 7500}, // angry
        {1800, 3400}, // happy
        {850, 1600}, // neutral
        {100, 700}, // sad
    };

    private TestSignals() {}

    /** Eight tones of amplitude 0.05, geometrically spaced from low to high Hz. */
    public static float[] chord(double low, double high, double seconds, int sampleRate) {
        int n = (int) Math.round(seconds * sampleRate);
        float[] out = new float[n];
        for (int tone = 0; tone < 8; tone++) {
            double f = low * Math.pow(high / low, tone / 7.0);
            for (int i = 0; i < n; i++) {
                out[i] += (float) (0.05 * Math.sin(2 * Math.PI * f * i / sampleRate));
            }
        }
        return out;
    }

    /** The chord of label index k (angry, happy, neutral, sad). */
    public static float[] chordOf(int label, double seconds, int sampleRate) {
        return chord(CHORDS[label][0], CHORDS[label][1], seconds, sampleRate);
    }

    /**
     * A crude voiced-speech stand-in: a gliding 110-190 Hz glottal pulse train (harmonics to ~3.5 kHz with a
     * -6 dB/octave tilt and two formant bumps), cut into syllables at ~4 Hz, over a little breath noise.
     */
    public static float[] speechLike(double seconds, int sampleRate, long seed) {
        int n = (int) Math.round(seconds * sampleRate);
        Random random = new Random(seed);
        float[] out = new float[n];
        double phase = 0;
        for (int i = 0; i < n; i++) {
            double t = (double) i / sampleRate;
            double f0 = 150 + 40 * Math.sin(2 * Math.PI * 0.7 * t);
            phase += 2 * Math.PI * f0 / sampleRate;
            double voiced = 0;
            for (int h = 1; h * f0 < Math.min(3500, sampleRate / 2.0 - 200); h++) {
                double f = h * f0;
                double formants =
                        1
                                + 2 * Math.exp(-Math.pow((f - 600) / 200, 2))
                                + Math.exp(-Math.pow((f - 1800) / 300, 2));
                voiced += Math.sin(h * phase) * formants / h;
            }
            double syllable =
                    Math.max(0, Math.sin(2 * Math.PI * 4 * t)); // 4 Hz syllable rate, gaps between
            out[i] = (float) (0.08 * voiced * syllable + 0.002 * random.nextGaussian());
        }
        return out;
    }

    /** {@code seconds} of faint Gaussian noise (-60 dBFS RMS): a pause between stretches of speech. */
    public static float[] faintNoise(double seconds, int sampleRate, long seed) {
        Random random = new Random(seed);
        float[] out = new float[(int) Math.round(seconds * sampleRate)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (0.001 * random.nextGaussian());
        }
        return out;
    }

    /**
     * A talk script: each positive number is that many seconds of {@link #speechLike} speech, each negative one that
     * many seconds of {@link #faintNoise} (a pause), one after the other; seeds {@code seed}, {@code seed + 1}, ...
     */
    public static float[] talkScript(int sampleRate, long seed, double... stretches) {
        float[][] parts = new float[stretches.length][];
        for (int i = 0; i < stretches.length; i++) {
            parts[i] =
                    stretches[i] >= 0
                            ? speechLike(stretches[i], sampleRate, seed + i)
                            : faintNoise(-stretches[i], sampleRate, seed + i);
        }
        return concat(parts);
    }

    /** The parts one after the other. */
    public static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Writes 16-bit PCM WAV; each array is one channel, all of equal length. */
    public static Path writeWav(Path file, int sampleRate, float[]... channels) throws IOException {
        int frames = channels[0].length;
        int dataBytes = frames * channels.length * 2;
        ByteBuffer buffer = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put("RIFF".getBytes()).putInt(36 + dataBytes).put("WAVE".getBytes());
        buffer.put("fmt ".getBytes())
                .putInt(16)
                .putShort((short) 1)
                .putShort((short) channels.length)
                .putInt(sampleRate)
                .putInt(sampleRate * channels.length * 2)
                .putShort((short) (channels.length * 2))
                .putShort((short) 16);
        buffer.put("data".getBytes()).putInt(dataBytes);
        for (int i = 0; i < frames; i++) {
            for (float[] channel : channels) {
                float v = Math.max(-1f, Math.min(1f, channel[i]));
                buffer.putShort((short) Math.round(v * 32767));
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(buffer.array());
        }
        return file;
    }
}
