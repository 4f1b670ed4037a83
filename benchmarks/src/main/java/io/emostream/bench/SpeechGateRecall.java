package io.emostream.bench;

import io.emostream.analysis.EmotionAnalyser;
import io.emostream.audio.AudioFiles;
import io.emostream.audio.PcmAudio;
import io.emostream.audio.Resampler;
import io.emostream.audio.TelephoneChannel;
import io.emostream.dataset.LabelsCsv;
import io.emostream.dsp.SpeechGate;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Recall of the default {@link SpeechGate} on labelled speech clips (every clip is speech, so every rejection is a
 * miss): each clip is fitted to a 3-s window as {@code ./emostream evaluate} does (centre 3 s, or zero-padded),
 * optionally passed through the G.711 telephone channel, and judged on its non-padded part (as the live service
 * judges a call's last, short window) and on the whole padded window (as {@code evaluate}'s
 * {@code no_speech_by_gate} counts). Prints one line per split and condition, then the rejected clips.
 *
 * <pre>
 * ./mvnw -o -q -DskipTests package
 * java -cp target/classes:$(cat target/launcher-classpath.txt) io.emostream.bench.SpeechGateRecall \
 *     /work/shared/data/crema-d/labels.csv /work/shared/data/crema-d/audio train,val
 * </pre>
 *
 * The labels CSV is read as {@code evaluate} reads it ({@link LabelsCsv}: columns {@code file} and {@code emotion},
 * here also {@code split}; rows with a non-empty {@code exclude} are skipped).
 */
public final class SpeechGateRecall {

    private static final int WINDOW_SAMPLES = 3 * SpeechGate.SAMPLE_RATE;

    private SpeechGateRecall() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: SpeechGateRecall LABELS_CSV AUDIO_DIR SPLIT[,SPLIT...]");
            System.exit(2);
        }
        Path labels = Path.of(args[0]);
        Path audioDir = Path.of(args[1]);
        Set<String> splits = Set.of(args[2].split(","));
        SpeechGate gate = new SpeechGate();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<String> rejected = new ArrayList<>();
        for (String split : splits.stream().sorted().toList()) {
            int clips = 0;
            int[] missedOnClip = new int[2];
            int[] missedOnWindow = new int[2];
            long cpuNanos = 0;
            int assessed = 0;
            for (LabelsCsv.Row row : LabelsCsv.read(labels, split)) {
                clips++;
                float[] samples = read(audioDir.resolve(row.file()));
                int valid = Math.min(samples.length, WINDOW_SAMPLES);
                float[] clean = EmotionAnalyser.fitToWindow(samples, WINDOW_SAMPLES);
                float[][] conditions = {clean, TelephoneChannel.apply(clean)};
                for (int c = 0; c < 2; c++) {
                    long start = threads.getCurrentThreadCpuTime();
                    SpeechGate.SpeechDecision onClip = gate.assess(conditions[c], valid);
                    cpuNanos += threads.getCurrentThreadCpuTime() - start;
                    assessed++;
                    SpeechGate.SpeechDecision onWindow = gate.assess(conditions[c], WINDOW_SAMPLES);
                    String condition = c == 0 ? "clean" : "telephone";
                    if (!onClip.speech()) {
                        missedOnClip[c]++;
                        rejected.add(
                                String.format(
                                        Locale.ROOT,
                                        "  %s %s %s: ratio %.3f on the clip part",
                                        split,
                                        condition,
                                        row.file(),
                                        onClip.speechRatio()));
                    }
                    if (!onWindow.speech()) {
                        missedOnWindow[c]++;
                        rejected.add(
                                String.format(
                                        Locale.ROOT,
                                        "  %s %s %s: ratio %.3f on the padded window",
                                        split,
                                        condition,
                                        row.file(),
                                        onWindow.speechRatio()));
                    }
                }
            }
            for (int c = 0; c < 2; c++) {
                System.out.printf(
                        Locale.ROOT,
                        "%-6s %-9s clips %5d  rejected on clip part %4d (recall %.4f)  on padded window %4d "
                                + "(recall %.4f)%n",
                        split,
                        c == 0 ? "clean" : "telephone",
                        clips,
                        missedOnClip[c],
                        recall(clips, missedOnClip[c]),
                        missedOnWindow[c],
                        recall(clips, missedOnWindow[c]));
            }
            System.out.printf(
                    Locale.ROOT,
                    "%-6s gate cost %.3f ms thread CPU per window (clip part)%n",
                    split,
                    assessed == 0 ? 0 : cpuNanos / 1e6 / assessed);
        }
        System.out.println("rejected:");
        rejected.forEach(System.out::println);
    }

    /** A clip as mono 16-kHz samples (resampled when it is at another rate). */
    static float[] read(Path file) {
        PcmAudio audio = AudioFiles.read(file);
        float[] samples = audio.mono();
        return audio.sampleRate() == SpeechGate.SAMPLE_RATE
                ? samples
                : Resampler.of(audio.sampleRate(), SpeechGate.SAMPLE_RATE).process(samples);
    }

    private static double recall(int clips, int missed) {
        return clips == 0 ? Double.NaN : 1 - (double) missed / clips;
    }
}
