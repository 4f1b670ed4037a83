package io.emostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.emostream.analysis.TestSignals;
import io.emostream.model.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifyCommandTest {

    private static final String MODEL = TestModels.path(TestModels.VALID).toString();

    @TempDir Path dir;

    private static List<JsonNode> lines(CliRun run) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : run.out().split("\n")) {
            if (!line.isBlank()) {
                nodes.add(Json.MAPPER.readTree(line));
            }
        }
        return nodes;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    @Test
    void oneJsonLinePerWindowWithOverlappingHop() throws Exception {
        Path wav =
                TestSignals.writeWav(
                        dir.resolve("seven.wav"), 16000, TestSignals.speechLike(7.0, 16000, 1));
        CliRun run =
                CliRun.of(
                        "classify",
                        wav.toString(),
                        "--model",
                        MODEL,
                        "--window",
                        "3s",
                        "--hop",
                        "1s");
        assertEquals(0, run.exitCode(), run.err());
        List<JsonNode> windows = lines(run);
        assertEquals(5, windows.size(), run.out());
        for (int i = 0; i < windows.size(); i++) {
            JsonNode w = windows.get(i);
            assertEquals(
                    List.of(
                            "file",
                            "start",
                            "end",
                            "label",
                            "confidence",
                            "probabilities",
                            "valence",
                            "arousal",
                            "speech_ratio"),
                    fieldNames(w));
            assertEquals(wav.toString(), w.get("file").asText());
            assertEquals(i, w.get("start").asDouble(), 1e-9);
            assertEquals(i + 3, w.get("end").asDouble(), 1e-9);
            if (!w.get("label").asText().equals("no_speech")) {
                double sum = 0;
                for (JsonNode p : w.get("probabilities")) {
                    sum += p.asDouble();
                }
                assertEquals(1.0, sum, 1e-3);
                assertEquals(
                        List.of("angry", "happy", "neutral", "sad"),
                        fieldNames(w.get("probabilities")));
            }
        }
    }

    @Test
    void defaultHopIsTheWindowAndALongTailIsPadded() throws Exception {
        Path wav =
                TestSignals.writeWav(
                        dir.resolve("eight.wav"), 8000, TestSignals.speechLike(8.0, 8000, 2));
        List<JsonNode> windows = lines(CliRun.of("classify", wav.toString(), "--model", MODEL));
        assertEquals(3, windows.size());
        assertEquals(6.0, windows.get(2).get("start").asDouble(), 1e-9);
        assertEquals(8.0, windows.get(2).get("end").asDouble(), 1e-9);
        // a 0.5-s tail is less than half a window: 3.5 s gives one window
        Path shortTail =
                TestSignals.writeWav(
                        dir.resolve("three.wav"), 8000, TestSignals.speechLike(3.5, 8000, 2));
        assertEquals(
                1, lines(CliRun.of("classify", shortTail.toString(), "--model", MODEL)).size());
    }

    @Test
    void clipShorterThanAWindowIsOnePaddedWindow() throws Exception {
        Path wav =
                TestSignals.writeWav(
                        dir.resolve("short.wav"), 48000, TestSignals.speechLike(2.0, 48000, 3));
        List<JsonNode> windows = lines(CliRun.of("classify", wav.toString(), "--model", MODEL));
        assertEquals(1, windows.size());
        assertEquals(0.0, windows.get(0).get("start").asDouble(), 0);
        assertEquals(2.0, windows.get(0).get("end").asDouble(), 1e-9);
    }

    @Test
    void stereoFileIsOneStreamPerChannel() throws Exception {
        float[] speech = TestSignals.speechLike(3.0, 16000, 4);
        Path wav =
                TestSignals.writeWav(
                        dir.resolve("call.wav"), 16000, speech, new float[speech.length]);
        CliRun run = CliRun.of("classify", wav.toString(), "--model", MODEL, "--threads", "2");
        assertEquals(0, run.exitCode(), run.err());
        List<JsonNode> windows = lines(run);
        assertEquals(2, windows.size());
        assertEquals(0, windows.get(0).get("channel").asInt());
        assertEquals(1, windows.get(1).get("channel").asInt());
        JsonNode silent = windows.get(1);
        assertEquals("no_speech", silent.get("label").asText());
        assertEquals(0.0, silent.get("confidence").asDouble(), 0);
        assertTrue(silent.get("valence").isNull() && silent.get("arousal").isNull());
        assertEquals(0, silent.get("probabilities").size());
    }

    @Test
    void threadsDoNotChangeTheOutput() throws Exception {
        Path wav =
                TestSignals.writeWav(
                        dir.resolve("long.wav"), 16000, TestSignals.speechLike(30.0, 16000, 5));
        CliRun one = CliRun.of("classify", wav.toString(), "--model", MODEL, "--hop", "1s");
        CliRun two =
                CliRun.of(
                        "classify",
                        wav.toString(),
                        "--model",
                        MODEL,
                        "--hop",
                        "1s",
                        "--threads",
                        "2");
        assertEquals(28, lines(one).size());
        assertEquals(one.out(), two.out());
    }

    @Test
    void unreadableFileIsReportedAndTheOthersStillClassified() throws Exception {
        Path good =
                TestSignals.writeWav(
                        dir.resolve("good.wav"), 16000, TestSignals.speechLike(3.0, 16000, 6));
        Path missing = dir.resolve("missing.wav");
        CliRun run = CliRun.of("classify", missing.toString(), good.toString(), "--model", MODEL);
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains(missing.toString()), run.err());
        assertEquals(1, lines(run).size());
    }

    @Test
    void badArgumentsExitWithTwo() {
        CliRun noFiles = CliRun.of("classify", "--model", MODEL);
        assertEquals(2, noFiles.exitCode());
        assertTrue(noFiles.err().contains("Missing required parameter: 'FILE'"), noFiles.err());
        CliRun badWindow = CliRun.of("classify", "x.wav", "--window", "long");
        assertEquals(2, badWindow.exitCode());
        assertTrue(
                badWindow
                        .err()
                        .contains(
                                "Invalid value for option '--window': must be a positive duration such as "
                                        + "3s, 1.5s or 500ms, got 'long'"),
                badWindow.err());
        CliRun missingModel =
                CliRun.of("classify", "x.wav", "--model", dir.resolve("none.onnx").toString());
        assertEquals(1, missingModel.exitCode());
        assertTrue(missingModel.err().contains("none.onnx: not found"), missingModel.err());
        assertFalse(CliRun.of("classify", "--help").out().isBlank());
    }
}
