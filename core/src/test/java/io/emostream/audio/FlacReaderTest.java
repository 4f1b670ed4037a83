package io.emostream.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlacReaderTest {

    static final Path CREMA_D = Path.of("/work/shared/data/crema-d/audio");

    @TempDir Path dir;

    @Test
    void tinyFixtureDecodesToTheSamplesOfItsWavOriginal() {
        // tone_stereo.flac was encoded by the flac CLI from tone_stereo.wav
        // (tools/make_golden_fixtures.py)
        PcmAudio flac = FlacReader.read(GoldenFixtures.path("tone_stereo.flac"));
        PcmAudio wav = WavReader.read(GoldenFixtures.path("tone_stereo.wav"));
        assertEquals(22050, flac.sampleRate());
        assertEquals(2, flac.channelCount());
        assertEquals(4410, flac.frames());
        assertArrayEquals(wav.channels()[0], flac.channels()[0]);
        assertArrayEquals(wav.channels()[1], flac.channels()[1]);
        assertEquals(
                flac.frames(), AudioFiles.read(GoldenFixtures.path("tone_stereo.flac")).frames());
    }

    @Test
    void truncatedOrGarbageFlacIsRejected() throws Exception {
        byte[] bytes = Files.readAllBytes(GoldenFixtures.path("tone_stereo.flac"));
        Path truncated = dir.resolve("cut.flac");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        AudioFormatException e =
                assertThrows(AudioFormatException.class, () -> FlacReader.read(truncated));
        assertTrue(e.getMessage().startsWith("FLAC file cut.flac: "), e.getMessage());
        Path garbage = dir.resolve("garbage.flac");
        Files.write(garbage, new byte[] {'f', 'L', 'a', 'C', 1, 2, 3});
        assertThrows(RuntimeException.class, () -> AudioFiles.read(garbage));
    }

    /**
     * Fuzzing finding (AudioParsersFuzzTest#flacReader, 2026-12-02): after the samples STREAMINFO declares, jFLAC
     * tried the same bad frame header forever, so any bytes after the last frame hung the decoder.
     */
    @Test
    void dataAfterTheLastFrameIsRejectedInsteadOfHanging() throws Exception {
        byte[] flac = Files.readAllBytes(GoldenFixtures.path("tone_stereo.flac"));
        int firstFrame = firstFrameOffset(flac);
        // the start of the first frame again, after the last one
        byte[] trailing = Arrays.copyOf(flac, flac.length + 64);
        System.arraycopy(flac, firstFrame, trailing, flac.length, 64);
        AudioFormatException e =
                assertTimeoutPreemptively(
                        Duration.ofSeconds(10),
                        () ->
                                assertThrows(
                                        AudioFormatException.class,
                                        () ->
                                                FlacReader.decode(
                                                        new ByteArrayInputStream(trailing),
                                                        "trailing.flac")));
        assertTrue(
                e.getMessage().startsWith("FLAC stream trailing.flac: corrupt stream"),
                e.getMessage());
    }

    /** jFLAC zeroes a frame whose CRC-16 does not match and carries on: silence in place of corrupt audio. */
    @Test
    void aFrameWhoseCrcDoesNotMatchIsRejected() throws Exception {
        byte[] flac = Files.readAllBytes(GoldenFixtures.path("tone_stereo.flac"));
        flac[flac.length - 1] ^= 0x01; // the last frame's CRC-16
        AudioFormatException e =
                assertThrows(
                        AudioFormatException.class,
                        () -> FlacReader.decode(new ByteArrayInputStream(flac), "crc.flac"));
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
    }

    /**
     * Fuzzing finding (2026-12-02): jFLAC allocates what a metadata block's header claims before it reads, 16 MB for
     * an unknown block, 2 GB for a Vorbis comment's vendor string, so a few bytes of header ran out the heap. Only
     * STREAMINFO reaches jFLAC now; other blocks are skipped as far as the input goes.
     */
    @Test
    void metadataClaimingMoreThanTheInputAllocatesNothing() throws Exception {
        byte[] flac = Files.readAllBytes(GoldenFixtures.path("tone_stereo.flac"));
        PcmAudio original = FlacReader.decode(new ByteArrayInputStream(flac), "tone_stereo.flac");
        // after STREAMINFO (not the last block): a Vorbis comment whose vendor string claims 2 GB
        byte[] vorbis = {
            4, 0, 0, 8, (byte) 0xF0, (byte) 0xFF, (byte) 0xFF, 0x7F, 'a', 'b', 'c', 'd'
        };
        byte[] claiming = new byte[flac.length + vorbis.length];
        System.arraycopy(flac, 0, claiming, 0, 42);
        System.arraycopy(vorbis, 0, claiming, 42, vorbis.length);
        System.arraycopy(flac, 42, claiming, 42 + vorbis.length, flac.length - 42);
        PcmAudio decoded =
                assertTimeoutPreemptively(
                        Duration.ofSeconds(10),
                        () -> FlacReader.decode(new ByteArrayInputStream(claiming), "vorbis.flac"));
        assertArrayEquals(original.channels()[0], decoded.channels()[0]);
        assertArrayEquals(original.channels()[1], decoded.channels()[1]);
        // an unknown block claiming 16 MB, and the input ends
        byte[] unknown = Arrays.copyOf(flac, 42 + 4 + 16);
        unknown[42] = 0x7E;
        unknown[43] = unknown[44] = unknown[45] = (byte) 0xFF;
        AudioFormatException e =
                assertThrows(
                        AudioFormatException.class,
                        () -> FlacReader.decode(new ByteArrayInputStream(unknown), "unknown.flac"));
        assertTrue(e.getMessage().contains("truncated in its metadata"), e.getMessage());
    }

    @Test
    void anId3v2TagBeforeTheMarkerIsSkipped() throws Exception {
        byte[] flac = Files.readAllBytes(GoldenFixtures.path("tone_stereo.flac"));
        byte[] tag = {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 5, 'T', 'I', 'T', '2', 0};
        byte[] tagged = new byte[tag.length + flac.length];
        System.arraycopy(tag, 0, tagged, 0, tag.length);
        System.arraycopy(flac, 0, tagged, tag.length, flac.length);
        assertEquals(
                4410, FlacReader.decode(new ByteArrayInputStream(tagged), "id3.flac").frames());
    }

    /** Where the frames start: after "fLaC" and the metadata blocks (each a 4-byte header and its length). */
    private static int firstFrameOffset(byte[] flac) {
        int p = 4;
        boolean last;
        do {
            last = (flac[p] & 0x80) != 0;
            p += 4 + ((flac[p + 1] & 0xFF) << 16 | (flac[p + 2] & 0xFF) << 8 | flac[p + 3] & 0xFF);
        } while (!last);
        return p;
    }

    /** Bit-exact against sox on a few real CREMA-D files; skipped when the data set or sox is absent. */
    @Test
    void matchesSoxOnRealCremaDFiles() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(CREMA_D), "CREMA-D not present at " + CREMA_D);
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/sox")), "sox not installed");
        List<Path> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(CREMA_D)) {
            list.filter(p -> p.toString().endsWith(".flac")).sorted().limit(4).forEach(files::add);
        }
        Assumptions.assumeFalse(files.isEmpty(), "no FLAC files in " + CREMA_D);
        for (Path file : files) {
            PcmAudio audio = FlacReader.read(file);
            Process sox =
                    new ProcessBuilder(
                                    "sox",
                                    file.toString(),
                                    "-t",
                                    "raw",
                                    "-e",
                                    "signed",
                                    "-b",
                                    "16",
                                    "-")
                            .redirectError(ProcessBuilder.Redirect.DISCARD)
                            .start();
            byte[] raw;
            try (InputStream in = sox.getInputStream()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                raw = out.toByteArray();
            }
            assertEquals(0, sox.waitFor(), "sox exit for " + file);
            float[][] expected =
                    SampleDecoder.decode(raw, SampleEncoding.PCM16LE, audio.channelCount());
            for (int ch = 0; ch < audio.channelCount(); ch++) {
                assertArrayEquals(
                        expected[ch], audio.channels()[ch], file.getFileName() + " channel " + ch);
            }
        }
    }
}
