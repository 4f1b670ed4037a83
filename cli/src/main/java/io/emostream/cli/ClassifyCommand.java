package io.emostream.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emostream.analysis.EmotionAnalyser;
import io.emostream.analysis.WindowPolicy;
import io.emostream.analysis.WindowResult;
import io.emostream.audio.AudioFiles;
import io.emostream.audio.PcmAudio;
import io.emostream.audio.Resampler;
import io.emostream.dsp.SpeechGate.SpeechGateConfig;
import io.emostream.model.EmotionModel;
import io.emostream.model.ModelOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./emostream classify FILE...}: one JSON line per analysis window of each file (and channel). */
@Command(
        name = "classify",
        description = {
            "classify the emotion of WAV/FLAC files, one JSON line per window",
            "",
            "Classifies each WAV or FLAC file window by window: resample to the model rate, speech gate, log-mel, CNN. "
                    + "A stereo file is two streams, one per channel. Windows start every --hop; a tail that holds at "
                    + "least 1 s (or the window, if shorter) of audio not yet covered gets one more, zero-padded window, as "
                    + "in the service (emostream.window.min-last-window); a shorter tail is skipped, and a file shorter "
                    + "than that is an error (no window). Windows longer than the model's own (3 s) are centre-cropped "
                    + "to it."
        },
        footer = {
            "output (stdout), one JSON object per line:",
            "  {\"file\":\"a.wav\",\"channel\":0,\"start\":0.0,\"end\":3.0,\"label\":\"angry\",\"confidence\":0.61,",
            "   \"probabilities\":{\"angry\":0.61,\"happy\":0.1,\"neutral\":0.2,\"sad\":0.09},",
            "   \"valence\":-0.43,\"arousal\":0.55,\"speech_ratio\":0.83}",
            "  \"channel\" only for files with more than one channel; start/end in seconds of the file",
            "  (end is where the audio ends, before padding). A window without enough speech has",
            "  \"label\":\"no_speech\", \"confidence\":0, \"probabilities\":{}, \"valence\":null, \"arousal\":null.",
            "exit status: 0 all files classified, 1 a file or the model failed, 2 bad arguments"
        })
final class ClassifyCommand extends Subcommand {

    static final int BATCH = 8;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "WAV or FLAC files")
    private List<String> files;

    @Mixin private ModelOption model;

    @Option(
            names = "--window",
            paramLabel = "DUR",
            defaultValue = "3s",
            converter = Converters.PositiveDuration.class,
            description = "window length, e.g. 3s, 1500ms (default ${DEFAULT-VALUE})")
    private Duration window;

    @Option(
            names = "--hop",
            paramLabel = "DUR",
            converter = Converters.PositiveDuration.class,
            description = "distance between window starts (default: the window length)")
    private Duration hop;

    @Option(
            names = "--threads",
            paramLabel = "N",
            defaultValue = "1",
            converter = Converters.PositiveInt.class,
            description = "windows analysed in parallel (default ${DEFAULT-VALUE})")
    private int threads;

    @Override
    int run(PrintStream out, PrintStream err) throws Exception {
        Duration hop = this.hop == null ? window : this.hop;
        int failures = 0;
        ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads("classify"));
        try (EmotionModel model = EmotionModel.load(this.model.path(), ModelOptions.defaults())) {
            EmotionAnalyser analyser = new EmotionAnalyser(model, SpeechGateConfig.defaults());
            for (String file : files) {
                try {
                    classifyFile(file, analyser, window, hop, pool, out);
                } catch (Exception e) {
                    failures++;
                    err.println("emostream classify: " + file + ": " + Main.describe(unwrap(e)));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        out.flush();
        return failures == 0 ? 0 : 1;
    }

    private static void classifyFile(
            String file,
            EmotionAnalyser analyser,
            Duration window,
            Duration hop,
            ExecutorService pool,
            PrintStream out)
            throws Exception {
        PcmAudio audio = AudioFiles.read(Path.of(file));
        int sourceRate = audio.sampleRate();
        float[][] channels = audio.channels();
        int modelRate = analyser.model().features().sampleRate();
        boolean resampleHere = !Resampler.supports(sourceRate, modelRate);
        if (resampleHere) {
            // a rate the service would refuse at intake (its filter is too large to cache):
            // resampled here, once
            for (int c = 0; c < channels.length; c++) {
                channels[c] = Resampler.offline(sourceRate, modelRate).process(channels[c]);
            }
        }
        int rate = resampleHere ? modelRate : sourceRate;
        WindowPolicy policy = WindowPolicy.of(window, hop);
        int windowSamples = (int) policy.windowSamples(rate);
        for (int channel = 0; channel < channels.length; channel++) {
            float[] samples = channels[channel];
            List<Integer> starts =
                    policy.starts(samples.length, rate).stream().map(Long::intValue).toList();
            if (starts.isEmpty()) {
                throw new IllegalArgumentException(
                        Json.round((double) samples.length / rate, 3)
                                + " s of audio is "
                                + "shorter than the shortest window classified ("
                                + policy.minLastWindow().toMillis()
                                + " ms of audio, as in the service): no window");
            }
            List<Future<List<WindowResult>>> batches = new ArrayList<>();
            for (int first = 0; first < starts.size(); first += BATCH) {
                List<Integer> batchStarts =
                        starts.subList(first, Math.min(starts.size(), first + BATCH));
                batches.add(
                        pool.submit(
                                () -> {
                                    List<float[]> windows = new ArrayList<>(batchStarts.size());
                                    for (int start : batchStarts) {
                                        windows.add(
                                                Arrays.copyOfRange(
                                                        samples,
                                                        start,
                                                        Math.min(
                                                                samples.length,
                                                                start + windowSamples)));
                                    }
                                    return analyser.classifyBatch(windows, rate);
                                }));
            }
            int index = 0;
            for (Future<List<WindowResult>> batch : batches) {
                for (WindowResult result : batch.get()) {
                    int start = starts.get(index++);
                    int end = Math.min(samples.length, start + windowSamples);
                    ObjectNode node = Json.MAPPER.createObjectNode();
                    node.put("file", file);
                    if (channels.length > 1) {
                        node.put("channel", channel);
                    }
                    node.put("start", Json.round((double) start / rate, 3));
                    node.put("end", Json.round((double) end / rate, 3));
                    Json.putResult(node, result);
                    out.println(Json.MAPPER.writeValueAsString(node));
                }
            }
        }
    }

    static int samples(Duration duration, int sampleRate) {
        return (int) Math.max(1, Math.round(duration.toNanos() * (double) sampleRate / 1e9));
    }

    static Throwable unwrap(Throwable e) {
        return e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    }

    static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        java.util.concurrent.atomic.AtomicInteger counter =
                new java.util.concurrent.atomic.AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
