package io.emostream.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class SampleDecoderTest {

    @Test
    void parsesEncodingNamesCaseInsensitively() {
        assertEquals(SampleEncoding.PCM16LE, SampleEncoding.parse("pcm16"));
        assertEquals(SampleEncoding.PCM16LE, SampleEncoding.parse("PCM16LE"));
        assertEquals(SampleEncoding.FLOAT32LE, SampleEncoding.parse("Float32"));
        assertEquals(SampleEncoding.MULAW, SampleEncoding.parse("ulaw"));
        assertEquals(SampleEncoding.MULAW, SampleEncoding.parse("MuLaw"));
        assertEquals(SampleEncoding.ALAW, SampleEncoding.parse("alaw"));
        assertEquals(2, SampleEncoding.PCM16LE.bytesPerSample());
        assertEquals(4, SampleEncoding.FLOAT32LE.bytesPerSample());
        assertEquals(1, SampleEncoding.MULAW.bytesPerSample());
        AudioFormatException e =
                assertThrows(AudioFormatException.class, () -> SampleEncoding.parse("opus"));
        assertTrue(
                e.getMessage().contains("'opus'")
                        && e.getMessage().contains("PCM16LE")
                        && e.getMessage().contains("ulaw"),
                e.getMessage());
    }

    @Test
    void decodesPcm16StereoIntoChannels() {
        byte[] data =
                ByteBuffer.allocate(8)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putShort((short) 16384)
                        .putShort((short) -32768)
                        .putShort((short) 1)
                        .putShort((short) 32767)
                        .array();
        float[][] ch = SampleDecoder.decode(data, SampleEncoding.PCM16LE, 2);
        assertArrayEquals(new float[] {0.5f, 1f / 32768}, ch[0]);
        assertArrayEquals(new float[] {-1f, 32767f / 32768}, ch[1]);
        assertArrayEquals(ch[1], SampleDecoder.decodeChannel(data, SampleEncoding.PCM16LE, 2, 1));
    }

    @Test
    void decodesFloat32ClampingOutOfRangeAndRejectingNaN() {
        byte[] data =
                ByteBuffer.allocate(12)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putFloat(0.25f)
                        .putFloat(-1.5f)
                        .putFloat(2f)
                        .array();
        assertArrayEquals(
                new float[] {0.25f, -1f, 1f},
                SampleDecoder.decode(data, SampleEncoding.FLOAT32LE, 1)[0]);
        byte[] nan =
                ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(Float.NaN).array();
        AudioFormatException e =
                assertThrows(
                        AudioFormatException.class,
                        () -> SampleDecoder.decode(nan, SampleEncoding.FLOAT32LE, 1));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    void decodesKnownG711Values() {
        // ITU-T G.711 / audioop.ulaw2lin and alaw2lin
        float[] mu =
                SampleDecoder.decode(
                        new byte[] {0x00, 0x7F, (byte) 0x80, (byte) 0xFF, 0x01},
                        SampleEncoding.MULAW,
                        1)[0];
        assertArrayEquals(
                new float[] {-32124 / 32768f, 0f, 32124 / 32768f, 0f, -31100 / 32768f}, mu);
        float[] a =
                SampleDecoder.decode(
                        new byte[] {0x55, (byte) 0xD5, 0x00, (byte) 0x80, 0x7F},
                        SampleEncoding.ALAW,
                        1)[0];
        assertArrayEquals(
                new float[] {-8 / 32768f, 8 / 32768f, -5504 / 32768f, 5504 / 32768f, -848 / 32768f},
                a);
    }

    @Test
    void g711MatchesPythonAudioopExactly() {
        // CRC32 of audioop.lin2ulaw / lin2alaw over every int16 value (-32768..32767, LE order) and
        // of
        // audioop.ulaw2lin / alaw2lin over every code 0..255 (int16 LE), computed with CPython 3.11
        byte[] mu = new byte[65536];
        byte[] a = new byte[65536];
        for (int v = -32768; v <= 32767; v++) {
            mu[v + 32768] = G711.linearToUlaw((short) v);
            a[v + 32768] = G711.linearToAlaw((short) v);
        }
        ByteBuffer muLin = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer aLin = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        for (int code = 0; code < 256; code++) {
            muLin.putShort(G711.ulawToLinear((byte) code));
            aLin.putShort(G711.alawToLinear((byte) code));
        }
        assertEquals(997997118L, crc(mu));
        assertEquals(2436069742L, crc(a));
        assertEquals(210008735L, crc(muLin.array()));
        assertEquals(2641774167L, crc(aLin.array()));
        assertEquals((byte) 255, G711.linearToUlaw((short) 0));
        assertEquals((byte) 126, G711.linearToUlaw((short) -1));
        assertEquals((byte) 206, G711.linearToUlaw((short) 1000));
        assertEquals((byte) 0, G711.linearToUlaw((short) -32768));
        assertEquals((byte) 213, G711.linearToAlaw((short) 0));
        assertEquals((byte) 250, G711.linearToAlaw((short) 1000));
        assertEquals((byte) 42, G711.linearToAlaw((short) -32768));
    }

    @Test
    void encoderRoundTripsEveryEncoding() {
        float[][] channels = {{0.5f, -0.25f, 0f, 0.999f}, {-0.5f, 0.125f, -1f, 0.01f}};
        for (SampleEncoding enc : SampleEncoding.values()) {
            float[][] back = SampleDecoder.decode(SampleEncoder.encode(channels, enc), enc, 2);
            double tolerance =
                    switch (enc) {
                        case FLOAT32LE -> 0;
                        case PCM16LE -> 1.0 / 32768;
                        default -> 0.03; // companding step near full scale
                    };
            for (int ch = 0; ch < 2; ch++) {
                for (int i = 0; i < 4; i++) {
                    assertEquals(
                            channels[ch][i],
                            back[ch][i],
                            tolerance,
                            enc + " ch" + ch + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void rejectsPartialFramesAndBadChannelCounts() {
        AudioFormatException e =
                assertThrows(
                        AudioFormatException.class,
                        () -> SampleDecoder.decode(new byte[3], SampleEncoding.PCM16LE, 1));
        assertTrue(
                e.getMessage().contains("3 bytes") && e.getMessage().contains("2-byte frames"),
                e.getMessage());
        e =
                assertThrows(
                        AudioFormatException.class,
                        () -> SampleDecoder.decode(new byte[6], SampleEncoding.PCM16LE, 2));
        assertTrue(e.getMessage().contains("4-byte frames"), e.getMessage());
        e =
                assertThrows(
                        AudioFormatException.class,
                        () -> SampleDecoder.decode(new byte[9], SampleEncoding.MULAW, 2));
        assertTrue(e.getMessage().contains("9 bytes"), e.getMessage());
        e =
                assertThrows(
                        AudioFormatException.class,
                        () -> SampleDecoder.decode(new byte[8], SampleEncoding.MULAW, 0));
        assertTrue(e.getMessage().contains("channel count 0"), e.getMessage());
        e =
                assertThrows(
                        AudioFormatException.class,
                        () -> SampleDecoder.decode(new byte[9], SampleEncoding.MULAW, 9));
        assertTrue(e.getMessage().contains("channel count 9"), e.getMessage());
        e =
                assertThrows(
                        AudioFormatException.class,
                        () -> SampleDecoder.decodeChannel(new byte[4], SampleEncoding.MULAW, 2, 2));
        assertTrue(e.getMessage().contains("channel 2"), e.getMessage());
        assertEquals(0, SampleDecoder.decode(new byte[0], SampleEncoding.FLOAT32LE, 2)[1].length);
    }

    @Test
    void pcmAudioMonoAndDuration() {
        PcmAudio audio =
                new PcmAudio(8000, new float[][] {{1f, 0f, 0.5f, 0f}, {0f, 0f, -0.5f, 1f}});
        assertArrayEquals(new float[] {0.5f, 0f, 0f, 0.5f}, audio.mono());
        assertEquals(4, audio.frames());
        assertEquals(java.time.Duration.ofMillis(0).plusNanos(500_000), audio.duration());
        assertThrows(
                AudioFormatException.class, () -> new PcmAudio(8000, new float[][] {{1f}, {}}));
    }

    private static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    @Test
    void everyG711CodeDecodesToItsLinearValueOver32768InEveryChannel() {
        byte[] codes = new byte[512]; // two channels: code i in channel 0, 255 - i in channel 1
        for (int i = 0; i < 256; i++) {
            codes[2 * i] = (byte) i;
            codes[2 * i + 1] = (byte) (255 - i);
        }
        float[][] mu = SampleDecoder.decode(codes, SampleEncoding.MULAW, 2);
        float[][] a = SampleDecoder.decode(codes, SampleEncoding.ALAW, 2);
        for (int i = 0; i < 256; i++) {
            assertEquals(G711.ulawToLinear((byte) i) / 32768f, mu[0][i]);
            assertEquals(G711.ulawToLinear((byte) (255 - i)) / 32768f, mu[1][i]);
            assertEquals(G711.alawToLinear((byte) i) / 32768f, a[0][i]);
            assertEquals(G711.alawToLinear((byte) (255 - i)) / 32768f, a[1][i]);
        }
        assertArrayEquals(mu[1], SampleDecoder.decodeChannel(codes, SampleEncoding.MULAW, 2, 1));
    }
}
