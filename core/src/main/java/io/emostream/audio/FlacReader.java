package io.emostream.audio;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
 *
 * <p>Of the metadata, only STREAMINFO reaches jFLAC: the other blocks (seek table, Vorbis comment, picture, padding,
 * ...) carry nothing this reader uses and are skipped here, each only as far as the input goes. jFLAC allocates what
 * a block's header claims before it reads (16 MB for an unknown block, 2 GB for a Vorbis comment's vendor string),
 * so a header of a few bytes could claim gigabytes.
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
        FLACDecoder decoder = new FLACDecoder(streamInfoOnly(in, where));
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

    private static final byte[] MARKER = "fLaC".getBytes(StandardCharsets.US_ASCII);
    private static final int STREAMINFO_LENGTH = 34;

    /**
     * The stream jFLAC decodes: the "fLaC" marker, the STREAMINFO block alone (marked the last), then the frames; an
     * ID3v2 tag before the marker and every other metadata block are skipped.
     */
    private static InputStream streamInfoOnly(InputStream in, String where) throws IOException {
        try {
            byte[] marker = in.readNBytes(MARKER.length);
            if (marker.length == MARKER.length
                    && marker[0] == 'I'
                    && marker[1] == 'D'
                    && marker[2] == '3') {
                // the rest of the 10-byte ID3v2 header: version, flags, size
                byte[] id3 = in.readNBytes(6);
                if (id3.length < 6) {
                    throw new EOFException();
                }
                // a 28-bit "syncsafe" size, plus a 10-byte footer when flagged
                long size =
                        (id3[2] & 0x7F) << 21
                                | (id3[3] & 0x7F) << 14
                                | (id3[4] & 0x7F) << 7
                                | id3[5] & 0x7F;
                in.skipNBytes(size + ((id3[1] & 0x10) != 0 ? 10 : 0));
                marker = in.readNBytes(MARKER.length);
            }
            if (!Arrays.equals(marker, MARKER)) {
                throw new AudioFormatException(where + "no fLaC marker (not a FLAC file?)");
            }
            byte[] streamInfo = null;
            boolean last = false;
            while (!last) {
                byte[] header = in.readNBytes(4);
                if (header.length < 4) {
                    throw new EOFException();
                }
                last = (header[0] & 0x80) != 0;
                int type = header[0] & 0x7F;
                int length = (header[1] & 0xFF) << 16 | (header[2] & 0xFF) << 8 | header[3] & 0xFF;
                if (streamInfo == null) {
                    if (type != 0 || length != STREAMINFO_LENGTH) {
                        throw new AudioFormatException(
                                where
                                        + "no STREAMINFO block (the first metadata block has type "
                                        + type
                                        + " and "
                                        + length
                                        + " bytes; not a FLAC file?)");
                    }
                    byte[] body = in.readNBytes(length);
                    if (body.length < length) {
                        throw new EOFException();
                    }
                    streamInfo = new byte[MARKER.length + 4 + length];
                    System.arraycopy(MARKER, 0, streamInfo, 0, MARKER.length);
                    streamInfo[MARKER.length] = (byte) 0x80; // the last block, type 0
                    System.arraycopy(header, 1, streamInfo, MARKER.length + 1, 3);
                    System.arraycopy(body, 0, streamInfo, MARKER.length + 4, length);
                } else {
                    in.skipNBytes(length);
                }
            }
            return new SequenceInputStream(new ByteArrayInputStream(streamInfo), in);
        } catch (EOFException e) {
            throw new AudioFormatException(where + "truncated in its metadata", e);
        }
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
