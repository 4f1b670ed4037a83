package io.emostream.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.audio.AudioFiles;
import io.emostream.audio.PcmAudio;
import io.emostream.audio.WavWriter;
import io.emostream.avro.SpeakerRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCallsTest {

    @Test
    void monoFilesAreCustomersAndStereoFilesAreCustomerAndAgent(@TempDir Path dir)
            throws Exception {
        WavWriter.write(
                dir.resolve("b-stereo call.wav"),
                new PcmAudio(8000, new float[][] {tone(8000), tone(8000)}));
        WavWriter.write(
                dir.resolve("a-mono.wav"), new PcmAudio(16000, new float[][] {tone(16000)}));
        Files.writeString(dir.resolve("notes.txt"), "not audio");
        List<CallAudioSender.CallStream> calls = DemoCalls.fromDirectory(dir);
        assertEquals(2, calls.size());
        assertEquals("a-mono", calls.get(0).callId());
        assertEquals(List.of(SpeakerRole.CUSTOMER), calls.get(0).speakers());
        assertEquals(16000, calls.get(0).sampleRate());
        assertEquals("b-stereo_call", calls.get(1).callId());
        assertEquals(List.of(SpeakerRole.CUSTOMER, SpeakerRole.AGENT), calls.get(1).speakers());
        assertEquals(8000, calls.get(1).sampleRate());
        assertEquals(8000, calls.get(1).channels()[1].length);
    }

    @Test
    void aDirectoryWithoutAudioIsAClearError(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> DemoCalls.fromDirectory(dir));
        assertTrue(e.getMessage().contains("No .wav or .flac files"), e.getMessage());
    }

    /** The committed conversations: stereo CREMA-D speech within the 3 MB the repository allows, each credited. */
    @Test
    void theCommittedConversationsAreStereoSmallAndAttributed() throws Exception {
        Path dir = DemoCalls.CONVERSATIONS;
        String attribution = Files.readString(dir.resolve("ATTRIBUTION.md"));
        assertTrue(
                attribution.contains("Open Database License")
                        && attribution.contains("doi:10.1109/TAFFC.2014.2336244"));
        long bytes = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path flac : files.filter(f -> f.toString().endsWith(".flac")).toList()) {
                bytes += Files.size(flac);
                PcmAudio audio = AudioFiles.read(flac);
                assertEquals(2, audio.channelCount(), flac.toString());
                assertTrue(audio.frames() > 20 * audio.sampleRate(), flac + " lasts over 20 s");
                String name = flac.getFileName().toString().replace(".flac", "");
                assertTrue(attribution.contains("| " + name + " |"), name + " is credited");
            }
        }
        assertTrue(bytes > 0 && bytes <= 3 * 1024 * 1024, bytes + " bytes of demo audio");
        for (String line : attribution.split("\n")) {
            if (line.matches("\\| [a-z-]+ \\| (customer|agent) \\|.*")) {
                String clip = line.split("\\|")[3].trim();
                assertTrue(clip.matches("\\d{4}_[A-Z]{3}_[A-Z]{3}_[A-Z]{2}\\.flac"), clip);
            }
        }
    }

    /**
     * The script beside them (turns.csv, what tools/score_demo_conversations.py compares the model with): both
     * speakers of every conversation take turns of several seconds within the audio, the clips of each turn are the
     * credited clips of that speaker and emotion, and no clip is used twice.
     */
    @Test
    void theScriptOfEachConversationMatchesItsAudioAndAttribution() throws Exception {
        Path dir = DemoCalls.CONVERSATIONS;
        String attribution = Files.readString(dir.resolve("ATTRIBUTION.md"));
        List<String> rows = Files.readAllLines(dir.resolve("turns.csv"));
        assertEquals("conversation,speaker,turn,emotion,start_s,end_s,clips", rows.get(0));
        Set<String> clips = new HashSet<>();
        Map<String, Set<String>> speakers = new HashMap<>();
        for (String row : rows.subList(1, rows.size())) {
            String[] cells = row.split(",");
            String name = cells[0];
            double start = Double.parseDouble(cells[4]);
            double end = Double.parseDouble(cells[5]);
            PcmAudio audio = AudioFiles.read(dir.resolve(name + ".flac"));
            assertTrue(
                    start >= 0
                            && end - start >= 5
                            && end <= audio.frames() / (double) audio.sampleRate() + 1e-3,
                    row + " lasts at least 5 s within the audio");
            for (String clip : cells[6].split(" ")) {
                assertTrue(clips.add(clip), clip + " is used once");
                String credit =
                        "| " + name + " | " + cells[1] + " | " + clip + " | " + cells[3] + " | ";
                assertTrue(attribution.contains(credit + cells[2] + " |"), credit + " is credited");
            }
            speakers.computeIfAbsent(name, n -> new HashSet<>()).add(cells[1]);
        }
        assertEquals(3, speakers.size(), speakers.toString());
        speakers.values().forEach(s -> assertEquals(Set.of("customer", "agent"), s));
    }

    private static float[] tone(int samples) {
        float[] out = new float[samples];
        for (int i = 0; i < samples; i++) {
            out[i] = (float) (0.3 * Math.sin(2 * Math.PI * 220 * i / 8000.0));
        }
        return out;
    }
}
