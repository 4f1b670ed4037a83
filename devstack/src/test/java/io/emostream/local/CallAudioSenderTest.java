package io.emostream.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.avro.AudioChunk;
import io.emostream.avro.AudioEncoding;
import io.emostream.avro.SpeakerRole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link CallAudioSender#sendAll}: one thread paces many calls. Kafka's own {@code MockProducer} stands in for the
 * broker here (what is tested is the pacing and the bookkeeping, not delivery); the benches that use it run
 * against the real broker.
 */
class CallAudioSenderTest {

    private static final Serializer<AudioChunk> NO_BYTES = (topic, chunk) -> new byte[0];
    private static final Duration CHUNK = Duration.ofMillis(100);

    @Test
    void sendAllPacesEveryCallInRealTimeFromTheCallingThreadInOrder() throws Exception {
        MockProducer<String, AudioChunk> producer =
                new MockProducer<>(true, null, new StringSerializer(), NO_BYTES);
        CallAudioSender sender = new CallAudioSender(producer, "audio", CHUNK, false);
        List<CallAudioSender.CallStream> calls = List.of(call("a"), call("b"), call("c"));
        Duration stagger = Duration.ofMillis(90);
        Map<String, long[]> sentAt = new ConcurrentHashMap<>();
        List<Thread> senderThreads = new ArrayList<>();
        long origin = System.nanoTime();

        long chunks =
                sender.sendAll(
                        calls,
                        stagger,
                        call -> {
                            long[] times = sentAt.computeIfAbsent(call.callId(), id -> new long[3]);
                            return sequence -> {
                                times[(int) sequence] = System.nanoTime();
                                senderThreads.add(Thread.currentThread());
                            };
                        });

        assertEquals(9, chunks, "three calls of 0.3 s in 100-ms chunks");
        assertTrue(senderThreads.stream().allMatch(t -> t == Thread.currentThread()));
        for (int i = 0; i < calls.size(); i++) {
            String id = calls.get(i).callId();
            List<AudioChunk> sent =
                    producer.history().stream()
                            .filter(r -> r.key().equals(id))
                            .map(ProducerRecord::value)
                            .toList();
            assertEquals(List.of(0L, 1L, 2L), sent.stream().map(AudioChunk::getSequence).toList());
            assertEquals(
                    List.of(false, false, true),
                    sent.stream().map(AudioChunk::getEndOfStream).toList());
            assertEquals(
                    100,
                    Duration.between(
                                    sent.get(0).getCaptureTimestamp(),
                                    sent.get(1).getCaptureTimestamp())
                            .toMillis());
            // never ahead of real time: call i starts i/3 of the stagger late, and chunk k leaves
            // once its
            // last sample would have been captured, (k + 1) x 100 ms after the call's start
            long[] times = sentAt.get(id);
            for (int k = 0; k < 3; k++) {
                long earliest = stagger.toNanos() * i / 3 + (k + 1) * CHUNK.toNanos();
                assertTrue(
                        times[k] - origin >= earliest,
                        id + " chunk " + k + " left " + (times[k] - origin) / 1e6 + " ms in");
            }
        }
        assertTrue(producer.flushed());
    }

    @Test
    void aChunkTheProducerCouldNotDeliverFailsTheSendNamingIt() {
        RuntimeException gone = new RuntimeException("broker gone");
        MockProducer<String, AudioChunk> producer =
                new MockProducer<>(false, null, new StringSerializer(), NO_BYTES) {
                    @Override
                    public synchronized void flush() {
                        errorNext(gone); // the oldest send: call a's chunk 0
                        super.flush();
                    }
                };
        CallAudioSender sender = new CallAudioSender(producer, "audio", CHUNK, true);
        IllegalStateException e =
                assertThrows(
                        IllegalStateException.class,
                        () -> sender.sendAll(List.of(call("a")), Duration.ZERO, call -> s -> {}));
        assertTrue(
                e.getMessage().contains("Call a: 1 of 3 chunks could not be sent to audio")
                        && e.getMessage().contains("chunk 0: " + gone),
                e.getMessage());
        assertEquals(3, producer.history().size());
    }

    private static CallAudioSender.CallStream call(String id) {
        return new CallAudioSender.CallStream(
                id,
                List.of(SpeakerRole.CUSTOMER),
                8000,
                AudioEncoding.PCM16LE,
                new float[][] {new float[2400]});
    }
}
