package io.emostream.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.emostream.analysis.TestSignals;
import io.emostream.audio.Channel;
import io.emostream.audio.NoiseMixer;
import io.emostream.audio.NoiseRecordings;
import io.emostream.dataset.LabelsCsv;
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

    @TempDir Path dir;
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
        TestSignals.writeWav(
                audio.resolve("angry1.wav"), 16000, TestSignals.chordOf(ANGRY, 3.5, 16000));
        TestSignals.writeWav(
                audio.resolve("angry2.wav"), 44100, TestSignals.chordOf(ANGRY, 2.0, 44100));
        TestSignals.writeWav(
                audio.resolve("happy1.wav"), 16000, TestSignals.chordOf(HAPPY, 3.0, 16000));
        TestSignals.writeWav(
                audio.resolve("happy_but_sad_chord.wav"),
                16000,
                TestSignals.chordOf(SAD, 3.0, 16000));
        TestSignals.writeWav(
                audio.resolve("neutral1.wav"), 16000, TestSignals.chordOf(NEUTRAL, 3.0, 16000));
        TestSignals.writeWav(audio.resolve("sub/silence.wav"), 16000, new float[48000]);
        TestSignals.writeWav(
                audio.resolve("calm.wav"), 16000, TestSignals.chordOf(NEUTRAL, 2.5, 16000));
        TestSignals.writeWav(audio.resolve("sad1.wav"), 8000, TestSignals.chordOf(SAD, 3.0, 8000));
        TestSignals.writeWav(
                audio.resolve("sad2.wav"), 22050, TestSignals.chordOf(SAD, 4.0, 22050));
        TestSignals.writeWav(
                audio.resolve("train_only.wav"), 16000, TestSignals.chordOf(HAPPY, 3.0, 16000));
        csv =
                Files.writeString(
                        dir.resolve("labels.csv"),
                        String.join(
                                        "\n",
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
                                        "train_only.wav,angry,train,")
                                + "\n");
    }

    private CliRun evaluate(String... extra) {
        String[] base = {
            "evaluate",
            "--labels",
            csv.toString(),
            "--audio-dir",
            audio.toString(),
            "--split",
            "test",
            "--model",
            MODEL
        };
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
        assertEquals(
                List.of("angry", "happy", "neutral", "sad"),
                Json.MAPPER.convertValue(report.get("confusion_matrix").get("labels"), List.class));
        int[][] expected = {{2, 0, 0, 0}, {0, 1, 0, 1}, {0, 0, 3, 0}, {0, 0, 0, 2}};
        assertEquals(
                Json.MAPPER.valueToTree(expected), report.get("confusion_matrix").get("counts"));
        assertEquals("true", report.get("confusion_matrix").get("rows").asText());
        // 8 of 9 right; F1: angry 1, happy 2/3 (p 1, r 1/2), neutral 1, sad 0.8 (p 2/3, r 1)
        assertEquals(Json.round(8.0 / 9, 4), report.get("accuracy").asDouble(), 0);
        assertEquals(
                Json.round((1 + 2.0 / 3 + 1 + 0.8) / 4, 4), report.get("macro_f1").asDouble(), 0);
        JsonNode sad = report.get("per_class").get("sad");
        assertEquals(Json.round(2.0 / 3, 4), sad.get("precision").asDouble(), 0);
        assertEquals(1.0, sad.get("recall").asDouble(), 0);
        assertEquals(2, sad.get("support").asInt());
        assertEquals(2, report.get("per_class").get("happy").get("support").asInt());
        int noSpeech = report.get("no_speech_by_gate").asInt();
        assertTrue(
                noSpeech >= 1 && noSpeech <= 9,
                "the silent clip is rejected by the gate: " + noSpeech);
        assertEquals("clean", report.get("condition").get("channel").asText());
        assertTrue(report.get("condition").get("snr_db").isNull());
        assertEquals("emostream-test-bandpool", report.get("model").get("id").asText());
        assertEquals("1", report.get("model").get("version").asText());
        assertEquals("test", report.get("split").asText());
        assertTrue(run.err().contains("emostream evaluate: 9/9 clips"), run.err());
    }

    @Test
    void telephoneAndNoiseConditionStillAccountsForEveryClip() throws Exception {
        CliRun run =
                evaluate(
                        "--map",
                        "calm=neutral",
                        "--channel",
                        "telephone",
                        "--snr",
                        "10",
                        "--seed",
                        "7",
                        "--threads",
                        "2");
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
        CliRun again =
                evaluate(
                        "--map",
                        "calm=neutral",
                        "--channel",
                        "telephone",
                        "--snr",
                        "10",
                        "--seed",
                        "7",
                        "--threads",
                        "1");
        JsonNode second = Json.MAPPER.readTree(again.out());
        assertEquals(report.get("confusion_matrix"), second.get("confusion_matrix"));
    }

    @Test
    void fitTemperatureReportsTheNllMinimisingTemperatureAndTheEceItGives() throws Exception {
        CliRun run = evaluate("--map", "calm=neutral", "--fit-temperature", "--threads", "2");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode fitted = Json.MAPPER.readTree(run.out()).get("fitted_temperature");
        double t = fitted.get("temperature").asDouble();
        assertTrue(t >= 0.25 && t <= 4.0, fitted.toString());
        assertTrue(
                fitted.get("nll_fitted").asDouble() <= fitted.get("nll_at_1").asDouble(),
                fitted.toString());
        assertTrue(
                fitted.get("ece_fitted").asDouble() >= 0
                        && fitted.get("ece_fitted").asDouble() <= 1);
        assertTrue(
                Json.MAPPER
                        .readTree(evaluate("--map", "calm=neutral").out())
                        .path("fitted_temperature")
                        .isMissingNode(),
                "only when asked");
    }

    @Test
    void unknownLabelsAreNamedUnlessMapped() {
        CliRun run = evaluate();
        assertEquals(1, run.exitCode());
        assertTrue(
                run.err()
                        .contains(
                                "has emotions [calm] that are not model labels [angry, happy, neutral, sad]"),
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
        assertTrue(
                image.getWidth() >= 600 && image.getHeight() >= 500,
                image.getWidth() + "x" + image.getHeight());
    }

    @Test
    void missingClipFailsNamingIt() throws Exception {
        Files.delete(audio.resolve("sad2.wav"));
        CliRun run = evaluate("--map", "calm=neutral");
        assertEquals(1, run.exitCode());
        assertTrue(
                run.err().contains("sad2.wav") && run.err().contains("labels line 10"), run.err());
    }

    @Test
    void requiredOptionsAreChecked() {
        CliRun run = CliRun.of("evaluate", "--audio-dir", audio.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("Missing required option: '--labels=CSV'"), run.err());
        CliRun channel = evaluate("--channel", "radio");
        assertEquals(2, channel.exitCode());
        assertTrue(
                channel.err()
                        .contains(
                                "Invalid value for option '--channel': must be one of "
                                        + "clean|telephone|alaw|narrowband, got 'radio'"),
                channel.err());
    }

    /** The test split's clean confusion matrix (see scoresTheTestSplitWithHandComputedMetrics). */
    private static final int[][] CLEAN = {{2, 0, 0, 0}, {0, 1, 0, 1}, {0, 0, 3, 0}, {0, 0, 0, 2}};

    private static JsonNode report(CliRun run) throws Exception {
        assertEquals(0, run.exitCode(), run.err());
        return Json.MAPPER.readTree(run.out());
    }

    private Path noiseDir() throws Exception {
        Path noise = dir.resolve("noise");
        // 1 s of the sad chord at 22,050 Hz: resampled at load, and looped under every clip of 2 s
        // or more
        TestSignals.writeWav(
                noise.resolve("low_hum.wav"), 22050, TestSignals.chordOf(SAD, 1.0, 22050));
        Files.writeString(noise.resolve("README.txt"), "not a recording");
        return noise;
    }

    @Test
    void realNoiseFromADirectoryIsRecordedSeededAndNotWhite() throws Exception {
        Path noise = noiseDir();
        JsonNode real =
                report(
                        evaluate(
                                "--map",
                                "calm=neutral",
                                "--noise",
                                noise.toString(),
                                "--snr",
                                "-10",
                                "--threads",
                                "1"));
        JsonNode condition = real.get("condition");
        assertEquals("clean", condition.get("channel").asText());
        assertEquals(-10.0, condition.get("snr_db").asDouble(), 0);
        assertEquals(noise.toString(), condition.get("noise").asText());
        assertTrue(condition.get("gain_db").isNull());
        assertEquals(0, condition.get("seed").asInt());
        assertEquals(9, real.get("clips").asInt());
        // the test model keeps every chord's label under a quieter-per-band low hum...
        assertEquals(Json.MAPPER.valueToTree(CLEAN), real.get("confusion_matrix").get("counts"));
        // ...but white noise at the same SNR fills the top bands, where the model hears angry
        JsonNode white =
                report(evaluate("--map", "calm=neutral", "--snr", "-10", "--threads", "1"));
        assertTrue(white.get("condition").get("noise").isNull());
        for (int row = 0; row < 4; row++) {
            assertEquals(
                    2,
                    white.get("confusion_matrix").get("counts").get(row).get(ANGRY).asInt(),
                    "row " + row);
        }
        JsonNode clean = report(evaluate("--map", "calm=neutral", "--threads", "1"));
        assertNotEquals(
                clean.get("ece").asDouble(),
                real.get("ece").asDouble(),
                "the noise reached the model");
        JsonNode again =
                report(
                        evaluate(
                                "--map",
                                "calm=neutral",
                                "--noise",
                                noise.toString(),
                                "--snr",
                                "-10",
                                "--threads",
                                "2"));
        assertEquals(real.get("reliability"), again.get("reliability"), "same seed, same noise");
        JsonNode otherSeed =
                report(
                        evaluate(
                                "--map",
                                "calm=neutral",
                                "--noise",
                                noise.toString(),
                                "--snr",
                                "-10",
                                "--seed",
                                "3"));
        assertNotEquals(
                real.get("reliability"),
                otherSeed.get("reliability"),
                "another seed, other segments");
    }

    @Test
    void preparedClipCarriesTheNoiseSegmentAtTheSnr() throws Exception {
        Path noise = noiseDir();
        NoiseRecordings recordings = NoiseRecordings.load(noise, 16000);
        LabelsCsv.Row row =
                new LabelsCsv.Row(4, "happy1.wav", "happy", "test", null); // exactly 3 s at 16 kHz
        float[] clean =
                EvaluateCommand.prepare(
                        row,
                        audio,
                        EvaluateCommand.Condition.of(Channel.CLEAN, null, 0),
                        16000,
                        48000);
        EvaluateCommand.Condition noisy =
                new EvaluateCommand.Condition(Channel.CLEAN, 10.0, recordings, noise, null, 5);
        float[] mixed = EvaluateCommand.prepare(row, audio, noisy, 16000, 48000);
        float[] added = new float[clean.length];
        for (int i = 0; i < added.length; i++) {
            added[i] = mixed[i] - clean[i];
        }
        assertEquals(
                10.0,
                10 * Math.log10(NoiseMixer.meanPower(clean) / NoiseMixer.meanPower(added)),
                0.01);
        // the added signal is the seeded segment of the recording, scaled
        float[] segment = recordings.segment(48000, EvaluateCommand.noiseSeed(5, "happy1.wav"));
        double scale = Math.sqrt(NoiseMixer.meanPower(added) / NoiseMixer.meanPower(segment));
        for (int i = 0; i < added.length; i += 997) {
            assertEquals(segment[i] * scale, added[i], 1e-6, "sample " + i);
        }
    }

    @Test
    void gainScalesTheClipAndClipsItAtFullScale() throws Exception {
        LabelsCsv.Row row = new LabelsCsv.Row(4, "happy1.wav", "happy", "test", null);
        float[] clean =
                EvaluateCommand.prepare(
                        row,
                        audio,
                        EvaluateCommand.Condition.of(Channel.CLEAN, null, 0),
                        16000,
                        48000);
        float[] quiet =
                EvaluateCommand.prepare(
                        row,
                        audio,
                        new EvaluateCommand.Condition(Channel.CLEAN, null, null, null, -20.0, 0),
                        16000,
                        48000);
        float[] loud =
                EvaluateCommand.prepare(
                        row,
                        audio,
                        new EvaluateCommand.Condition(Channel.CLEAN, null, null, null, 20.0, 0),
                        16000,
                        48000);
        float peak = 0;
        int clipped = 0;
        for (int i = 0; i < clean.length; i++) {
            assertEquals(clean[i] * 0.1f, quiet[i], 1e-7f, "sample " + i);
            assertEquals(
                    Math.max(-1f, Math.min(1f, clean[i] * 10f)), loud[i], 1e-6f, "sample " + i);
            peak = Math.max(peak, Math.abs(clean[i]));
            clipped += Math.abs(loud[i]) == 1f ? 1 : 0;
        }
        assertTrue(
                peak > 0.1f && clipped > 1000,
                "the chord (peak " + peak + ") clips at +20 dB: " + clipped);

        JsonNode down = report(evaluate("--map", "calm=neutral", "--gain", "-20"));
        assertEquals(-20.0, down.get("condition").get("gain_db").asDouble(), 0);
        assertTrue(down.get("condition").get("snr_db").isNull());
        // every label's weights in the test model sum to the same, so a level change alone keeps
        // the argmax
        assertEquals(Json.MAPPER.valueToTree(CLEAN), down.get("confusion_matrix").get("counts"));
        // +20 dB clips the chords; the distortion moves both sad chords (the happy-labelled one
        // too) to neutral
        JsonNode up = report(evaluate("--map", "calm=neutral", "--gain", "20"));
        int[][] overdriven = {{2, 0, 0, 0}, {0, 1, 1, 0}, {0, 0, 3, 0}, {0, 0, 2, 0}};
        assertEquals(Json.MAPPER.valueToTree(overdriven), up.get("confusion_matrix").get("counts"));
        // F1: angry 1, happy 2/3 (p 1, r 1/2), neutral 2/3 (p 1/2, r 1), sad 0
        assertEquals(
                Json.round((1 + 2.0 / 3 + 2.0 / 3 + 0) / 4, 4), up.get("macro_f1").asDouble(), 0);
    }

    @Test
    void aLawAndNarrowbandLinesLoseTheAngryBand() throws Exception {
        LabelsCsv.Row row = new LabelsCsv.Row(4, "happy1.wav", "happy", "test", null);
        float[] clean =
                EvaluateCommand.prepare(
                        row,
                        audio,
                        EvaluateCommand.Condition.of(Channel.CLEAN, null, 0),
                        16000,
                        48000);
        for (Channel line : Channel.values()) {
            float[] prepared =
                    EvaluateCommand.prepare(
                            row, audio, EvaluateCommand.Condition.of(line, null, 0), 16000, 48000);
            assertArrayEquals(line.apply(clean), prepared, 0f, line.toString());
        }
        // the angry chord (4-7.5 kHz) is above every 8 kHz line's band: both angry clips become
        // neutral
        int[][] narrow = {{0, 0, 2, 0}, {0, 1, 0, 1}, {0, 0, 3, 0}, {0, 0, 0, 2}};
        JsonNode alaw = report(evaluate("--map", "calm=neutral", "--channel", "alaw"));
        JsonNode narrowband = report(evaluate("--map", "calm=neutral", "--channel", "narrowband"));
        JsonNode mulaw = report(evaluate("--map", "calm=neutral", "--channel", "telephone"));
        assertEquals("alaw", alaw.get("condition").get("channel").asText());
        assertEquals("narrowband", narrowband.get("condition").get("channel").asText());
        for (JsonNode run : List.of(alaw, narrowband, mulaw)) {
            assertEquals(
                    Json.MAPPER.valueToTree(narrow), run.get("confusion_matrix").get("counts"));
            assertEquals(
                    Json.round((0 + 2.0 / 3 + 2 * 3.0 / 8 + 0.8) / 4, 4),
                    run.get("macro_f1").asDouble(),
                    0);
        }
        // same decisions, different signals: the probabilities (seen through the reliability bins)
        // differ
        assertNotEquals(alaw.get("reliability"), mulaw.get("reliability"));
        assertNotEquals(alaw.get("reliability"), narrowband.get("reliability"));
    }

    @Test
    void corpusColumnGivesAPerCorpusBreakdown() throws Exception {
        csv =
                Files.writeString(
                        dir.resolve("corpora.csv"),
                        String.join(
                                        "\n",
                                        "file,corpus,emotion,split",
                                        "angry1.wav,tess,angry,test",
                                        "happy1.wav,tess,happy,test",
                                        "happy_but_sad_chord.wav,tess,happy,test",
                                        "neutral1.wav,tess,neutral,test",
                                        "sub/silence.wav,tess,neutral,test",
                                        "angry2.wav,savee,angry,test",
                                        "calm.wav,savee,calm,test",
                                        "sad1.wav,savee,sad,test",
                                        "sad2.wav,savee,sad,test")
                                + "\n");
        JsonNode report = report(evaluate("--map", "calm=neutral"));
        assertEquals(Json.MAPPER.valueToTree(CLEAN), report.get("confusion_matrix").get("counts"));
        JsonNode tess = report.get("per_corpus").get("tess");
        JsonNode savee = report.get("per_corpus").get("savee");
        assertEquals(2, report.get("per_corpus").size());
        // tess: 4 of 5 right; F1 angry 1, happy 2/3, neutral 1, sad 0 (predicted once, never true)
        assertEquals(5, tess.get("clips").asInt());
        assertEquals(0.8, tess.get("accuracy").asDouble(), 0);
        assertEquals(Json.round((1 + 2.0 / 3 + 1 + 0) / 4, 4), tess.get("macro_f1").asDouble(), 0);
        assertEquals(0.5, tess.get("per_class").get("happy").get("recall").asDouble(), 0);
        assertEquals(2, tess.get("per_class").get("happy").get("support").asInt());
        assertEquals(0, tess.get("per_class").get("sad").get("support").asInt());
        // savee: all 4 right, but no happy clip: F1 angry 1, happy 0, neutral 1, sad 1
        assertEquals(4, savee.get("clips").asInt());
        assertEquals(1.0, savee.get("accuracy").asDouble(), 0);
        assertEquals(0.75, savee.get("macro_f1").asDouble(), 0);
        assertEquals(1.0, savee.get("per_class").get("sad").get("recall").asDouble(), 0);
        assertEquals(
                Json.round(((1 + 2.0 / 3 + 1) / 4 + 0.75) / 2, 4),
                report.get("corpus_mean_macro_f1").asDouble(),
                0);

        Files.writeString(csv, "file,corpus,emotion,split\nangry1.wav,,angry,test\n");
        CliRun empty = evaluate();
        assertEquals(1, empty.exitCode());
        assertTrue(empty.err().contains("line 2: empty corpus"), empty.err());
    }

    @Test
    void calibratedModelReportsEceAtItsTemperatureAndAtOne() throws Exception {
        Path png = dir.resolve("plots/cm.png");
        String[] base = {
            "evaluate",
            "--labels",
            csv.toString(),
            "--audio-dir",
            audio.toString(),
            "--split",
            "test",
            "--map",
            "calm=neutral",
            "--threads",
            "1"
        };
        JsonNode plain = report(CliRun.of(concat(base, "--model", MODEL)));
        CliRun calibratedRun =
                CliRun.of(
                        concat(
                                base,
                                "--model",
                                TestModels.path(TestModels.CALIBRATED).toString(),
                                "--plot",
                                png.toString()));
        JsonNode calibrated = report(calibratedRun);
        assertTrue(
                plain.get("corpus_mean_macro_f1") == null && plain.get("per_corpus") == null,
                "no corpus column");
        assertEquals(1.0, plain.get("temperature").asDouble(), 0);
        assertEquals(plain.get("ece").asDouble(), plain.get("ece_uncalibrated").asDouble(), 0);
        assertEquals(2.0, calibrated.get("temperature").asDouble(), 0);
        // the argmax is unchanged; at T = 1 the calibrated model is the plain one
        assertEquals(plain.get("confusion_matrix"), calibrated.get("confusion_matrix"));
        assertEquals(
                plain.get("ece").asDouble(), calibrated.get("ece_uncalibrated").asDouble(), 2e-4);
        // T = 2 flattens an already under-confident model (8 of 9 right, top probability about
        // 0.5): ECE grows
        assertTrue(
                calibrated.get("ece").asDouble() > plain.get("ece").asDouble() + 0.1,
                calibrated.get("ece") + " vs " + plain.get("ece"));
        for (JsonNode run : List.of(plain, calibrated)) {
            JsonNode reliability = run.get("reliability");
            assertEquals(15, reliability.size());
            int clips = 0;
            double ece = 0;
            for (int b = 0; b < 15; b++) {
                JsonNode bin = reliability.get(b);
                assertEquals(Json.round(b / 15.0, 4), bin.get("bin_lower").asDouble(), 0);
                assertEquals(Json.round((b + 1) / 15.0, 4), bin.get("bin_upper").asDouble(), 0);
                int count = bin.get("count").asInt();
                clips += count;
                if (count == 0) {
                    assertTrue(bin.get("accuracy").isNull() && bin.get("confidence").isNull());
                } else {
                    double confidence = bin.get("confidence").asDouble();
                    assertTrue(
                            confidence >= bin.get("bin_lower").asDouble() - 1e-4
                                    && confidence <= bin.get("bin_upper").asDouble() + 1e-4,
                            bin.toString());
                    ece += count / 9.0 * Math.abs(bin.get("accuracy").asDouble() - confidence);
                }
            }
            assertEquals(9, clips);
            assertEquals(run.get("ece").asDouble(), ece, 2e-4, "ECE from the bins");
        }
        BufferedImage diagram = ImageIO.read(dir.resolve("plots/cm-reliability.png").toFile());
        assertTrue(diagram.getWidth() >= 620, "at least the plot's width: " + diagram.getWidth());
        assertEquals(650, diagram.getHeight());
        assertTrue(ImageIO.read(png.toFile()).getWidth() >= 600);
        assertTrue(
                calibratedRun
                        .err()
                        .contains(
                                "reliability diagram written to "
                                        + dir.resolve("plots/cm-reliability.png")),
                calibratedRun.err());
    }

    @Test
    void badNoiseArgumentsExitTwoWithAClearMessage() throws Exception {
        CliRun noSnr = evaluate("--noise", noiseDir().toString());
        assertEquals(2, noSnr.exitCode());
        assertTrue(noSnr.err().contains("option --noise needs --snr DB"), noSnr.err());
        CliRun missing =
                evaluate("--noise", dir.resolve("no-such-noise").toString(), "--snr", "10");
        assertEquals(2, missing.exitCode());
        assertTrue(
                missing.err().contains("noise path " + dir.resolve("no-such-noise") + " not found"),
                missing.err());
        Path empty = Files.createDirectories(dir.resolve("empty-noise"));
        CliRun none = evaluate("--noise", empty.toString(), "--snr", "10");
        assertEquals(2, none.exitCode());
        assertTrue(
                none.err().contains("noise directory " + empty + " has no .wav or .flac file"),
                none.err());
        CliRun gain = evaluate("--gain", "loud");
        assertEquals(2, gain.exitCode());
        assertTrue(
                gain.err()
                        .contains(
                                "Invalid value for option '--gain': must be a number, got 'loud'"),
                gain.err());
        CliRun unknown = evaluate("--channel", "gsm");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("got 'gsm'"), unknown.err());
    }

    private static String[] concat(String[] base, String... extra) {
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }
}
