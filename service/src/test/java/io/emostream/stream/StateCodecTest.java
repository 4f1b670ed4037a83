package io.emostream.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.analysis.WindowResult;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.SpeakerRole;
import io.emostream.sequence.SequencerState;
import io.emostream.sequence.SequencerState.FilledRange;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

/** Store key order and the hand-written value codecs. */
class StateCodecTest {

    @Test
    void chunkKeysSortBySequenceAndStreamsDoNotInterleave() {
        SpeakerStreamKey a = new SpeakerStreamKey("call-1", SpeakerRole.CUSTOMER);
        SpeakerStreamKey b = new SpeakerStreamKey("call-1", SpeakerRole.AGENT);
        SpeakerStreamKey longer = new SpeakerStreamKey("call-10", SpeakerRole.CUSTOMER);
        long[] sequences = {0, 1, 127, 128, 255, 256, 65_535, 65_536, 1L << 40, Long.MAX_VALUE};
        for (int i = 1; i < sequences.length; i++) {
            assertTrue(
                    a.chunkKey(sequences[i - 1]).compareTo(a.chunkKey(sequences[i])) < 0,
                    "at " + sequences[i]);
        }
        // All of one stream's keys lie in [chunkKey(0), chunkKey(MAX)], none of another stream's
        // do.
        for (SpeakerStreamKey other : List.of(b, longer)) {
            for (long s : sequences) {
                Bytes k = other.chunkKey(s);
                assertFalse(
                        k.compareTo(a.chunkKey(0)) >= 0
                                && k.compareTo(a.chunkKey(Long.MAX_VALUE)) <= 0,
                        other + " " + s);
            }
        }
        assertEquals(1L << 40, SpeakerStreamKey.sequenceOfChunkKey(a.chunkKey(1L << 40)));
        assertEquals(longer, SpeakerStreamKey.fromBytes(longer.toBytes()));
    }

    @Test
    void bufferedChunkRoundTrips() {
        float[] samples = {0.5f, -1f, 1e-7f, 0f};
        BufferedChunk audio = BufferedChunk.decode(BufferedChunk.audio(samples, 1234L).encode());
        assertFalse(audio.silence());
        assertArrayEquals(samples, audio.samples());
        assertEquals(1234L, audio.captureTimeMs());
        byte[] silence = BufferedChunk.silence(10_000_000_000L, 99L).encode();
        assertEquals(
                BufferedChunk.HEADER_BYTES, silence.length, "silence of any length costs a header");
        assertEquals(10_000_000_000L, BufferedChunk.decode(silence).sampleCount());
        float[] target = new float[3];
        audio.copyTo(1, 3, target, 1);
        assertArrayEquals(new float[] {0f, -1f, 1e-7f}, target);
    }

    /**
     * {@link #sampleState()} as encoded by release 5b9d9b5 (format version 1). Never regenerate it: a state store
     * written by that release must still decode after an upgrade.
     */
    static final String VERSION_1_HEX =
            "0100000000000000000500003e8000000000000000110000000000000028000200000000000000130000000000000015"
                    + "000000000000004d000000000000000c0000000000017700000000000002134000000000000000020000000000017700"
                    + "0000000000001f4000000000000003e8000000000000251c000000000000000300000000000005dc0000000000000004"
                    + "00000000000000010001000000000000000500000000000000080000000000000003000000000000000200040005616e"
                    + "677279000000000000000240b19400000000003ffcccccc0000000000568617070790000000000000000000000000000"
                    + "00003fb99999a000000000076e65757472616c000000000000000000000000000000003faeb851e00000000003736164"
                    + "000000000000000000000000000000003fa47ae140000000bff333333000000000000000000000023ff9999990000000"
                    + "000000000000000200030005616e67727900096e6f5f7370656563680005616e67727900020000000000000000bf0000"
                    + "000000000000000002bf33333300000002000000000000000000ffffffffffffffff";

