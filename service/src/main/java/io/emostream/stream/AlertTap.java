package io.emostream.stream;

import io.emostream.avro.AlertEvent;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Sits between the windower and one of its output sinks: passes every record on to {@code topicSink} unchanged,
 * then feeds it to the {@link AlertRules} and forwards the resulting {@code AlertEvent}s to the alerts sink. It
 * runs inside the windower's task, so the alerts are part of the same exactly-once transaction as the window
 * that raised them. Two instances (one per output) share the call's state in the alert state store; it is deleted
 * once every speaker of the call has sent its final statistics.
 */
final class AlertTap implements Processor<Object, Object, Object, Object> {

    private final String topicSink;
    private final String alertsSink;
    private final String storeName;
    private final AlertRules rules;
    private final Clock clock;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, byte[]> store;

    AlertTap(String topicSink, String alertsSink, String storeName, AlertRules rules, Clock clock) {
        this.topicSink = topicSink;
        this.alertsSink = alertsSink;
        this.storeName = storeName;
        this.rules = rules;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<Object, Object> record) {
        context.forward(record, topicSink);
        String callId = (String) record.key();
        AlertState state = AlertState.decode(store.get(callId));
        List<AlertEvent> alerts;
        if (record.value() instanceof EmotionEvent event) {
            alerts = rules.onEvent(state, event, clock.millis());
        } else if (record.value() instanceof CallEmotionStats stats) {
            alerts = rules.onStats(state, stats, clock.millis());
        } else {
            throw new IllegalStateException(
                    "alert tap got a " + record.value().getClass().getName());
        }
        if (state.allEnded()) {
            store.delete(callId);
        } else {
            store.put(callId, state.encode());
        }
        for (AlertEvent alert : alerts) {
            context.forward(
                    new Record<Object, Object>(callId, alert, record.timestamp()), alertsSink);
        }
    }
}
