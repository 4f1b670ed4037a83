package io.emostream.serde;

import io.emostream.avro.AudioChunk;
import io.emostream.avro.AudioEncoding;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import io.emostream.avro.SpeakerRole;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small, fully populated records for serde tests; audio bytes come from a seeded generator. */
public final class SampleRecords {

    private static final Instant T0 = Instant.ofEpochMilli(1_763_776_800_000L);

    private SampleRecords() {}

    /** 20 ms of 8 kHz PCM16 stereo noise, chunk {@code sequence} of call {@code callId}. */
    public static AudioChunk audioChunk(String callId, long sequence) {
        byte[] audio = new byte[8000 / 50 * 2 * 2];
        new Random(42 + sequence).nextBytes(audio);
        return AudioChunk.newBuilder()
                .setCallId(callId)
                .setSpeaker(SpeakerRole.UNKNOWN)
                .setChannelLayout(List.of(SpeakerRole.AGENT, SpeakerRole.CUSTOMER))
                .setSequence(sequence)
                .setCaptureTimestamp(T0.plusMillis(20 * sequence))
                .setSampleRate(8000)
                .setEncoding(AudioEncoding.PCM16LE)
                .setChannelCount(2)
                .setAudio(ByteBuffer.wrap(audio))
                .setEndOfStream(false)
                .build();
    }

    public static EmotionEvent emotionEvent(String callId) {
        return EmotionEvent.newBuilder()
                .setCallId(callId)
                .setSpeaker(SpeakerRole.CUSTOMER)
                .setWindowIndex(3)
                .setWindowStartOffsetMs(9000)
                .setWindowEndOffsetMs(12000)
                .setWindowStartTime(T0.plusMillis(9000))
                .setWindowEndTime(T0.plusMillis(12000))
                .setSpeech(true)
                .setLabel("angry")
                .setConfidence(0.71f)
                .setProbabilities(
                        Map.of("angry", 0.71f, "happy", 0.04f, "neutral", 0.2f, "sad", 0.05f))
                .setValence(-0.6f)
                .setArousal(0.7f)
                .setSpeechRatio(0.83f)
                .setModelId("emostream-cnn")
                .setModelVersion("1")
                .setProcessedAt(T0.plusMillis(12_150))
                .build();
    }

    public static io.emostream.avro.AlertEvent alertEvent(String callId) {
        return io.emostream.avro.AlertEvent.newBuilder()
                .setCallId(callId)
                .setSpeaker(SpeakerRole.CUSTOMER)
                .setType(io.emostream.avro.AlertType.ESCALATION_STARTED)
                .setFromWindowIndex(2)
                .setToWindowIndex(4)
                .setWindowStartOffsetMs(6000)
                .setWindowEndOffsetMs(15000)
                .setWindowStartTime(T0.plusMillis(6000))
                .setWindowEndTime(T0.plusMillis(15000))
                .setValue(null)
                .setMessage("customer angry in 3 speech windows in a row (from window 2)")
                .setModelId("emostream-cnn")
                .setModelVersion("1")
                .setRaisedAt(T0.plusMillis(15_120))
                .build();
    }

    public static CallEmotionStats callEmotionStats(String callId) {
        return CallEmotionStats.newBuilder()
                .setCallId(callId)
                .setSpeaker(SpeakerRole.AGENT)
                .setFinal$(true)
                .setWindowsTotal(10)
                .setWindowsWithSpeech(8)
                .setLabelCounts(Map.of("neutral", 6L, "happy", 2L))
                .setLabelSpeechShare(Map.of("neutral", 0.75f, "happy", 0.25f))
                .setMeanProbabilities(
                        Map.of("neutral", 0.6f, "happy", 0.3f, "angry", 0.05f, "sad", 0.05f))
                .setDominantLabel("neutral")
                .setMeanValence(0.2f)
                .setMeanArousal(-0.1f)
                .setRecentLabels(List.of("neutral", "happy", "neutral"))
                .setValenceTrend(0.01f)
                .setEscalation(false)
                .setEscalationWindowIndex(null)
                .setGaps(1)
                .setGapFillMs(20)
                .setDuplicates(2)
                .setLateChunks(0)
                .setFirstAudioTime(T0)
                .setLastAudioTime(T0.plusMillis(30_000))
                .setUpdatedAt(T0.plusMillis(30_200))
                .build();
    }

    /** The record as a generic record of {@code schema}, via Avro schema resolution (new fields get defaults). */
    public static org.apache.avro.generic.GenericRecord readAs(
            org.apache.avro.specific.SpecificRecord record, org.apache.avro.Schema schema) {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            org.apache.avro.io.BinaryEncoder encoder =
                    org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
            new org.apache.avro.specific.SpecificDatumWriter<
                            org.apache.avro.specific.SpecificRecord>(record.getSchema())
                    .write(record, encoder);
            encoder.flush();
            return new org.apache.avro.generic.GenericDatumReader<
                            org.apache.avro.generic.GenericRecord>(record.getSchema(), schema)
                    .read(
                            null,
                            org.apache.avro.io.DecoderFactory.get()
                                    .binaryDecoder(out.toByteArray(), null));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
