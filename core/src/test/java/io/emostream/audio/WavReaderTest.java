package io.emostream.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavReaderTest {

    @TempDir Path dir;

    @Test
    void reads16BitStereoWrittenByWavWriter() throws Exception {
        float[][] channels = {{0.5f, -0.5f, 0.25f}, {0f, 1f / 32768, -1f}};
        Path file = dir.resolve("stereo.wav");
        WavWriter.write(file, new PcmAudio(44100, channels));
        PcmAudio audio = WavReader.read(file);
        assertEquals(44100, audio.sampleRate());
        assertEquals(2, audio.channelCount());
        assertArrayEquals(channels[0], audio.channels()[0]);
        assertArrayEquals(channels[1], audio.channels()[1]);
        assertEquals(audio.frames(), AudioFiles.read(file).frames());
    }

    @Test
    void readsFloat32WrittenByWavWriter() throws Exception {
        float[][] channels = {{0.123456f, -0.987654f}};
        Path file = dir.resolve("float.wav");
        WavWriter.write(file, new PcmAudio(16000, channels), SampleEncoding.FLOAT32LE);
        assertArrayEquals(channels[0], WavReader.read(file).channels()[0]);
    }

    @Test
    void reads24BitAnd32BitIntAnd64BitFloatAnd8BitUnsigned() throws Exception {
        byte[] s24 = {0x00, 0x00, 0x40, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}; // 0.5, -1/2^23
        assertArrayEquals(
                new float[] {0.5f, -1f / 8388608},
                read(wav(1, 16000, 1, 24, s24, false)).channels()[0]);
        byte[] s32 = le(4).putInt(Integer.MIN_VALUE).putInt(1 << 30).array();
        assertArrayEquals(
                new float[] {-1f, 0.5f}, read(wav(1, 16000, 1, 32, s32, false)).channels()[0]);
        byte[] f64 = le(8).putDouble(0.75).putDouble(-0.125).array();
        assertArrayEquals(
                new float[] {0.75f, -0.125f}, read(wav(3, 16000, 1, 64, f64, false)).channels()[0]);
        byte[] u8 = {(byte) 128, (byte) 192, 0};
        assertArrayEquals(
                new float[] {0f, 0.5f, -1f}, read(wav(1, 8000, 1, 8, u8, false)).channels()[0]);
        byte[] mu = {(byte) 0x80, 0x00};
        assertArrayEquals(
                new float[] {32124 / 32768f, -32124 / 32768f},
                read(wav(7, 8000, 1, 8, mu, false)).channels()[0]);
    }

    @Test
    void readsWaveFormatExtensible24BitStereo() throws Exception {
        byte[] data = {0x00, 0x00, 0x40, 0x00, 0x00, (byte) 0xC0}; // L 0.5, R -0.5
        PcmAudio audio = read(wav(1, 96000, 2, 24, data, true));
        assertEquals(96000, audio.sampleRate());
        assertArrayEquals(new float[] {0.5f}, audio.channels()[0]);
        assertArrayEquals(new float[] {-0.5f}, audio.channels()[1]);
    }

    @Test
    void skipsUnknownChunksWithOddSizePadding() throws Exception {
        byte[] data = le(2).putShort((short) 16384).putShort((short) -16384).array();
        byte[] plain = wav(1, 22050, 1, 16, data, false);
        // insert a 3-byte LIST chunk (plus pad byte) between fmt and data
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(plain, 0, 36);
        out.write(new byte[] {'L', 'I', 'S', 'T', 3, 0, 0, 0, 'a', 'b', 'c', 0});
        out.write(plain, 36, plain.length - 36);
        assertArrayEquals(new float[] {0.5f, -0.5f}, read(out.toByteArray()).channels()[0]);
    }

    @Test
    void rejectsMalformedFilesNamingFileAndProblem() throws Exception {
        byte[] good = wav(1, 16000, 1, 16, new byte[8], false);
        assertProblem(Arrays.copyOf(good, 8), "too short");
        byte[] notRiff = good.clone();
        notRiff[0] = 'X';
        assertProblem(notRiff, "not a RIFF/WAVE file");
        assertProblem(
                Arrays.copyOf(good, good.length - 3),
                "data chunk declares 8 bytes but only 5 remain");
        assertProblem(
                wav(1, 16000, 1, 16, new byte[7], false), "not a whole number of 2-byte frames");
        assertProblem(
                wav(2, 16000, 1, 16, new byte[8], false), "unsupported format tag 2 with 16 bits");
        assertProblem(
                wav(1, 16000, 1, 12, new byte[8], false), "unsupported format tag 1 with 12 bits");
        assertProblem(
                wav(3, 16000, 1, 16, new byte[8], false), "unsupported format tag 3 with 16 bits");
        assertProblem(wav(1, 16000, 0, 16, new byte[8], false), "zero channels");
        assertProblem(wav(1, 0, 1, 16, new byte[8], false), "invalid sample rate 0");
        assertProblem(Arrays.copyOf(good, 36), "missing data chunk");
        byte[] noFmt =
                ByteBuffer.allocate(20)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .put("RIFF".getBytes())
                        .putInt(12)
                        .put("WAVE".getBytes())
                        .put("data".getBytes())
                        .putInt(0)
                        .array();
        assertProblem(noFmt, "data chunk comes before the fmt chunk");
        byte[] onlyHeader = Arrays.copyOf(good, 12);
        assertProblem(onlyHeader, "missing fmt chunk");
    }

    @Test
    void audioFilesRejectsUnknownMagic() throws Exception {
        Path file = dir.resolve("noise.mp3");
        Files.write(file, new byte[] {'I', 'D', '3', 4, 0, 0});
        AudioFormatException e =
                assertThrows(AudioFormatException.class, () -> AudioFiles.read(file));
        assertTrue(
                e.getMessage().contains("noise.mp3") && e.getMessage().contains("neither WAV"),
                e.getMessage());
    }

    private void assertProblem(byte[] bytes, String fragment) throws Exception {
        Path file = dir.resolve("bad.wav");
        Files.write(file, bytes);
        AudioFormatException e =
                assertThrows(AudioFormatException.class, () -> WavReader.read(file));
        assertTrue(
                e.getMessage().startsWith("WAV file bad.wav: ")
                        && e.getMessage().contains(fragment),
                e.getMessage());
    }

    private PcmAudio read(byte[] bytes) throws Exception {
        Path file = dir.resolve("x.wav");
        Files.write(file, bytes);
        return WavReader.read(file);
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size * 2).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A WAV file with one fmt chunk (plain or WAVE_FORMAT_EXTENSIBLE) and one data chunk. */
    static byte[] wav(int tag, int rate, int channels, int bits, byte[] data, boolean extensible) {
        int fmtSize = extensible ? 40 : 16;
        int blockAlign = channels * bits / 8;
        ByteBuffer b =
                ByteBuffer.allocate(12 + 8 + fmtSize + 8 + data.length)
                        .order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(4 + 8 + fmtSize + 8 + data.length).put("WAVE".getBytes());
        b.put("fmt ".getBytes())
                .putInt(fmtSize)
                .putShort((short) (extensible ? 0xFFFE : tag))
                .putShort((short) channels)
                .putInt(rate)
                .putInt(rate * blockAlign)
                .putShort((short) blockAlign)
                .putShort((short) bits);
        if (extensible) {
            b.putShort((short) 22)
                    .putShort((short) bits)
                    .putInt(3)
                    .putShort((short) tag)
                    .put(
                            new byte[] {
                                0,
                                0,
                                0,
                                0,
                                0x10,
                                0,
                                (byte) 0x80,
                                0,
                                0,
                                (byte) 0xAA,
                                0,
                                0x38,
                                (byte) 0x9B,
                                0x71
                            });
        }
        b.put("data".getBytes()).putInt(data.length).put(data);
        return b.array();
    }
}