    @Test
    void stateWrittenByThePreviousReleaseStillDecodes() {
        byte[] old = java.util.HexFormat.of().parseHex(VERSION_1_HEX);
        SpeakerStreamState expected = sampleState();
        SpeakerStreamState decoded = SpeakerStreamState.decode(old);
        assertArrayEquals(
                expected.encode(),
                decoded.encode(),
                "decodes to the same state, re-encodes the same bytes");
        assertEquals(136_000, decoded.sequencing.contiguousSamples());
        assertEquals(stats(expected), stats(decoded));
    }

    @Test
    void unknownVersionsAndBrokenEntriesAreUnreadableStateNotSomeOtherException() {
        byte[] good = sampleState().encode();
        byte[] newer = good.clone();
        newer[0] = 2;
        UnreadableStateException e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        UnreadableStateException.class, () -> SpeakerStreamState.decode(newer));
        assertTrue(e.getMessage().contains("unknown format version 2"), e.getMessage());
        for (byte[] broken :
                List.of(
                        new byte[0],
                        java.util.Arrays.copyOf(good, good.length / 2),
                        java.util.Arrays.copyOf(good, good.length + 3))) {
            org.junit.jupiter.api.Assertions.assertThrows(
                    UnreadableStateException.class,
                    () -> SpeakerStreamState.decode(broken),
                    broken.length + " bytes");
        }
    }

    @Test
    void streamStateRoundTripsWithStatistics() {
        SpeakerStreamState state = sampleState();
        SpeakerStreamState copy = SpeakerStreamState.decode(state.encode());
        assertArrayEquals(state.encode(), copy.encode());
        assertEquals(List.of(19L, 21L), List.copyOf(copy.sequencing.pending()));
        assertTrue(copy.sequencing.wasFilled(7));
        assertFalse(copy.sequencing.wasFilled(8));
        assertEquals(stats(state), stats(copy));

        SpeakerStreamState marker =
                SpeakerStreamState.decode(SpeakerStreamState.endedMarker(42L).encode());
        assertTrue(marker.ended);
        assertEquals(42L, marker.lastActivityMs());
        assertTrue(SpeakerStreamState.endedMarker(42L).encode().length <= 10);
    }

    static SpeakerStreamState sampleState() {
        SpeakerStreamState state =
                SpeakerStreamState.start(16000, LoudnessTestClassifier.LABELS, 5L);
        state.sequencing =
                new SequencerState(
                        16000, // sample rate
                        5, // last activity
                        17, // next sequence
                        40, // end sequence
                        List.of(19L, 21L), // pending
                        77, // gap open since
                        136_000, // contiguous samples
                        2, // window index
                        96_000, // last window end sample
                        8000, // last chunk samples
                        1000, // first capture
                        9500, // next capture
                        3, // gaps
                        1500, // gap fill ms
                        4, // duplicates
                        1, // late chunks
                        List.of(new FilledRange(5, 8)));
        state.firstRetainedSequence = 12;
        state.firstRetainedStartSample = 96_000;
        EscalationRule rule = EscalationRule.defaults();
        Map<String, Float> p =
                Map.of("angry", 0.9f, "happy", 0.05f, "neutral", 0.03f, "sad", 0.02f);
        state.stats.add(
                0, new WindowResult(true, "angry", 0.9f, p, -0.5f, 0.7f, 1f), 3000, rule, 5);
        state.stats.add(1, WindowResult.noSpeech(0.1f), 3000, rule, 5);
        state.stats.add(
                2, new WindowResult(true, "angry", 0.9f, p, -0.7f, 0.9f, 0.5f), 3000, rule, 5);
        return state;
    }

    private static CallEmotionStats stats(SpeakerStreamState state) {
        CallEmotionStats.Builder builder =
                CallEmotionStats.newBuilder().setCallId("c").setUpdatedAt(Instant.EPOCH);
        state.stats.fill(builder);
        return builder.build();
    }
}
