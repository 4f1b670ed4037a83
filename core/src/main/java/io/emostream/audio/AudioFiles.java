package io.emostream.audio;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads an audio file as WAV or FLAC, recognised by its magic bytes rather than its name. */
public final class AudioFiles {

    private AudioFiles() {}

    /** @throws AudioFormatException when the file is neither RIFF/WAVE nor FLAC, or is malformed */
    public static PcmAudio read(Path path) {
        byte[] magic = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(magic, 0, 4);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read audio file " + path + ": " + e.getMessage(), e);
        }
        String head = n == 4 ? new String(magic, java.nio.charset.StandardCharsets.ISO_8859_1) : "";
        if (head.equals("RIFF")) {
            return WavReader.read(path);
        }
        if (head.equals("fLaC")) {
            return FlacReader.read(path);
        }
        throw new AudioFormatException(
                "audio file "
                        + path.getFileName()
                        + ": neither WAV (RIFF) nor FLAC (fLaC); "
                        + (n < 4
                                ? "only " + n + " bytes long"
                                : "starts with bytes " + hex(magic)));
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02x", b & 0xFF));
        }
        return sb.toString();
    }
}
