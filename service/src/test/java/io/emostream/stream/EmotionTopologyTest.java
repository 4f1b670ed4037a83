package io.emostream.stream;

import static io.emostream.stream.TopologyHarness.START;
import static io.emostream.stream.TopologyHarness.concat;
import static io.emostream.stream.TopologyHarness.mono;
import static io.emostream.stream.TopologyHarness.ramp;
import static io.emostream.stream.TopologyHarness.split;
import static io.emostream.stream.TopologyHarness.tone;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.audio.SampleEncoder;
import io.emostream.audio.SampleEncoding;
import io.emostream.avro.AudioChunk;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import io.emostream.avro.SpeakerRole;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole topology in a TopologyTestDriver: windowing, disorder, end of stream, statistics. */
class EmotionTopologyTest {

    private static final String CALL = "call-42";
    private static final SpeakerRole CUSTOMER = SpeakerRole.CUSTOMER;

    @TempDir Path stateDir;

    private final LoudnessTestClassifier classifier = new LoudnessTestClassifier();
    private TopologyHarness harness;

    private TopologyHarness start(TopologySettings settings) {
        harness = new TopologyHarness(settings, classifier, stateDir);
        return harness;
    }

    @AfterEach
    void close() {
        if (harness != null) {
            harness.close();
        }
    }

