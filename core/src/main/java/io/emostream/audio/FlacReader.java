package io.emostream.audio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jflac.FLACDecoder;
import org.jflac.FrameListener;
import org.jflac.PCMProcessor;
import org.jflac.frame.Frame;
import org.jflac.metadata.Metadata;
import org.jflac.metadata.StreamInfo;
import org.jflac.util.ByteData;

/**
 * Reads FLAC files with jFLAC: 8, 16 and 24 bits per sample, any rate and channel count. Integer samples are
 * scaled by 2^-(bits-1), so 16-bit FLAC decodes to exactly the values of the equivalent 16-bit WAV.
 *
 * <p>The first error jFLAC reports (a bad frame header or subframe, a frame CRC mismatch, lost sync, data after the
 * last frame) ends the decoding with an {@link AudioFormatException}: jFLAC itself would carry on, zeroing a frame
 * whose CRC does not match, and after the samples STREAMINFO declares it retries the same bad header forever.
 */
public final class FlacReader {

    private FlacReader() {}

    /** @throws AudioFormatException naming the file and the problem when it cannot be decoded */
    public static PcmAudio read(Path path) {
        String where = "FLAC file " + path.getFileName() + ": ";
        try (InputStream in = Files.newInputStream(path)) {
            return decodeStream(in, where);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read FLAC file " + path + ": " + e.getMessage(), e);
        }
    }

    /** Decodes a FLAC stream; {@code name} only labels error messages. */
    public static PcmAudio decode(InputStream in, String name) throws IOException {
        return decodeStream(in, "FLAC stream " + name + ": ");
    }

    private static PcmAudio decodeStream(InputStream in, String where) throws IOException {
        FLACDecoder decoder = new FLACDecoder(in);
        Collector collector = new Collector();
        decoder.addPCMProcessor(collector);
        decoder.addFrameListener(new StopAtFirstError(where));
        try {
            decoder.decode();
        } catch (AudioFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new AudioFormatException(where + "corrupt stream (" + e + ")", e);
        }
        StreamInfo info = decoder.getStreamInfo();
        if (info == null) {
            throw new AudioFormatException(where + "no STREAMINFO block (not a FLAC file?)");
        }
        if (decoder.getBadFrames() > 0) {
            throw new AudioFormatException(where + decoder.getBadFrames() + " corrupt frame(s)");
        }
        int channels = info.getChannels();
        int bits = info.getBitsPerSample();
        if (channels < 1 || info.getSampleRate() <= 0) {
            throw new AudioFormatException(
                    where
                            + "invalid STREAMINFO: "
                            + channels
                            + " channels at "
                            + info.getSampleRate()
                            + " Hz");
        }
        if (bits != 8 && bits != 16 && bits != 24) {
            throw new AudioFormatException(
                    where + "unsupported bits per sample " + bits + " (supported: 8, 16, 24)");
        }
        byte[] pcm = collector.bytes.toByteArray();
        int bytesPerSample = bits / 8;
        int frames = pcm.length / (bytesPerSample * channels);
        if (info.getTotalSamples() > 0 && info.getTotalSamples() != frames) {
            throw new AudioFormatException(
                    where
                            + "decoded "
                            + frames
                            + " samples per channel but STREAMINFO "
                            + "declares "
                            + info.getTotalSamples()
                            + " (truncated?)");
        }
        float[][] out = new float[channels][frames];
        int p = 0;
        for (int frame = 0; frame < frames; frame++) {
            for (int ch = 0; ch < channels; ch++, p += bytesPerSample) {
                out[ch][frame] =
                        switch (bits) {
                            case 8 ->
                                    ((pcm[p] & 0xFF) - 128)
                                            / 128f; // jFLAC emits 8-bit samples offset by 128
                            case 16 -> (short) ((pcm[p] & 0xFF) | pcm[p + 1] << 8) / 32768f;
                            default ->
                                    ((pcm[p] & 0xFF) | (pcm[p + 1] & 0xFF) << 8 | pcm[p + 2] << 16)
                                            / 8388608f;
                        };
            }
        }
        return new PcmAudio(info.getSampleRate(), out);
    }

    /** Turns jFLAC's first error report into an {@link AudioFormatException}, which ends {@code decode()}. */
    private record StopAtFirstError(String where) implements FrameListener {
        @Override
        public void processMetadata(Metadata metadata) {
            // STREAMINFO is read from the decoder after decoding
        }

        @Override
        public void processFrame(Frame frame) {
            // samples arrive through the Collector
        }

        @Override
        public void processError(String message) {
            throw new AudioFormatException(where + "corrupt stream (" + message + ")");
        }
    }

    private static final class Collector implements PCMProcessor {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void processStreamInfo(StreamInfo streamInfo) {
            // read from the decoder after decoding
        }

        @Override
        public void processPCM(ByteData pcm) {
            bytes.write(pcm.getData(), 0, pcm.getLen());
        }
    }
}
