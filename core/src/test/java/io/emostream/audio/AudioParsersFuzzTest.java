package io.emostream.audio;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Fuzz targets for every parser of outside audio bytes: {@link SampleDecoder} per encoding, {@link WavReader} and
 * {@link FlacReader}. Whatever the bytes, each either returns audio whose size is bounded by its input, or fails with
 * its documented error ({@link AudioFormatException}, an {@link IllegalArgumentException}; {@link IOException} for
 * FLAC); anything else (an index error, an out-of-memory, a hang) is a finding.
 *
 * <p>Without {@code JAZZER_FUZZ} these run on the committed seeds in {@code AudioParsersFuzzTestInputs/}; the pom
 * fuzzes each for 30 s in {@code verify}, and {@code docs/fuzzing.md} has the long-run command and results.
 */
class AudioParsersFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void sampleDecoder(FuzzedDataProvider data) {
        SampleEncoding encoding = data.pickValue(SampleEncoding.values());
        int channels = data.consumeInt(-1, SampleDecoder.MAX_CHANNELS + 1);
        byte[] bytes = data.consumeRemainingAsBytes();
        try {
            float[][] decoded = SampleDecoder.decode(bytes, encoding, channels);
            long samples = 0;
            for (float[] channel : decoded) {
                samples += channel.length;
                for (float sample : channel) {
                    assertTrue(Float.isFinite(sample), "decoded samples are finite");
                }
            }
            assertTrue(
                    samples * encoding.bytesPerSample() <= bytes.length,
                    "no more samples than bytes allow");
        } catch (IllegalArgumentException expected) {
            // AudioFormatException (partial frame, non-finite float) or a bad channel count: a
            // clear error
        }
    }

    @FuzzTest(maxDuration = "30s")
    void wavReader(byte[] bytes) {
        try {
            PcmAudio audio = WavReader.parse(bytes, "fuzz.wav");
            assertTrue(
                    (long) audio.frames() * audio.channelCount() <= bytes.length,
                    "bounded by the input");
        } catch (AudioFormatException expected) {
            // a clear error naming what is wrong
        }
    }

    @FuzzTest(maxDuration = "30s")
    void flacReader(byte[] bytes) {
        try {
            PcmAudio audio = FlacReader.decode(new ByteArrayInputStream(bytes), "fuzz.flac");
            assertTrue(audio.frames() >= 0);
        } catch (AudioFormatException | IOException expected) {
            // a clear error, or the decoder's own report of a corrupt stream
        }
    }
}
