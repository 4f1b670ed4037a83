package io.emostream.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.avro.AudioChunk;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * Hostile record 5 and its relatives: lengths and counts read from the Avro body are checked against the bytes that
 * remain before anything is allocated (Avro's own decoder allocates the declared length first: a 16-byte record
 * declaring a 2,000,000,000-byte callId was an OutOfMemoryError that crash-looped the service).
 */
class BoundedLengthTest {

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroWireFormat wireFormat = new AvroWireFormat(registry);

    /** Zig-zag varint of {@code value}, as Avro writes an int or long. */
    static byte[] varint(long value) {
        long zigzag = (value << 1) ^ (value >> 63);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((zigzag & ~0x7fL) != 0) {
            out.write((int) ((zigzag & 0x7f) | 0x80));
            zigzag >>>= 7;
        }
        out.write((int) zigzag);
        return out.toByteArray();
    }

    static byte[] payload(int schemaId, byte[]... parts) {
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        buffer.put((byte) 0).putInt(schemaId);
        for (byte[] part : parts) {
            buffer.put(part);
        }
        byte[] out = new byte[buffer.position()];
        buffer.flip().get(out);
        return out;
    }

    @Test
    void sixteenBytesDeclaringATwoGigabyteCallIdFailFastAsTruncated() {
        int id = registry.register("call-audio-value", AudioChunk.getClassSchema());
        byte[] record =
                payload(id, varint(2_000_000_000L), new byte[] {'c', 'a', 'l', 'l', '-', '1'});
        assertEquals(16, record.length);

        long before = usedHeap();
        WireFormatException e =
                assertThrows(
                        WireFormatException.class,
                        () -> wireFormat.decode(record, AudioChunk.class));
        assertEquals(WireFormatError.TRUNCATED, e.error());
        assertTrue(
                e.getMessage().contains("string of 2000000000 bytes but only 6 bytes remain"),
                e.getMessage());
        assertTrue(usedHeap() - before < 64L << 20, "nothing of the declared size was allocated");
    }

    @Test
    void aBytesValueLongerThanTheRecordFailsFast() {
        Schema schema =
                new Schema.Parser()
                        .parse(
                                "{\"type\":\"record\",\"name\":\"B\",\"fields\":["
                                        + "{\"name\":\"audio\",\"type\":\"bytes\"}]}");
        int id = registry.register("b-value", schema);
        WireFormatException e =
                assertThrows(
                        WireFormatException.class,
                        () ->
                                wireFormat.decodeGeneric(
                                        payload(
                                                id,
                                                varint(Integer.MAX_VALUE - 8L),
                                                new byte[] {1, 2})));
        assertEquals(WireFormatError.TRUNCATED, e.error());
        assertTrue(e.getMessage().contains("bytes value of 2147483639 bytes"), e.getMessage());

        WireFormatException negative =
                assertThrows(
                        WireFormatException.class,
                        () -> wireFormat.decodeGeneric(payload(id, varint(-5), new byte[] {1, 2})));
        assertEquals(WireFormatError.UNDECODABLE, negative.error());
    }

    @Test
    void arrayAndMapBlocksOfMoreItemsThanBytesFailFast() {
        Schema array =
                new Schema.Parser()
                        .parse(
                                "{\"type\":\"record\",\"name\":\"A\",\"fields\":["
                                        + "{\"name\":\"xs\",\"type\":{\"type\":\"array\",\"items\":\"int\"}}]}");
        Schema map =
                new Schema.Parser()
                        .parse(
                                "{\"type\":\"record\",\"name\":\"M\",\"fields\":["
                                        + "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"int\"}}]}");
        int arrayId = registry.register("a-value", array);
        int mapId = registry.register("m-value", map);
        for (byte[] record :
                new byte[][] {
                    payload(arrayId, varint(1_500_000_000L), new byte[] {2, 4}),
                    payload(
                            arrayId,
                            varint(-1_500_000_000L),
                            varint(3),
                            new byte[] {2, 4}), // block with a byte size
                    payload(mapId, varint(1_500_000_000L), new byte[] {2, 'k', 4})
                }) {
            WireFormatException e =
                    assertThrows(WireFormatException.class, () -> wireFormat.decodeGeneric(record));
            assertEquals(WireFormatError.TRUNCATED, e.error());
            assertTrue(e.getMessage().contains("block of 1500000000"), e.getMessage());
        }
        // Legal blocks still decode, including one with a byte size (negative count).
        GenericRecord ok =
                (GenericRecord)
                        wireFormat.decodeGeneric(
                                payload(
                                        arrayId,
                                        varint(-2),
                                        varint(2),
                                        varint(7),
                                        varint(-3),
                                        varint(0)));
        assertEquals(java.util.List.of(7, -3), ok.get("xs"));
    }

    @Test
    void skippedWriterFieldsOfEveryLengthPrefixedTypeStayAligned() throws java.io.IOException {
        Schema writer =
                new Schema.Parser()
                        .parse(
                                "{\"type\":\"record\",\"name\":\"S\",\"fields\":["
                                        + "{\"name\":\"s\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"bytes\"},"
                                        + "{\"name\":\"f\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":3}},"
                                        + "{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},"
                                        + "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"string\"}},"
                                        + "{\"name\":\"d\",\"type\":\"double\"},{\"name\":\"keep\",\"type\":\"string\"}]}");
        Schema reader =
                new Schema.Parser()
                        .parse(
                                "{\"type\":\"record\",\"name\":\"S\",\"fields\":["
                                        + "{\"name\":\"keep\",\"type\":\"string\"}]}");
        org.apache.avro.generic.GenericData.Record record =
                new org.apache.avro.generic.GenericData.Record(writer);
        record.put("s", "skip me");
        record.put("b", ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
        record.put(
                "f",
                new org.apache.avro.generic.GenericData.Fixed(
                        writer.getField("f").schema(), new byte[] {7, 8, 9}));
        record.put("a", java.util.List.of("x", "yz"));
        record.put("m", java.util.Map.of("ptime", "20"));
        record.put("d", 2.5);
        record.put("keep", "kept");
        int writerId = registry.register("s-value", writer);
        byte[] bytes = AvroWireFormat.encode(writerId, writer, record);
        GenericRecord asWritten = (GenericRecord) wireFormat.decodeGeneric(bytes);
        assertEquals(2.5, asWritten.get("d"));
        assertEquals("kept", asWritten.get("keep").toString());
        // Resolved against a reader that skips all but the last field.
        Object read =
                new org.apache.avro.generic.GenericDatumReader<Object>(writer, reader)
                        .read(null, new BoundedBinaryDecoder(bytes, 5, bytes.length - 5));
        assertEquals("kept", ((GenericRecord) read).get("keep").toString());
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
