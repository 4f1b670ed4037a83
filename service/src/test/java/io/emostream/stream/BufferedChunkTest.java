package io.emostream.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.audio.SampleDecoder;
import io.emostream.audio.SampleEncoding;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BufferedChunkTest {

    private static final int HEADER = BufferedChunk.HEADER_BYTES;

    @Test
    void pcm16AndG711SamplesAreStoredInTwoBytesEachAndRoundTripExactly() {
        Random random = new Random(7);
        for (SampleEncoding encoding :
                new SampleEncoding[] {
                    SampleEncoding.PCM16LE, SampleEncoding.MULAW, SampleEncoding.ALAW
                }) {
            byte[] bytes = new byte[1600 * encoding.bytesPerSample()];
            random.nextBytes(bytes);
            float[] samples = SampleDecoder.decode(bytes, encoding, 1)[0];
            byte[] stored = BufferedChunk.audio(samples, 42).encode();
            assertEquals(HEADER + samples.length * 2, stored.length, encoding.toString());
            BufferedChunk back = BufferedChunk.decode(stored);
            assertArrayEquals(samples, back.samples(), encoding.toString());
            assertEquals(42, back.captureTimeMs());
            assertEquals(samples.length, BufferedChunk.decodeHeader(stored).sampleCount());
        }
    }

    @Test
    void theExtremesOfSixteenBitsAreExact() {
        float[] samples = {-1f, 32767 / 32768f, 0f, 1 / 32768f};
        byte[] stored = BufferedChunk.audio(samples, 0).encode();
        assertEquals(HEADER + samples.length * 2, stored.length);
        assertArrayEquals(samples, BufferedChunk.decode(stored).samples());
    }

    @Test
    void otherFloatsStayFloat32() {
        float[] samples = {
            0.1f, -0.25f, 1f
        }; // 0.1 is no multiple of 2^-15; 1.0 is above int16's range
        // -0.0 is a multiple of 2^-15 but int16 has no negative zero
        for (float[] one : new float[][] {{0.1f}, {1f}, {-0f}, samples}) {
            byte[] stored = BufferedChunk.audio(one, 0).encode();
            assertEquals(HEADER + one.length * 4, stored.length);
            assertArrayEquals(one, BufferedChunk.decode(stored).samples());
        }
    }

    @Test
    void silenceStoresNoSamples() {
        byte[] stored = BufferedChunk.silence(16000, 5).encode();
        assertEquals(HEADER, stored.length);
        BufferedChunk back = BufferedChunk.decode(stored);
        assertTrue(back.silence());
        assertEquals(16000, back.sampleCount());
    }

    @Test
    void anUnknownKindIsUnreadableState() {
        byte[] stored = BufferedChunk.audio(new float[] {0.5f}, 0).encode();
        stored[0] = 9;
        UnreadableStateException e =
                assertThrows(UnreadableStateException.class, () -> BufferedChunk.decode(stored));
        assertTrue(e.getMessage().contains("unknown kind 9"), e.getMessage());
    }

    @Test
    void anEntryWhoseLengthDisagreesWithItsCountIsUnreadableState() {
        byte[] stored = BufferedChunk.audio(new float[] {0.5f, -0.5f}, 0).encode();
        for (byte[] bad :
                new byte[][] {
                    java.util.Arrays.copyOf(stored, stored.length - 1),
                    java.util.Arrays.copyOf(stored, stored.length + 2)
                }) {
            UnreadableStateException e =
                    assertThrows(UnreadableStateException.class, () -> BufferedChunk.decode(bad));
            assertTrue(e.getMessage().contains("does not hold 2 samples"), e.getMessage());
        }
    }

    @Test
    void anEntryShorterThanItsHeaderIsUnreadableStateInBothReaders() {
        byte[] stored = BufferedChunk.audio(new float[] {0.5f}, 0).encode();
        for (int length : new int[] {0, 1, HEADER - 1}) {
            byte[] bad = java.util.Arrays.copyOf(stored, length);
            for (java.util.function.Function<byte[], BufferedChunk> reader :
                    java.util.List.<java.util.function.Function<byte[], BufferedChunk>>of(
                            BufferedChunk::decode, BufferedChunk::decodeHeader)) {
                UnreadableStateException e =
                        assertThrows(UnreadableStateException.class, () -> reader.apply(bad));
                assertTrue(
                        e.getMessage().contains(length + " bytes is shorter than"), e.getMessage());
            }
        }
    }
}
