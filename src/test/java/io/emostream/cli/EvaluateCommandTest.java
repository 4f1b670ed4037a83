package io.emostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.emostream.analysis.TestSignals;
import io.emostream.model.TestModels;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {

    private static final String MODEL = TestModels.path(TestModels.VALID).toString();
    private static final int ANGRY = 0;
    private static final int HAPPY = 1;
    private static final int NEUTRAL = 2;
    private static final int SAD = 3;

    @TempDir
    Path dir;
    Path audio;
    Path csv;

    /**
     * Test split: 9 clips. Chords land on known labels of the test model; one sad chord is labelled happy, one
     * silent clip is labelled neutral (the test model says neutral for silence; the gate rejects it), and one
     * "calm" clip needs --map. An excluded row (its file does not exist) and a train row must be skipped.
     */
    @BeforeEach
    void writeClips() throws Exception {
        audio = dir.resolve("audio");
        TestSignals.writeWav(audio.resolve("angry1.wav"), 16000, TestSignals.chordOf(ANGRY, 3.5, 16000));
        TestSignals.writeWav(audio.resolve("angry2.wav"), 44100, TestSignals.chordOf(ANGRY, 2.0, 44100));
        TestSignals.writeWav(audio.resolve("happy1.wav"), 16000, TestSignals.chordOf(HAPPY, 3.0, 16000));
        TestSignals.writeWav(audio.resolve("happy_but_sad_chord.wav"), 16000, TestSignals.chordOf(SAD, 3.0, 16000));
        TestSignals.writeWav(audio.resolve("neutral1.wav"), 16000, TestSignals.chordOf(NEUTRAL, 3.0, 16000));
        TestSignals.writeWav(audio.resolve("sub/silence.wav"), 16000, new float[48000]);
        TestSignals.writeWav(audio.resolve("calm.wav"), 16000, TestSignals.chordOf(NEUTRAL, 2.5, 16000));
        TestSignals.writeWav(audio.resolve("sad1.wav"), 8000, TestSignals.chordOf(SAD, 3.0, 8000));
        TestSignals.writeWav(audio.resolve("sad2.wav"), 22050, TestSignals.chordOf(SAD, 4.0, 22050));
        TestSignals.writeWav(audio.resolve("train_only.wav"), 16000, TestSignals.chordOf(HAPPY, 3.0, 16000));
        csv = Files.writeString(dir.resolve("labels.csv"), String.join("\n",
                "file,emotion,split,exclude",
                "angry1.wav,angry,test,",
                "angry2.wav,angry,test,",
                "happy1.wav,happy,test,",
                "happy_but_sad_chord.wav,happy,test,",
                "neutral1.wav,neutral,test,",
                "sub/silence.wav,neutral,test,",
                "calm.wav,calm,test,",
                "\"sad1.wav\",sad,test,",
                "sad2.wav,sad,test,",
                "gone.wav,sad,test,\"clipped, unusable\"",
                "train_only.wav,angry,train,") + "\n");
    }

    private CliRun evaluate(String... extra) {
        String[] base = {"evaluate", "--labels", csv.toString(), "--audio-dir", audio.toString(), "--split", "test",
            "--model", MODEL};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(args);
    }

    @Test
    void scoresTheTestSplitWithHandComputedMetrics() throws Exception {
        CliRun run = evaluate("--map", "calm=neutral", "--progress", "4", "--threads", "2");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode report = Json.MAPPER.readTree(run.out());
        assertEquals(9, report.get("clips").asInt());
        assertEquals(List.of("angry", "happy", "neutral", "sad"),
                Json.MAPPER.convertValue(report.get("confusion_matrix").get("labels"), List.class));
        int[][] expected = {{2, 0, 0, 0}, {0, 1, 0, 1}, {0, 0, 3, 0}, {0, 0, 0, 2}};
        assertEquals(Json.MAPPER.valueToTree(expected), report.get("confusion_matrix").get("counts"));
        assertEquals("true", report.get("confusion_matrix").get("rows").asText());
        // 8 of 9 right; F1: angry 1, happy 2/3 (p 1, r 1/2), neutral 1, sad 0.8 (p 2/3, r 1)
        assertEquals(Json.round(8.0 / 9, 4), report.get("accuracy").asDouble(), 0);
        assertEquals(Json.round((1 + 2.0 / 3 + 1 + 0.8) / 4, 4), report.get("macro_f1").asDouble(), 0);
        JsonNode sad = report.get("per_class").get("sad");
        assertEquals(Json.round(2.0 / 3, 4), sad.get("precision").asDouble(), 0);
        assertEquals(1.0, sad.get("recall").asDouble(), 0);
        assertEquals(2, sad.get("support").asInt());
        assertEquals(2, report.get("per_class").get("happy").get("support").asInt());
        int noSpeech = report.get("no_speech_by_gate").asInt();
        assertTrue(noSpeech >= 1 && noSpeech <= 9, "the silent clip is rejected by the gate: " + noSpeech);
        assertEquals("clean", report.get("condition").get("channel").asText());
        assertTrue(report.get("condition").get("snr_db").isNull());
        assertEquals("emostream-test-bandpool", report.get("model").get("id").asText());
        assertEquals("1", report.get("model").get("version").asText());
        assertEquals("test", report.get("split").asText());
        assertTrue(run.err().contains("emostream evaluate: 9/9 clips"), run.err());
    }

    @Test
    void telephoneAndNoiseConditionStillAccountsForEveryClip() throws Exception {
        CliRun run = evaluate("--map", "calm=neutral", "--channel", "telephone", "--snr", "10", "--seed", "7",
                "--threads", "2");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode report = Json.MAPPER.readTree(run.out());
        assertEquals(9, report.get("clips").asInt());
        int[] supports = {2, 2, 3, 2};
        JsonNode counts = report.get("confusion_matrix").get("counts");
        int total = 0;
        for (int row = 0; row < 4; row++) {
            int rowSum = 0;
            for (JsonNode count : counts.get(row)) {
                rowSum += count.asInt();
            }
            assertEquals(supports[row], rowSum);
            total += rowSum;
        }
        assertEquals(9, total);
        assertEquals("telephone", report.get("condition").get("channel").asText());
        assertEquals(10.0, report.get("condition").get("snr_db").asDouble(), 0);
        assertEquals(7, report.get("condition").get("seed").asInt());
        // same seed, same noise: the run is reproducible
        CliRun again = evaluate("--map", "calm=neutral", "--channel", "telephone", "--snr", "10", "--seed", "7",
                "--threads", "1");
        JsonNode second = Json.MAPPER.readTree(again.out());
        assertEquals(report.get("confusion_matrix"), second.get("confusion_matrix"));
    }

    @Test
    void unknownLabelsAreNamedUnlessMapped() {
        CliRun run = evaluate();
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("has emotions [calm] that are not model labels [angry, happy, neutral, sad]"),
                run.err());
        CliRun badTarget = evaluate("--map", "calm=relaxed");
        assertEquals(2, badTarget.exitCode());
        assertTrue(badTarget.err().contains("'relaxed' is not a model label"), badTarget.err());
    }

    @Test
    void limitAndPlot() throws Exception {
        Path png = dir.resolve("plots/confusion.png");
        CliRun run = evaluate("--map", "calm=neutral", "--limit", "3", "--plot", png.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(3, Json.MAPPER.readTree(run.out()).get("clips").asInt());
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image.getWidth() >= 600 && image.getHeight() >= 500, image.getWidth() + "x" + image.getHeight());
    }

    @Test
    void missingClipFailsNamingIt() throws Exception {
        Files.delete(audio.resolve("sad2.wav"));
        CliRun run = evaluate("--map", "calm=neutral");
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("sad2.wav") && run.err().contains("labels line 10"), run.err());
    }

    @Test
    void requiredOptionsAreChecked() {
        CliRun run = CliRun.of("evaluate", "--audio-dir", audio.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--labels is required"), run.err());
        CliRun channel = evaluate("--channel", "radio");
        assertEquals(2, channel.exitCode());
        assertTrue(channel.err().contains("clean or telephone"), channel.err());
    }
}
