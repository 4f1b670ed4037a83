package io.emostream.local;

import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import io.emostream.serde.AvroWireDeserializer;
import io.emostream.serde.AvroWireSerdeConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the service's output topics (emotion events and call statistics) with {@code isolation.level=read_committed},
 * so only records of committed Kafka Streams transactions are seen, as a downstream consumer would see them. It
 * assigns all partitions itself (no consumer group) starting at the current end, so only new output is read.
 */
public final class OutputReader implements AutoCloseable {

    private final KafkaConsumer<String, Object> consumer;

    public OutputReader(
            String bootstrap, String registryUrl, List<String> topics, boolean fromBeginning) {
        this(bootstrap, registryUrl, topics, fromBeginning, Map.of());
    }

    /**
     * As {@link #OutputReader(String, String, List, boolean)}, with extra client properties on top (Kafka security
     * settings, the registry's {@code basic.auth.user.info} and {@code schema.registry.ssl.truststore.*}).
     */
    public OutputReader(
            String bootstrap,
            String registryUrl,
            List<String> topics,
            boolean fromBeginning,
            Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroWireDeserializer.class);
        config.put(AvroWireSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
        config.put(AvroWireSerdeConfig.SPECIFIC_AVRO_READER, true);
        config.putAll(extra);
        consumer = new KafkaConsumer<>(config);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException(
                        "Topic " + topic + " does not exist on " + bootstrap);
            }
            infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        partitions.forEach(
                consumer::position); // resolve the start offsets now, before anything is produced
    }

    /** Polls once and hands every event and statistics record to the callbacks; returns the records read. */
    public int poll(
            Duration timeout, Consumer<EmotionEvent> onEvent, Consumer<CallEmotionStats> onStats) {
        int count = 0;
        for (ConsumerRecord<String, Object> record : consumer.poll(timeout)) {
            count++;
            if (record.value() instanceof EmotionEvent event) {
                onEvent.accept(event);
            } else if (record.value() instanceof CallEmotionStats stats) {
                onStats.accept(stats);
            }
        }
        return count;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
