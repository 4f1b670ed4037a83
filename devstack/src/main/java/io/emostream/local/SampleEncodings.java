package io.emostream.local;

import io.emostream.audio.Resampler;
import io.emostream.audio.SampleEncoding;
import io.emostream.avro.AudioEncoding;

/** Bridges between the wire schema's {@link AudioEncoding} and the audio package. */
public final class SampleEncodings {

    private SampleEncodings() {}

    /** The audio package's encoding of a wire encoding (the symbols are the same). */
    public static SampleEncoding of(AudioEncoding encoding) {
        return SampleEncoding.valueOf(encoding.name());
    }

    /** {@code samples} at {@code fromRate} resampled to {@code toRate} (the same array when the rates match). */
    public static float[] resample(float[] samples, int fromRate, int toRate) {
        if (fromRate == toRate) {
            return samples;
        }
        return Resampler.offline(fromRate, toRate).process(samples);
    }
}
