package io.emostream.audio;

import java.time.Duration;

/**
 * Decoded audio: one float array per channel, samples in [-1, 1], all channels the same length.
 *
 * @param sampleRate samples per second per channel
 * @param channels   per-channel samples
 */
public record PcmAudio(int sampleRate, float[][] channels) {

    public PcmAudio {
        if (sampleRate <= 0) {
            throw new AudioFormatException("sample rate must be positive, got " + sampleRate);
        }
        if (channels == null || channels.length == 0) {
            throw new AudioFormatException("audio needs at least one channel");
        }
        for (int ch = 1; ch < channels.length; ch++) {
            if (channels[ch].length != channels[0].length) {
                throw new AudioFormatException(
                        "channel "
                                + ch
                                + " has "
                                + channels[ch].length
                                + " samples but channel 0 has "
                                + channels[0].length);
            }
        }
    }

    /** Samples per channel. */
    public int frames() {
        return channels[0].length;
    }

    public int channelCount() {
        return channels.length;
    }

    /** Average of the channels (a copy for mono audio). */
    public float[] mono() {
        if (channels.length == 1) {
            return channels[0].clone();
        }
        int frames = frames();
        float[] out = new float[frames];
        for (float[] channel : channels) {
            for (int i = 0; i < frames; i++) {
                out[i] += channel[i];
            }
        }
        float scale = 1f / channels.length;
        for (int i = 0; i < frames; i++) {
            out[i] *= scale;
        }
        return out;
    }

    public Duration duration() {
        return Duration.ofNanos(Math.round(frames() * 1e9 / sampleRate));
    }
}
