package io.emostream.audio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes {@link PcmAudio} as a canonical 44-byte-header WAV file: 16-bit PCM or 32-bit IEEE float. */
public final class WavWriter {

    private WavWriter() {}

    /** Writes 16-bit PCM. */
    public static void write(Path path, PcmAudio audio) {
        write(path, audio, SampleEncoding.PCM16LE);
    }

    /**
     * Writes {@code audio} with {@code encoding} PCM16LE (format tag 1), FLOAT32LE (tag 3), MULAW (tag 7) or
     * ALAW (tag 6); null means PCM16LE.
     */
    public static void write(Path path, PcmAudio audio, SampleEncoding encoding) {
        try {
            Files.write(path, toBytes(audio, encoding));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write WAV file " + path + ": " + e.getMessage(), e);
        }
    }

    /** The bytes of a WAV file holding {@code audio}. */
    public static byte[] toBytes(PcmAudio audio, SampleEncoding encoding) {
        SampleEncoding enc = encoding == null ? SampleEncoding.PCM16LE : encoding;
        byte[] data = SampleEncoder.encode(audio.channels(), enc);
        int tag =
                switch (enc) {
                    case PCM16LE -> 1;
                    case FLOAT32LE -> 3;
                    case ALAW -> 6;
                    case MULAW -> 7;
                };
        int channels = audio.channelCount();
        int bits = enc.bytesPerSample() * 8;
        int blockAlign = channels * enc.bytesPerSample();
        int pad = data.length & 1;
        ByteBuffer out = ByteBuffer.allocate(44 + data.length + pad).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {'R', 'I', 'F', 'F'})
                .putInt(36 + data.length + pad)
                .put(new byte[] {'W', 'A', 'V', 'E'});
        out.put(new byte[] {'f', 'm', 't', ' '})
                .putInt(16)
                .putShort((short) tag)
                .putShort((short) channels)
                .putInt(audio.sampleRate())
                .putInt(audio.sampleRate() * blockAlign)
                .putShort((short) blockAlign)
                .putShort((short) bits);
        out.put(new byte[] {'d', 'a', 't', 'a'}).putInt(data.length).put(data);
        return out.array();
    }
}
