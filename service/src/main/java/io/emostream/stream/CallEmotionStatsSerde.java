package io.emostream.stream;

import io.emostream.avro.CallEmotionStats;
import io.emostream.serde.AvroWireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Value serde of the call-stats store: plain Avro binary of {@link CallEmotionStats} with the schema compiled into
 * this build (schemas/CallEmotionStats.avsc), no wire-format header and no registry, because the store and its
 * changelog are private to this application.
 */
public final class CallEmotionStatsSerde implements Serde<CallEmotionStats> {

    @Override
    public Serializer<CallEmotionStats> serializer() {
        SpecificDatumWriter<CallEmotionStats> writer =
                new SpecificDatumWriter<>(
                        CallEmotionStats.getClassSchema(),
                        AvroWireFormat.modelOf(CallEmotionStats.class));
        return (topic, stats) -> {
            if (stats == null) {
                return null;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
            try {
                writer.write(stats, encoder);
                encoder.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        };
    }

    @Override
    public Deserializer<CallEmotionStats> deserializer() {
        SpecificDatumReader<CallEmotionStats> reader =
                new SpecificDatumReader<>(
                        CallEmotionStats.getClassSchema(),
                        CallEmotionStats.getClassSchema(),
                        AvroWireFormat.modelOf(CallEmotionStats.class));
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, null);
            try {
                return reader.read(null, decoder);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException(
                        "call-stats store: cannot decode CallEmotionStats of "
                                + data.length
                                + " bytes",
                        e);
            }
        };
    }
}
