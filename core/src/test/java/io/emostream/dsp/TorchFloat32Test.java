package io.emostream.dsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.emostream.audio.GoldenFixtures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** The float32 building blocks must equal torch's bit for bit (CRC32 of torch's bytes in the manifest). */
class TorchFloat32Test {

    @Test
    void hannWindowIsBitIdenticalToTorch() {
        int checked = 0;
        for (JsonNode entry : GoldenFixtures.manifest().get("exact")) {
            if (entry.get("kind").asText().equals("hann_window")) {
                int length = entry.get("length").asInt();
                assertEquals(
                        entry.get("crc32").asLong(),
                        crc(TorchFloat32.hannWindow(length)),
                        "hann " + length);
                checked++;
            }
        }
        assertTrue(checked >= 6);
    }

    @Test
    void slaneyMelFilterbanksAreBitIdenticalToTorchaudio() {
        int checked = 0;
        for (JsonNode entry : GoldenFixtures.manifest().get("exact")) {
            if (!entry.get("kind").asText().equals("mel_fbanks")
                    || !entry.get("mel_scale").asText().equals("slaney")) {
                continue; // the HTK scale uses torch's float32 pow, which is not reproduced (HTK is
                // not used)
            }
            int nFreqs = entry.get("n_freqs").asInt();
            int nMels = entry.get("n_mels").asInt();
            String norm = entry.get("norm").isNull() ? "none" : entry.get("norm").asText();
            MelFilterbank fb =
                    new MelFilterbank(
                            nFreqs,
                            entry.get("f_min").asDouble(),
                            entry.get("f_max").asDouble(),
                            nMels,
                            entry.get("sample_rate").asInt(),
                            "slaney",
                            norm);
            float[] dense = new float[nFreqs * nMels];
            for (int bin = 0; bin < nFreqs; bin++) {
                for (int m = 0; m < nMels; m++) {
                    dense[bin * nMels + m] = (float) fb.weight(m, bin);
                }
            }
            assertEquals(entry.get("crc32").asLong(), crc(dense), "filterbank " + entry);
            checked++;
        }
        assertTrue(checked >= 5, "checked " + checked);
    }

    @Test
    void linspaceAndExpMatchKnownTorchValues() {
        // torch.linspace(0, 45.245640471924965, 82)[[0, 1, 40, 41, 81]] and
        // torch.exp(torch.tensor([0.5, 2.75]))
        float[] mels = TorchFloat32.linspace(0f, (float) MelFilterbank.hzToMel(8000, "slaney"), 82);
        assertEquals(0f, mels[0]);
        assertEquals((float) MelFilterbank.hzToMel(8000, "slaney"), mels[81]);
        assertEquals(mels[81] / 81, mels[1], 1e-6f);
        assertEquals(
                (float) Math.exp(0.5), TorchFloat32.exp(0.5f), Math.ulp((float) Math.exp(0.5)));
        assertEquals(
                (float) Math.exp(2.75), TorchFloat32.exp(2.75f), Math.ulp((float) Math.exp(2.75)));
        for (float x = -6.2f; x < 6.3f; x += 0.01f) {
            assertEquals((float) Math.cos(x), TorchFloat32.cos(x), 2 * Math.ulp(1f), "cos " + x);
        }
    }

    private static long crc(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buffer.putFloat(v);
        }
        CRC32 crc = new CRC32();
        crc.update(buffer.array());
        return crc.getValue();
    }
}
