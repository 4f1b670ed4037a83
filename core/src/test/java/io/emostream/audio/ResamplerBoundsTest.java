package io.emostream.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Hostile record 6: distinct legal sample rates coprime with 16 kHz each built a 52 MB kernel that the cache kept
 * forever (OOM after 18 calls). Kernels are now bounded per rate pair and the cache by a byte budget.
 */
class ResamplerBoundsTest {

    @Test
    void kernelSizeIsComputedWithoutBuildingAndMatchesTheBuiltKernel() {
        assertEquals(52_416_000, Resampler.kernelBytes(95_999, 16_000));
        for (int rate : new int[] {8000, 11_025, 22_050, 44_100, 48_000, 95_950}) {
            Resampler r = Resampler.of(rate, 16_000);
            long taps = Resampler.kernelBytes(rate, 16_000);
            assertTrue(
                    r.bytes() >= taps && r.bytes() <= taps + 2 * taps + (1 << 20),
                    rate + ": " + r.bytes());
        }
    }

    @Test
    void ratesWhoseKernelIsTooLargeAreRefused() {
        assertTrue(!Resampler.supports(95_999, 16_000));
        assertTrue(!Resampler.supports(8_001, 16_000));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Resampler.of(95_999, 16_000));
        assertTrue(e.getMessage().contains("52416000 bytes"), e.getMessage());
    }

    @Test
    void everyMultipleOf50HzAndTheUsualRatesAreAccepted() {
        for (int rate = 8000; rate <= 96_000; rate += 50) {
            assertTrue(Resampler.supports(rate, 16_000), rate + " Hz");
        }
        for (int rate : new int[] {11_025, 22_050, 44_100, 88_200}) {
            assertTrue(Resampler.supports(rate, 16_000), rate + " Hz");
        }
    }

    @Test
    void theCacheStaysWithinItsBudgetWhateverRatesArrive() {
        // Forty distinct accepted rates with kernels near the per-pair limit (~1 MiB each: 40 MiB
        // unbounded).
        int built = 0;
        for (int rate = 95_950; built < 40; rate -= 100) {
            if (Resampler.kernelBytes(rate, 16_000) < 500_000) {
                continue;
            }
            Resampler.of(rate, 16_000);
            built++;
            assertTrue(
                    Resampler.cachedBytes() <= Resampler.CACHE_BUDGET_BYTES,
                    Resampler.cachedBytes() + " bytes");
        }
        assertTrue(
                Resampler.cachedPairs() < 40,
                "older kernels were evicted: " + Resampler.cachedPairs());
        // The most recent pair is still cached (same instance), an evicted one is rebuilt on
        // demand.
        Resampler again = Resampler.of(48_000, 16_000);
        assertTrue(again == Resampler.of(48_000, 16_000));
        float[] out = Resampler.of(95_950, 16_000).process(new float[9595]);
        assertEquals(1600, out.length);
    }

    @Test
    void offlineToolsResampleRatesTheServiceRefusesAndBuildTheirFilterOnce() {
        assertFalse(Resampler.supports(24_414, 16_000), "TESS's rate is refused by the service");
        Resampler first = Resampler.offline(24_414, 16_000);
        assertSame(first, Resampler.offline(24_414, 16_000), "kept for the next clip");
        assertSame(
                Resampler.of(48_000, 16_000),
                Resampler.offline(48_000, 16_000),
                "a supported pair is the cached one");
        float[] tone = new float[24_414];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (float) Math.sin(2 * Math.PI * 440 * i / 24_414.0);
        }
        float[] out = first.process(tone);
        assertEquals(16_000, out.length, 1);
        for (int i = 2_000;
                i < 14_000;
                i++) { // away from the edges: the same 440 Hz tone at 16 kHz
            assertEquals(Math.sin(2 * Math.PI * 440 * i / 16_000.0), out[i], 1e-3, "sample " + i);
        }
    }
}