    private static String header(TestRecord<byte[], byte[]> record, String key) {
        Header h = record.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void inOrderChunksMakeConsecutiveWindowsAndStats() {
        TopologyHarness h = start(TopologySettings.defaults());
        float[] signal = tone(6 * 16000, 0.8f, 16000);
        split(CALL, CUSTOMER, 16000, signal, 8000, false).forEach(h::send);

        List<EmotionEvent> events = h.events.readValuesToList();
        assertEquals(2, events.size());
        for (int i = 0; i < 2; i++) {
            EmotionEvent e = events.get(i);
            assertEquals(CALL, e.getCallId());
            assertEquals(CUSTOMER, e.getSpeaker());
            assertEquals(i, e.getWindowIndex());
            assertEquals(i * 3000L, e.getWindowStartOffsetMs());
            assertEquals((i + 1) * 3000L, e.getWindowEndOffsetMs());
            assertEquals(START.plusMillis(i * 3000L), e.getWindowStartTime());
            assertEquals(START.plusMillis((i + 1) * 3000L), e.getWindowEndTime());
            assertTrue(e.getSpeech());
            assertEquals("angry", e.getLabel());
            assertEquals(0.8f, e.getConfidence(), 1e-6);
            assertEquals(-0.6f, e.getValence(), 1e-6);
            assertEquals("loudness-test", e.getModelId());
            assertEquals(START, e.getProcessedAt());
        }
        assertEquals(2, classifier.calls().size());
        assertEquals(48000, classifier.calls().get(0).samples().length);
        assertEquals(16000, classifier.calls().get(0).sampleRate());

        List<CallEmotionStats> stats = h.stats.readValuesToList();
        assertEquals(2, stats.size());
        CallEmotionStats last = stats.get(1);
        assertFalse(last.getFinal$());
        assertEquals(2, last.getWindowsTotal());
        assertEquals(2, last.getWindowsWithSpeech());
        assertEquals(2L, last.getLabelCounts().get("angry"));
        assertEquals("angry", last.getDominantLabel());
        assertEquals(START, last.getFirstAudioTime());
        assertEquals(START.plusMillis(6000), last.getLastAudioTime());
        // Hop = window: every chunk of both windows has been deleted.
        assertEquals(0, TopologyHarness.entries(h.chunkStore()).size());
        assertEquals(last, h.callStatsStore().get(CallStatsQuery.storeKey(CALL, CUSTOMER)));

        assertEquals(12, h.count(StreamMetrics.CHUNKS));
        assertEquals(2, h.count(StreamMetrics.WINDOWS, "speech", "true"));
        assertEquals(2, h.meters.find(StreamMetrics.INFERENCE).timer().count());
        assertEquals(2, h.meters.find(StreamMetrics.END_TO_END).timer().count());
        assertEquals(1, h.meters.find(StreamMetrics.ACTIVE_STREAMS).gauge().value());
    }

    @Test
    void outOfOrderChunksWithinTheBufferAreReordered() {
        TopologyHarness h = start(TopologySettings.defaults());
        float[] signal = ramp(3 * 8000);
        List<AudioChunk> chunks = split(CALL, CUSTOMER, 8000, signal, 2000, false);
        for (int i : new int[] {0, 2, 1, 4, 3, 5, 7, 6, 9, 8, 11, 10}) {
            h.send(chunks.get(i));
        }
        assertEquals(1, h.events.readValuesToList().size());
        assertArrayEquals(signal, classifier.calls().get(0).samples());
        CallEmotionStats stats = h.stats.readValue();
        assertEquals(0, stats.getGaps());
        assertEquals(0, stats.getDuplicates());
    }

    @Test
    void duplicatesOfConsumedAndBufferedChunksAreDroppedAndCounted() {
        TopologyHarness h = start(TopologySettings.defaults());
        float[] signal = ramp(3 * 8000);
        List<AudioChunk> chunks = split(CALL, CUSTOMER, 8000, signal, 2000, false);
        for (int i : new int[] {0, 1, 1, 0, 3, 3, 2, 4, 5, 6, 7, 8, 9, 10, 11}) {
            h.send(chunks.get(i));
        }
        assertEquals(1, h.events.readValuesToList().size());
        assertArrayEquals(signal, classifier.calls().get(0).samples());
        assertEquals(3, h.stats.readValue().getDuplicates());
        assertEquals(3, h.count(StreamMetrics.DUPLICATES));
        assertTrue(h.deadLetters.isEmpty(), "duplicates are not dead letters");
    }

    @Test
    void gapIsFilledWithSilenceAfterTheWaitAndALateChunkIsCountedAndDeadLettered() {
        TopologyHarness h = start(TopologySettings.defaults());
        float[] signal = ramp(3 * 8000);
        List<AudioChunk> chunks = split(CALL, CUSTOMER, 8000, signal, 2000, false);
        for (int i = 0; i < chunks.size(); i++) {
            if (i != 2) {
                h.send(chunks.get(i));
            }
        }
        assertTrue(h.events.isEmpty(), "the window waits for the missing chunk");
        h.advance(Duration.ofSeconds(1));
        assertTrue(h.events.isEmpty(), "gap wait (2 s) not over yet");
        h.advance(Duration.ofSeconds(1));

        EmotionEvent event = h.events.readValue();
        assertEquals(0, event.getWindowIndex());
        assertEquals(3000, event.getWindowEndOffsetMs());
        float[] expected = signal.clone();
        Arrays.fill(expected, 4000, 6000, 0f);
        assertArrayEquals(expected, classifier.calls().get(0).samples());
        CallEmotionStats stats = h.stats.readValue();
        assertEquals(1, stats.getGaps());
        assertEquals(250, stats.getGapFillMs());
        assertEquals(1, h.count(StreamMetrics.GAPS));
        assertEquals(250, h.count(StreamMetrics.GAP_FILL));

        AudioChunk late = chunks.get(2);
        h.send(late);
        TestRecord<byte[], byte[]> dead = h.deadLetters.readRecord();
        assertEquals("LATE_CHUNK", header(dead, DeadLetters.REASON_HEADER));
        assertArrayEquals(h.encode(late), dead.value());
        assertArrayEquals(CALL.getBytes(StandardCharsets.UTF_8), dead.key());
        assertEquals(1, h.streamState(CALL, CUSTOMER).sequencing.lateChunks());
        assertEquals(1, h.count(StreamMetrics.LATE));
        assertEquals(1, h.count(StreamMetrics.DEAD_LETTERS, "reason", "LATE_CHUNK"));
        assertEquals(0, h.streamState(CALL, CUSTOMER).sequencing.duplicates());
    }

    @Test
    void fullReorderBufferFillsTheGapWithoutWaiting() {
        TopologyHarness h =
                start(TopologySettings.defaults().toBuilder().reorderBufferMaxChunks(4).build());
        float[] signal = ramp(3 * 8000);
        List<AudioChunk> chunks = split(CALL, CUSTOMER, 8000, signal, 2000, false);
        h.send(chunks.get(0));
        for (int i = 2; i <= 5; i++) {
            h.send(chunks.get(i));
        }
        assertEquals(0, h.streamState(CALL, CUSTOMER).sequencing.gaps(), "4 buffered chunks fit");
        h.send(chunks.get(6));
        assertEquals(
                1, h.streamState(CALL, CUSTOMER).sequencing.gaps(), "the 5th overflows the buffer");
        for (int i = 7; i < chunks.size(); i++) {
            h.send(chunks.get(i));
        }
        float[] expected = signal.clone();
        Arrays.fill(expected, 2000, 4000, 0f);
        assertEquals(1, h.events.readValuesToList().size());
        assertArrayEquals(expected, classifier.calls().get(0).samples());
    }

    @Test
    void hopShorterThanWindowGivesOverlappingWindowsAndKeepsTheOverlap() {
        TopologyHarness h =
                start(
                        TopologySettings.defaults().toBuilder()
                                .window(Duration.ofSeconds(3), Duration.ofSeconds(1))
                                .build());
        float[] signal = ramp(5 * 8000);
        split(CALL, CUSTOMER, 8000, signal, 2000, false).forEach(h::send);

        List<EmotionEvent> events = h.events.readValuesToList();
        assertEquals(3, events.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(i, events.get(i).getWindowIndex());
            assertEquals(i * 1000L, events.get(i).getWindowStartOffsetMs());
            assertEquals(i * 1000L + 3000, events.get(i).getWindowEndOffsetMs());
            assertEquals(START.plusMillis(i * 1000L), events.get(i).getWindowStartTime());
            assertArrayEquals(
                    Arrays.copyOfRange(signal, i * 8000, i * 8000 + 24000),
                    classifier.calls().get(i).samples());
        }
        // The next window starts at 3 s: chunks 12..19 (3 s to 5 s) stay, the earlier ones are
        // gone.
        assertEquals(8, TopologyHarness.entries(h.chunkStore()).size());
        assertEquals(12, h.streamState(CALL, CUSTOMER).firstRetainedSequence);
    }

    @Test
    void endOfStreamClassifiesAPartialLastWindowOfAtLeastOneSecondThenDeletesTheState() {
        TopologyHarness h = start(TopologySettings.defaults());
        float[] signal = tone(16000 * 9 / 2, 0.8f, 16000); // 4.5 s
        List<AudioChunk> chunks = split(CALL, CUSTOMER, 16000, signal, 8000, true);
        // The end-of-stream chunk overtakes its predecessor: the stream ends only once both are in.
        for (int i = 0; i < 7; i++) {
            h.send(chunks.get(i));
        }
        h.send(chunks.get(8));
        assertEquals(1, h.events.getQueueSize());
        h.send(chunks.get(7));

        List<EmotionEvent> events = h.events.readValuesToList();
        assertEquals(2, events.size());
        EmotionEvent partial = events.get(1);
        assertEquals(1, partial.getWindowIndex());
        assertEquals(3000, partial.getWindowStartOffsetMs());
        assertEquals(4500, partial.getWindowEndOffsetMs());
        assertEquals(START.plusMillis(4500), partial.getWindowEndTime());
        float[] padded = classifier.calls().get(1).samples();
        assertEquals(48000, padded.length);
        assertArrayEquals(
                Arrays.copyOfRange(signal, 48000, 72000), Arrays.copyOfRange(padded, 0, 24000));
        assertArrayEquals(
                new float[24000], Arrays.copyOfRange(padded, 24000, 48000), "zero padding");

        List<CallEmotionStats> stats = h.stats.readValuesToList();
        assertEquals(2, stats.size(), "one update after the full window, then the final record");
        CallEmotionStats last = stats.get(1);
        assertTrue(last.getFinal$());
        assertEquals(2, last.getWindowsTotal());
        assertEquals(START.plusMillis(4500), last.getLastAudioTime());

        assertEquals(0, TopologyHarness.entries(h.chunkStore()).size(), "audio deleted");
        assertTrue(h.streamState(CALL, CUSTOMER).ended, "only the ended marker is left");
        assertEquals(1, TopologyHarness.entries(h.streamStore()).size());
        assertEquals(last, h.callStatsStore().get(CallStatsQuery.storeKey(CALL, CUSTOMER)));
        assertEquals(1, h.count(StreamMetrics.STREAMS_ENDED, "cause", "end_of_stream"));
        assertEquals(0, h.meters.find(StreamMetrics.ACTIVE_STREAMS).gauge().value());

        // A straggler after the end is dead-lettered as STREAM_ENDED, not the start of a new
        // stream.
        h.send(chunks.get(3));
        assertEquals("STREAM_ENDED", header(h.deadLetters.readRecord(), DeadLetters.REASON_HEADER));
        assertEquals(1, h.count(StreamMetrics.DEAD_LETTERS, "reason", "STREAM_ENDED"));
        assertTrue(h.events.isEmpty());

        // After another inactivity timeout the marker and the final stats are gone.
        h.advance(Duration.ofSeconds(31));
        assertEquals(0, TopologyHarness.entries(h.streamStore()).size());
        assertEquals(0, TopologyHarness.entries(h.callStatsStore()).size());
    }

    @Test
    void tailShorterThanOneSecondIsNotClassified() {
        TopologyHarness h = start(TopologySettings.defaults());
        split(CALL, CUSTOMER, 16000, tone(16000 * 7 / 2, 0.8f, 16000), 8000, true)
                .forEach(h::send); // 3.5 s
        assertEquals(1, h.events.readValuesToList().size());
        List<CallEmotionStats> stats = h.stats.readValuesToList();
        assertTrue(stats.get(stats.size() - 1).getFinal$());
        assertEquals(1, stats.get(stats.size() - 1).getWindowsTotal());
    }

    @Test
    void inactivityTimeoutEndsTheStream() {
        TopologyHarness h = start(TopologySettings.defaults());
        split(CALL, CUSTOMER, 16000, tone(2 * 16000, 0.1f, 16000), 8000, false).forEach(h::send);
        h.advance(Duration.ofSeconds(29));
        assertTrue(h.events.isEmpty());
        h.advance(Duration.ofSeconds(1));

        EmotionEvent event = h.events.readValue();
        assertEquals("sad", event.getLabel());
        assertEquals(2000, event.getWindowEndOffsetMs());
        assertEquals(START.plusSeconds(30), event.getProcessedAt());
        CallEmotionStats fin = h.stats.readValue();
        assertTrue(fin.getFinal$());
        assertEquals(1, fin.getWindowsTotal());
        assertEquals(START.plusSeconds(30), fin.getUpdatedAt());
        assertEquals(0, TopologyHarness.entries(h.chunkStore()).size());
        assertEquals(1, h.count(StreamMetrics.STREAMS_ENDED, "cause", "inactivity"));
    }

    @Test
    void aStallBeforeATakeoverIsNotSilence() {
        // The first owner reads 2 s of a call, then dies (no more input, no end of stream).
        List<AudioChunk> chunks =
                split(CALL, CUSTOMER, 16000, tone(4 * 16000, 0.1f, 16000), 8000, false);
        TopologyHarness first =
                new TopologyHarness(
                        TopologySettings.defaults(), classifier, stateDir.resolve("first"));
        chunks.subList(0, 4).forEach(first::send);

        // The next owner gets that state two inactivity timeouts later (a session timeout, a start,
        // a
        // restore), and a punctuation runs before it reads the backlog.
        Duration timeout = TopologySettings.defaults().inactivityTimeout();
        TopologyHarness h =
                new TopologyHarness(
                        TopologySettings.defaults(),
                        classifier,
                        stateDir.resolve("next"),
                        START.plus(timeout.multipliedBy(2)));
        harness = h;
        first.handOverStateTo(h);
        first.close();
        assertEquals(1, TopologyHarness.entries(h.streamStore()).size());
        h.advance(Duration.ofSeconds(1));
        assertEquals(0, h.count(StreamMetrics.STREAMS_ENDED, "cause", "inactivity"));

        // The backlog continues the same stream: nothing dead-lettered, no gap.
        chunks.subList(4, 8).forEach(h::send);
        assertTrue(h.deadLetters.isEmpty(), "no chunk of the call is rejected as late");
        assertEquals(3000, h.events.readValue().getWindowEndOffsetMs());

        // Silence after the takeover still ends the stream, one timeout after its last chunk.
        h.advance(timeout);
        assertEquals(1, h.count(StreamMetrics.STREAMS_ENDED, "cause", "inactivity"));
        List<CallEmotionStats> stats = h.stats.readValuesToList();
        CallEmotionStats fin = stats.get(stats.size() - 1);
        assertTrue(fin.getFinal$());
        assertEquals(0, fin.getGaps());
        assertEquals(1 + h.events.readValuesToList().size(), fin.getWindowsTotal());
    }

    @Test
    void stereoChunksAreSplitIntoOneStreamPerSpeaker() {
        TopologyHarness h = start(TopologySettings.defaults());
        int rate = 8000;
        float[] loud = tone(3 * rate, 0.8f, rate);
        float[] quiet = tone(3 * rate, 0.1f, rate);
        for (int seq = 0; seq < 6; seq++) {
            int from = seq * 4000;
            float[][] channels = {
                Arrays.copyOfRange(loud, from, from + 4000),
                Arrays.copyOfRange(quiet, from, from + 4000)
            };
            h.send(
                    stereo(
                            "layout-call",
                            seq,
                            rate,
                            channels,
                            List.of(SpeakerRole.AGENT, SpeakerRole.CUSTOMER)));
            h.send(stereo("default-call", seq, rate, channels, null));
        }
        Map<String, String> labels = new java.util.TreeMap<>();
        for (EmotionEvent e : h.events.readValuesToList()) {
            labels.put(e.getCallId() + "/" + e.getSpeaker(), e.getLabel());
        }
        assertEquals(
                Map.of(
                        "layout-call/AGENT",
                        "angry",
                        "layout-call/CUSTOMER",
                        "sad",
                        "default-call/CUSTOMER",
                        "angry",
                        "default-call/AGENT",
                        "sad"),
                labels);
        CallStatsQuery query = new CallStatsQuery(h.callStatsStore());
        assertEquals(List.of("default-call", "layout-call"), List.copyOf(query.callIds()));
        assertEquals(
                List.of(SpeakerRole.AGENT, SpeakerRole.CUSTOMER),
                query.stats("layout-call").stream().map(CallEmotionStats::getSpeaker).toList());
        assertEquals(
                "sad",
                query.stats("layout-call", SpeakerRole.CUSTOMER).orElseThrow().getDominantLabel());
        assertEquals(4, h.meters.find(StreamMetrics.ACTIVE_STREAMS).gauge().value());
    }

    static AudioChunk stereo(
            String callId, long seq, int rate, float[][] channels, List<SpeakerRole> layout) {
        return AudioChunk.newBuilder()
                .setCallId(callId)
                .setChannelLayout(layout)
                .setSequence(seq)
                .setCaptureTimestamp(START.plusMillis(seq * channels[0].length * 1000L / rate))
                .setSampleRate(rate)
                .setEncoding(io.emostream.avro.AudioEncoding.FLOAT32LE)
                .setChannelCount(2)
                .setAudio(ByteBuffer.wrap(SampleEncoder.encode(channels, SampleEncoding.FLOAT32LE)))
                .build();
    }

    @Test
    void statisticsTrackLabelsValenceTrendAndEscalation() {
        TopologyHarness h =
                start(
                        TopologySettings.defaults().toBuilder()
                                .window(Duration.ofSeconds(1), Duration.ofSeconds(1))
                                .build());
        int rate = 8000;
        // One 1-second window each: angry, angry, silence, angry, happy, neutral.
        float[] signal =
                concat(
                        tone(rate, 0.8f, rate),
                        tone(rate, 0.8f, rate),
                        new float[rate],
                        tone(rate, 0.8f, rate),
                        tone(rate, 0.42f, rate),
                        tone(rate, 0.2f, rate));
        split(CALL, CUSTOMER, rate, signal, rate, true).forEach(h::send);

        List<String> labels =
                h.events.readValuesToList().stream().map(EmotionEvent::getLabel).toList();
        assertEquals(List.of("angry", "angry", "no_speech", "angry", "happy", "neutral"), labels);
        List<CallEmotionStats> stats = h.stats.readValuesToList();
        assertEquals(7, stats.size(), "one per window plus the final record");
        assertFalse(stats.get(1).getEscalation(), "2 angry windows are not enough");
        assertFalse(
                stats.get(2).getEscalation(),
                "a window without speech neither counts nor breaks the run");
        assertTrue(stats.get(3).getEscalation());
        assertEquals(0L, stats.get(3).getEscalationWindowIndex());
        assertFalse(stats.get(4).getEscalation(), "a happy window ends it");
        assertEquals(
                0L, stats.get(4).getEscalationWindowIndex(), "index of the last escalation stays");

        CallEmotionStats fin = stats.get(6);
        assertTrue(fin.getFinal$());
        assertEquals(6, fin.getWindowsTotal());
        assertEquals(5, fin.getWindowsWithSpeech());
        assertEquals(
                Map.of("angry", 3L, "happy", 1L, "neutral", 1L, "sad", 0L), fin.getLabelCounts());
        assertEquals(0.6f, fin.getLabelSpeechShare().get("angry"), 1e-4);
        assertEquals(0.2f, fin.getLabelSpeechShare().get("happy"), 1e-4);
        assertEquals(0f, fin.getLabelSpeechShare().get("sad"), 1e-6);
        assertEquals(
                (0.8f * 3 + 0.1f + 0.4f / 3) / 5, fin.getMeanProbabilities().get("angry"), 1e-4);
        assertEquals("angry", fin.getDominantLabel());
        assertEquals(-0.22f, fin.getMeanValence(), 1e-5);
        assertEquals((0.8f * 3 + 0.5f) / 5, fin.getMeanArousal(), 1e-5);
        assertEquals(
                List.of("angry", "no_speech", "angry", "happy", "neutral"), fin.getRecentLabels());
        // Least squares over (window, valence) = (0,-0.6) (1,-0.6) (3,-0.6) (4,0.7) (5,0): slope
        // 3.26 / 17.2.
        assertEquals(3.26f / 17.2f, fin.getValenceTrend(), 1e-5);
        assertFalse(fin.getEscalation());
        assertEquals(0L, fin.getEscalationWindowIndex());
        assertNull(stats.get(0).getValenceTrend(), "no slope from one point");
    }

    @Test
    void sampleRateChangeWithinAStreamIsDeadLettered() {
        TopologyHarness h = start(TopologySettings.defaults());
        h.send(mono(CALL, CUSTOMER, 0, 8000, tone(800, 0.5f, 8000), 0).build());
        AudioChunk other = mono(CALL, CUSTOMER, 1, 16000, tone(1600, 0.5f, 16000), 1600).build();
        h.send(other);
        TestRecord<byte[], byte[]> dead = h.deadLetters.readRecord();
        assertEquals("SAMPLE_RATE_CHANGED", header(dead, DeadLetters.REASON_HEADER));
        assertArrayEquals(h.encode(other), dead.value());
        assertEquals(1, h.streamState(CALL, CUSTOMER).sequencing.nextSequence());
    }

    @Test
    void anAbsurdSequenceJumpIsFilledWithAtMostTheInactivityTimeoutOfSilence() {
        TopologyHarness h = start(TopologySettings.defaults());
        h.send(mono(CALL, CUSTOMER, 1_000_000, 8000, tone(4000, 0.8f, 8000), 0).build());
        h.advance(Duration.ofSeconds(2));
        List<EmotionEvent> events = h.events.readValuesToList();
        assertEquals(10, events.size(), "30 s of silence = 10 windows of 3 s");
        assertTrue(events.stream().noneMatch(EmotionEvent::getSpeech));
        assertTrue(classifier.calls().isEmpty(), "gap silence is not classified");
        SpeakerStreamState state = h.streamState(CALL, CUSTOMER);
        assertEquals(1_000_000, state.sequencing.gaps());
        assertEquals(30_000, state.sequencing.gapFillMs());
        assertEquals(1_000_001, state.sequencing.nextSequence());
        assertEquals(30 * 8000 + 4000, state.sequencing.contiguousSamples());
        assertEquals(
                1, TopologyHarness.entries(h.chunkStore()).size(), "only the real chunk is left");
        // The silence ends where the real chunk begins.
        assertEquals(START.minusSeconds(30), events.get(0).getWindowStartTime());
    }
}
