package io.emostream.stream;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Builds dead letters: the original key, value, timestamp and headers, plus headers that say why and where from.
 * Existing {@code emostream.dlq.*} headers (from a re-processed dead letter) are replaced.
 */
final class DeadLetters {

    static final String SINK = "call-audio-dlq-sink";
    static final String PREFIX = "emostream.dlq.";
    static final String REASON_HEADER = "emostream.dlq.reason";
    static final String MESSAGE_HEADER = "emostream.dlq.message";
    static final String TOPIC_HEADER = "emostream.dlq.source.topic";
    static final String PARTITION_HEADER = "emostream.dlq.source.partition";
    static final String OFFSET_HEADER = "emostream.dlq.source.offset";
    static final String TIMESTAMP_HEADER = "emostream.dlq.source.timestamp";

    private final StreamMetrics metrics;

    DeadLetters(StreamMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Forwards {@code original} to the dead-letter sink. Must be called while processing {@code original}, so that
     * the context's record metadata is that of the original record.
     */
    void send(ProcessorContext<?, ?> context, Record<byte[], byte[]> original, DeadLetterReason reason, String message) {
        Optional<RecordMetadata> source = context.recordMetadata();
        Headers headers = new RecordHeaders();
        original.headers().forEach(h -> {
            if (!h.key().startsWith(PREFIX)) {
                headers.add(h);
            }
        });
        headers.add(REASON_HEADER, utf8(reason.name()));
        headers.add(MESSAGE_HEADER, utf8(message));
        headers.add(TOPIC_HEADER, utf8(source.map(RecordMetadata::topic).orElse("")));
        headers.add(PARTITION_HEADER, utf8(String.valueOf(source.map(RecordMetadata::partition).orElse(-1))));
        headers.add(OFFSET_HEADER, utf8(String.valueOf(source.map(RecordMetadata::offset).orElse(-1L))));
        headers.add(TIMESTAMP_HEADER, utf8(String.valueOf(original.timestamp())));
        @SuppressWarnings("unchecked")
        ProcessorContext<Object, Object> forwarder = (ProcessorContext<Object, Object>) context;
        forwarder.forward(new Record<Object, Object>(original.key(), original.value(), original.timestamp(), headers), SINK);
        metrics.deadLetter(reason);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
