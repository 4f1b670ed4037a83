package io.emostream.audio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Real background-noise recordings to mix into clips: one WAV/FLAC file, or every {@code *.wav} / {@code *.flac}
 * of a directory (not its subdirectories), in file-name order. Each is mixed to mono and resampled to the target
 * rate once, at load. {@link #segment} draws a recording and a segment of it from a seed, so a seed always gives
 * the same noise. Immutable and thread-safe.
 */
public final class NoiseRecordings {

    /** One loaded recording. */
    public record Recording(String name, float[] samples) {}

    private final Path source;
    private final List<Recording> recordings;

    private NoiseRecordings(Path source, List<Recording> recordings) {
        this.source = source;
        this.recordings = List.copyOf(recordings);
    }

    /**
     * Loads {@code fileOrDirectory} at {@code sampleRate}.
     *
     * @throws IllegalArgumentException when the path does not exist, a directory has no WAV/FLAC file, or a
     *                                  recording is empty
     * @throws AudioFormatException     when a file is not readable audio
     */
    public static NoiseRecordings load(Path fileOrDirectory, int sampleRate) {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(fileOrDirectory)) {
            try (Stream<Path> listing = Files.list(fileOrDirectory)) {
                listing.filter(Files::isRegularFile)
                        .filter(NoiseRecordings::isAudioName)
                        .sorted()
                        .forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot list noise directory " + fileOrDirectory + ": " + e.getMessage(),
                        e);
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException(
                        "noise directory " + fileOrDirectory + " has no .wav or .flac file");
            }
        } else if (Files.isRegularFile(fileOrDirectory)) {
            files.add(fileOrDirectory);
        } else {
            throw new IllegalArgumentException("noise path " + fileOrDirectory + " not found");
        }
        List<Recording> recordings = new ArrayList<>();
        for (Path file : files) {
            PcmAudio audio = AudioFiles.read(file);
            float[] mono = audio.mono();
            if (audio.sampleRate() != sampleRate) {
                mono = Resampler.of(audio.sampleRate(), sampleRate).process(mono);
            }
            if (mono.length == 0) {
                throw new IllegalArgumentException("noise recording " + file + " is empty");
            }
            recordings.add(new Recording(file.getFileName().toString(), mono));
        }
        return new NoiseRecordings(fileOrDirectory, recordings);
    }

    private static boolean isAudioName(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".wav") || name.endsWith(".flac");
    }

    /** The path given to {@link #load}. */
    public Path source() {
        return source;
    }

    public List<Recording> recordings() {
        return recordings;
    }

    /**
     * {@code length} samples of noise for a seed: a recording drawn uniformly, then a start drawn uniformly; a
     * recording at least {@code length} long gives a contiguous segment from a start in {@code [0, size - length]},
     * a shorter one is looped from a start in {@code [0, size)}.
     */
    public float[] segment(int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] recording = recordings.get(random.nextInt(recordings.size())).samples();
        float[] out = new float[length];
        if (recording.length >= length) {
            int start = random.nextInt(recording.length - length + 1);
            System.arraycopy(recording, start, out, 0, length);
        } else {
            int position = random.nextInt(recording.length);
            for (int i = 0; i < length; i++) {
                out[i] = recording[position];
                position = position + 1 == recording.length ? 0 : position + 1;
            }
        }
        return out;
    }
}
