package io.emostream.stream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Builds dead letters: the original key, value, timestamp and headers, plus headers that say why and where from.
 * Existing {@code emostream.dlq.*} headers (from a re-processed dead letter) are replaced.
 *
 * <p>Every dead letter stays within {@link TopologySettings#maxRecordBytes()} (estimated as Kafka does: key, value,
 * header keys and values, and per-field overhead), so that a huge rejected record cannot fail the producer with
 * {@code RecordTooLargeException}. What does not fit is cut, in this order, and each cut is said in a header: the
 * value is truncated ({@value #TRUNCATED_HEADER} = the original value size in bytes), then the original headers are
 * dropped ({@value #HEADERS_DROPPED_HEADER} = how many), then the key is truncated
 * ({@value #KEY_TRUNCATED_HEADER} = the original key size). The message header is at most
 * {@value #MAX_MESSAGE_CHARS} characters.
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
    static final String TRUNCATED_HEADER = "emostream.dlq.truncated";
    static final String HEADERS_DROPPED_HEADER = "emostream.dlq.headers.dropped";
    static final String KEY_TRUNCATED_HEADER = "emostream.dlq.key.truncated";

    /** Class name of the exception of a {@link DeadLetterReason#PROCESSING_FAILED} or {@code STATE_UNREADABLE}. */
    static final String EXCEPTION_HEADER = "emostream.dlq.exception";

    /** Store whose entry a {@link DeadLetterReason#STATE_UNREADABLE} dead letter holds. */
    static final String STORE_HEADER = "emostream.dlq.store";

    static final int MAX_MESSAGE_CHARS = 2000;

    /** Estimated bytes of a record besides key, value and headers (batch header, lengths, attributes). */
    static final int RECORD_OVERHEAD = 128;

    /** Estimated bytes per header besides its key and value (two varint lengths). */
    static final int HEADER_OVERHEAD = 10;

    private final StreamMetrics metrics;
    private final int maxRecordBytes;

    DeadLetters(StreamMetrics metrics, int maxRecordBytes) {
        this.metrics = metrics;
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * Forwards {@code original} to the dead-letter sink. Must be called while processing {@code original}, so that
     * the context's record metadata is that of the original record.
     */
    void send(
            ProcessorContext<?, ?> context,
            Record<byte[], byte[]> original,
            DeadLetterReason reason,
            String message) {
        send(context, original, reason, message, null, null);
    }

    /**
     * As {@link #send(ProcessorContext, Record, DeadLetterReason, String)} for a failure: {@value #EXCEPTION_HEADER}
     * names the exception's class, the message header ends with the exception's message; {@code store}, if not
     * null, goes to {@value #STORE_HEADER}.
     */
    void send(
            ProcessorContext<?, ?> context,
            Record<byte[], byte[]> original,
            DeadLetterReason reason,
            String message,
            Throwable exception,
            String store) {
        Optional<RecordMetadata> source = context.recordMetadata();
        Headers own = new RecordHeaders();
        own.add(REASON_HEADER, utf8(reason.name()));
        if (exception != null) {
            own.add(EXCEPTION_HEADER, utf8(exception.getClass().getName()));
            message =
                    message
                            + ": "
                            + exception.getClass().getSimpleName()
                            + ": "
                            + exception.getMessage();
        }
        if (store != null) {
            own.add(STORE_HEADER, utf8(store));
        }
        own.add(
                MESSAGE_HEADER,
                utf8(
                        message.length() > MAX_MESSAGE_CHARS
                                ? message.substring(0, MAX_MESSAGE_CHARS) + "..."
                                : message));
        own.add(TOPIC_HEADER, utf8(source.map(RecordMetadata::topic).orElse("")));
        own.add(
                PARTITION_HEADER,
                utf8(String.valueOf(source.map(RecordMetadata::partition).orElse(-1))));
        own.add(
                OFFSET_HEADER,
                utf8(String.valueOf(source.map(RecordMetadata::offset).orElse(-1L))));
        own.add(TIMESTAMP_HEADER, utf8(String.valueOf(original.timestamp())));
        List<Header> kept = new ArrayList<>();
        for (Header h : original.headers()) {
            if (!h.key().startsWith(PREFIX)) {
                kept.add(h);
            }
        }
        byte[] key = original.key();
        byte[] value = original.value();
        // Room for the size headers that may be added below (three short headers).
        long budget = maxRecordBytes - RECORD_OVERHEAD - 3L * (HEADER_OVERHEAD + 40) - sizeOf(own);
        long keptBytes = sizeOf(kept);
        long keyBytes = key == null ? 0 : key.length;
        long valueBytes = value == null ? 0 : value.length;
        if (keyBytes + valueBytes + keptBytes > budget && value != null) {
            int fits = (int) Math.max(0, Math.min(value.length, budget - keyBytes - keptBytes));
            own.add(TRUNCATED_HEADER, utf8(String.valueOf(value.length)));
            value = Arrays.copyOf(value, fits);
            valueBytes = fits;
        }
        int dropped = 0;
        while (keyBytes + valueBytes + keptBytes > budget && !kept.isEmpty()) {
            Header last = kept.remove(kept.size() - 1);
            keptBytes -= sizeOf(last);
            dropped++;
        }
        if (dropped > 0) {
            own.add(HEADERS_DROPPED_HEADER, utf8(String.valueOf(dropped)));
        }
        if (keyBytes + valueBytes + keptBytes > budget && key != null) {
            int fits = (int) Math.max(0, Math.min(key.length, budget - valueBytes - keptBytes));
            own.add(KEY_TRUNCATED_HEADER, utf8(String.valueOf(key.length)));
            key = Arrays.copyOf(key, fits);
        }
        Headers headers = new RecordHeaders();
        kept.forEach(headers::add);
        own.forEach(headers::add);
        @SuppressWarnings("unchecked")
        ProcessorContext<Object, Object> forwarder = (ProcessorContext<Object, Object>) context;
        forwarder.forward(
                new Record<Object, Object>(key, value, original.timestamp(), headers), SINK);
        metrics.deadLetter(reason);
    }

    private static long sizeOf(Iterable<Header> headers) {
        long n = 0;
        for (Header h : headers) {
            n += sizeOf(h);
        }
        return n;
    }

    private static long sizeOf(Header h) {
        return HEADER_OVERHEAD
                + h.key().getBytes(StandardCharsets.UTF_8).length
                + (h.value() == null ? 0 : h.value().length);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
