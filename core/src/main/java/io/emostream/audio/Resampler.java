package io.emostream.audio;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Band-limited resampling, a Java port of torchaudio 0.13 {@code functional.resample} with
 * {@code resampling_method="kaiser_window"} and the constants of {@link ResamplerSettings} (as
 * {@code features.resample} in training).
 *
 * <p>As torchaudio's {@code _get_sinc_resample_kernel}, both rates are divided by their gcd ({@code o -> n}); the
 * filter for output phase {@code j} (0..n-1) has taps {@code k = 0 .. 2w+o-1} at sinc positions
 * {@code t = (k - w)/o - j/n} scaled by {@code base = min(o, n) * rolloff}, clamped to +-width, weighted by a Kaiser
 * window and {@code base/o}; {@code _apply_sinc_resample_kernel} pads the input with {@code w} zeros before and
 * {@code w + o} after and takes output {@code b*n + j} as the dot product of phase {@code j}'s taps with the padded
 * input from {@code b*o}; the output is cut to {@code ceil(n * length / o)} samples.
 *
 * <p>Parity detail: torchaudio computes the tap positions {@code t} in float32 when resampling float32 audio (as
 * training does), which moves taps by up to ~1e-4 for rate pairs with a large reduced {@code o} (e.g. 24414 Hz).
 * This class reproduces those float32 position roundings exactly and evaluates sinc and window in float64, which
 * matches torchaudio's float32 output to about 1e-6. Taps whose position is clamped (|t| = width, weight ~1e-13)
 * are omitted. The polyphase kernel ({@code n} phases of about {@code 2*width*o/base} taps, i.e. about
 * {@code 540 * max(from, to) / gcd(from, to)} bytes) is built once per rate pair and cached; instances are immutable
 * and thread-safe.
 *
 * <p>Bounds: a rate pair whose kernel would exceed {@link #MAX_KERNEL_BYTES} is refused ({@link #supports}; e.g.
 * 95,999 Hz to 16 kHz needs 52 MB, while every multiple of 50 Hz up to 96 kHz and the usual rates such as 11,025,
 * 22,050 and 44,100 Hz need at most 1 MiB), and the cache keeps the most recently used kernels within
 * {@link #CACHE_BUDGET_BYTES}, so that a stream of distinct rates cannot exhaust the heap.
 *
 * <p>Two ways to apply the same kernel, chosen per call: direct multiply-adds (any rate pair), or, for the common
 * rate pairs with a small reduced ratio ({@code o <= 6, o * n <= 12}: 8 kHz telephone audio, 32 and 48 kHz) and
 * inputs of at least {@value #FFT_MIN_INPUT} samples, overlap-save FFT correlation in float64 (JTransforms), about
 * four times faster for 3 s of 8 kHz audio. Both stay within the golden tolerance of torchaudio's float32 output;
 * {@code ResamplerTest} checks them against each other as well.
 */
public final class Resampler {

    /** Rates accepted by {@link #of}. */
    public static final int MIN_RATE = 1000;

    public static final int MAX_RATE = 384_000;

    /** Output blocks per accumulation pass: accumulator and input rows stay in the L1 cache. */
    private static final int CHUNK = 1024;

    /** Largest polyphase kernel built for one rate pair: every multiple of 50 Hz to 16 kHz fits. */
    public static final long MAX_KERNEL_BYTES = 1 << 20;

    /** Total size of the cached kernels; least recently used ones are dropped beyond it. */
    public static final long CACHE_BUDGET_BYTES = 8L << 20;

    /** LRU (access order), guarded by itself; {@link #cachedBytes} is the sum of its entries' {@link #bytes()}. */
    private static final LinkedHashMap<Long, Resampler> CACHE =
            new LinkedHashMap<>(16, 0.75f, true);

    private static long cachedBytes;

    /** Shortest input for which the FFT path is used (shorter ones are cheap either way). */
    static final int FFT_MIN_INPUT = 4096;

    private final int fromRate;
    private final int toRate;
    private final int orig; // fromRate / gcd
    private final int next; // toRate / gcd
    private final int width;
    private final int tapsPerPhase;
    private final int[] phaseStart; // first padded-input offset of each phase's taps
    private final float[] taps; // [next][tapsPerPhase], zero-padded at the end of short phases
    private final FftKernel fftKernel; // null where the direct path is always used

    private Resampler(int fromRate, int toRate) {
        this.fromRate = fromRate;
        this.toRate = toRate;
        if (fromRate == toRate) {
            orig = next = 1;
            width = 0;
            tapsPerPhase = 0;
            phaseStart = new int[0];
            taps = new float[0];
            fftKernel = null;
            return;
        }
        int gcd = gcd(fromRate, toRate);
        orig = fromRate / gcd;
        next = toRate / gcd;
        int lpw = ResamplerSettings.LOWPASS_FILTER_WIDTH;
        double baseFreq = Math.min(orig, next) * ResamplerSettings.ROLLOFF;
        width = (int) Math.ceil(lpw * (double) orig / baseFreq);
        int kernelLength = 2 * width + orig;
        float baseFreq32 = (float) baseFreq;
        float pi32 = (float) Math.PI;
        double scale = baseFreq / orig;
        double i0Beta = besselI0(ResamplerSettings.BETA);
        double halfSpan = lpw * (double) orig / baseFreq;

        int maxTaps = (int) Math.ceil(2 * halfSpan) + 8; // >= hi - lo + 1 below
        int[] starts = new int[next];
        float[] kernel = new float[next * maxTaps];
        for (int j = 0; j < next; j++) {
            float phase = (float) -j / (float) next; // torch.arange(0, -new, -1) / new, float32
            double centre = width + (double) j * orig / next;
            int lo = Math.max(0, (int) Math.floor(centre - halfSpan) - 2);
            int hi = Math.min(kernelLength - 1, (int) Math.ceil(centre + halfSpan) + 2);
            int first = -1;
            int count = 0;
            for (int k = lo; k <= hi; k++) {
                float idx =
                        (float) (k - width) / (float) orig; // torch.arange(-w, w + o) / o, float32
                float t = (phase + idx) * baseFreq32;
                if (t <= -lpw || t >= lpw) {
                    continue; // clamped position: weight ~1e-13, omitted
                }
                if (first < 0) {
                    first = k;
                }
                double ratio = t / (double) lpw;
                double window =
                        besselI0(ResamplerSettings.BETA * Math.sqrt(1 - ratio * ratio)) / i0Beta;
                double x = t * pi32; // float32 product in torch
                float xf = (float) x;
                double sinc = xf == 0f ? 1.0 : Math.sin(xf) / xf;
                kernel[j * maxTaps + (k - first)] = (float) (sinc * window * scale);
                count = k - first + 1;
            }
            starts[j] = Math.max(first, 0);
            if (count > maxTaps) {
                throw new IllegalStateException(
                        "resampler phase " + j + " needs " + count + " taps > " + maxTaps);
            }
        }
        // keep the bound-sized rows (a few trailing zeros each) rather than compacting: no second
        // copy of a kernel
        // that can reach tens of MB for rate pairs with a large reduced ratio
        tapsPerPhase = maxTaps;
        phaseStart = starts;
        taps = kernel;
        fftKernel = orig <= 6 && orig * next <= 12 ? new FftKernel() : null;
    }

    /**
     * The resampler for a rate pair, built on first use and cached (least recently used pairs are dropped beyond
     * {@link #CACHE_BUDGET_BYTES}).
     *
     * @throws IllegalArgumentException for a rate outside {@link #MIN_RATE}..{@link #MAX_RATE}, or a pair whose
     *                                  kernel would exceed {@link #MAX_KERNEL_BYTES} (see {@link #supports})
     */
    public static Resampler of(int fromRate, int toRate) {
        checkPair(fromRate, toRate, MAX_KERNEL_BYTES);
        long key = ((long) fromRate << 32) | toRate;
        synchronized (CACHE) {
            Resampler cached = CACHE.get(key);
            if (cached != null) {
                return cached;
            }
        }
        // Built outside the lock (up to ~1 MiB of taps): two threads may both build a new pair; one
        // copy is kept.
        Resampler built = new Resampler(fromRate, toRate);
        synchronized (CACHE) {
            Resampler raced = CACHE.get(key);
            if (raced != null) {
                return raced;
            }
            CACHE.put(key, built);
            cachedBytes += built.bytes();
            Iterator<Map.Entry<Long, Resampler>> oldest = CACHE.entrySet().iterator();
            while (cachedBytes > CACHE_BUDGET_BYTES && oldest.hasNext()) {
                Map.Entry<Long, Resampler> entry = oldest.next();
                if (entry.getKey() == key) {
                    continue; // keep the one just built even if it alone exceeds the budget
                }
                cachedBytes -= entry.getValue().bytes();
                oldest.remove();
            }
            return built;
        }
    }

    /** Largest kernel {@link #uncached} builds (offline tools and parity tests with awkward rates such as 24,414 Hz). */
    public static final long MAX_UNCACHED_KERNEL_BYTES = 64L << 20;

    /**
     * A resampler for any rate pair whose kernel is at most {@link #MAX_UNCACHED_KERNEL_BYTES}, built anew and not
     * cached: for one-off offline use. The service uses {@link #of}, whose pairs it checks at intake.
     */
    public static Resampler uncached(int fromRate, int toRate) {
        checkPair(fromRate, toRate, MAX_UNCACHED_KERNEL_BYTES);
        return new Resampler(fromRate, toRate);
    }

    /** Both rates in range and the pair's kernel within {@code maxKernelBytes}, checked before anything is built. */
    private static void checkPair(int fromRate, int toRate, long maxKernelBytes) {
        checkRate(fromRate, "source");
        checkRate(toRate, "target");
        long kernel = kernelBytes(fromRate, toRate);
        if (kernel > maxKernelBytes) {
            throw new IllegalArgumentException(
                    "resampling "
                            + fromRate
                            + " Hz to "
                            + toRate
                            + " Hz needs a filter of "
                            + kernel
                            + " bytes, more than the limit of "
                            + maxKernelBytes
                            + " bytes: the ratio of the two "
                            + "rates does not reduce enough (their gcd is "
                            + gcd(fromRate, toRate)
                            + ")");
        }
    }

    private static final Map<Long, Resampler> OFFLINE =
            new LinkedHashMap<>(4, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, Resampler> eldest) {
                    return size() > 2;
                }
            };

    /**
     * For offline tools reading files ({@code classify}, {@code evaluate}): {@link #of} where it accepts the pair,
     * otherwise an {@link #uncached} resampler kept for the two most recent such pairs, so that a labelled set at an
     * awkward rate (TESS, 24,414 Hz) builds its filter once, not once per clip. The service never calls this.
     */
    public static Resampler offline(int fromRate, int toRate) {
        if (supports(fromRate, toRate)) {
            return of(fromRate, toRate);
        }
        long key = ((long) fromRate << 32) | toRate;
        synchronized (OFFLINE) {
            return OFFLINE.computeIfAbsent(key, k -> uncached(fromRate, toRate));
        }
    }

    /** Whether {@link #of} accepts this pair: both rates in range and a kernel of at most {@link #MAX_KERNEL_BYTES}. */
    public static boolean supports(int fromRate, int toRate) {
        return fromRate >= MIN_RATE
                && fromRate <= MAX_RATE
                && toRate >= MIN_RATE
                && toRate <= MAX_RATE
                && kernelBytes(fromRate, toRate) <= MAX_KERNEL_BYTES;
    }

    /**
     * Bytes of the polyphase kernel of a rate pair (the same arithmetic as the constructor, nothing allocated):
     * {@code n} phases x ({@code ceil(2 * 64 * o / (min(o, n) * rolloff)) + 8}) float32 taps, where
     * {@code o/n = from/to} reduced.
     */
    public static long kernelBytes(int fromRate, int toRate) {
        if (fromRate <= 0 || toRate <= 0) {
            throw new IllegalArgumentException(
                    "rates must be positive: " + fromRate + ", " + toRate);
        }
        if (fromRate == toRate) {
            return 0;
        }
        int gcd = gcd(fromRate, toRate);
        long o = fromRate / gcd;
        long n = toRate / gcd;
        double baseFreq = Math.min(o, n) * ResamplerSettings.ROLLOFF;
        double halfSpan = ResamplerSettings.LOWPASS_FILTER_WIDTH * (double) o / baseFreq;
        return n * ((long) Math.ceil(2 * halfSpan) + 8) * Float.BYTES;
    }

    /** Heap held by this instance's kernels (the polyphase taps and, where used, the FFT spectra). */
    long bytes() {
        long fftBytes = fftKernel == null ? 0 : (long) next * fftKernel.size * Double.BYTES;
        return (long) taps.length * Float.BYTES
                + (long) phaseStart.length * Integer.BYTES
                + fftBytes;
    }

    /** Sum of {@link #bytes()} over the cached resamplers (tests). */
    static long cachedBytes() {
        synchronized (CACHE) {
            return cachedBytes;
        }
    }

    /** Number of cached rate pairs (tests). */
    static int cachedPairs() {
        synchronized (CACHE) {
            return CACHE.size();
        }
    }

    public int fromRate() {
        return fromRate;
    }

    public int toRate() {
        return toRate;
    }

    /** Output length for {@code inputLength} samples: {@code ceil(toRate * inputLength / fromRate)}. */
    public int outputLength(int inputLength) {
        if (fromRate == toRate) {
            return inputLength;
        }
        return (int) (((long) next * inputLength + orig - 1) / orig);
    }

    /** Resamples a whole buffer (zero signal assumed outside it). Returns a new array; a copy when rates match. */
    public float[] process(float[] input) {
        if (fromRate == toRate) {
            return input.clone();
        }
        int length = input.length;
        float[] out = new float[outputLength(length)];
        if (out.length == 0) {
            return out;
        }
        if (fftKernel != null && length >= FFT_MIN_INPUT) {
            fftKernel.apply(input, out);
            return out;
        }
        return direct(input, out);
    }

    /** The direct path of {@link #process}, also used by the tests to check the FFT path against it. */
    float[] direct(float[] input, float[] out) {
        int length = input.length;
        // Output b*next + j reads input b*orig + phaseStart[j] - width + k for taps k. The
        // zero-padded input is
        // split into `orig` interleaved sub-sequences, so consecutive blocks b of one phase read
        // consecutive
        // elements of one sub-sequence per tap: each (phase, tap) pair is a contiguous multiply-add
        // over up to
        // CHUNK blocks. Each output still sums its taps in order k = 0, 1, ..., as torch's conv1d
        // does.
        int blocks = (out.length + next - 1) / next;
        int lead = ((width + orig - 1) / orig + 1) * orig; // left zero padding, a multiple of orig
        int subLength = blocks + (lead + tapsPerPhase + orig + width) / orig + 2;
        float[][] sub = new float[orig][subLength];
        for (int i = 0; i < length; i++) {
            int p = i + lead;
            sub[p % orig][p / orig] = input[i];
        }
        float[] acc = new float[Math.min(blocks, CHUNK)];
        for (int j = 0; j < next; j++) {
            int phaseBlocks =
                    (out.length - j + next - 1) / next; // blocks b with b*next + j < out.length
            int kernelOffset = j * tapsPerPhase;
            int base =
                    phaseStart[j]
                            - width
                            + lead; // tap k reads sub[(base+k) % orig][b + (base+k) / orig]
            for (int chunkStart = 0; chunkStart < phaseBlocks; chunkStart += CHUNK) {
                int chunk = Math.min(CHUNK, phaseBlocks - chunkStart);
                java.util.Arrays.fill(acc, 0, chunk, 0f);
                int row = base % orig;
                int offset = base / orig + chunkStart;
                for (int k = 0; k < tapsPerPhase; k++) {
                    float h = taps[kernelOffset + k];
                    float[] x = sub[row];
                    for (int b = 0; b < chunk; b++) { // contiguous axpy: vectorised by the JIT
                        acc[b] += h * x[offset + b];
                    }
                    if (++row == orig) {
                        row = 0;
                        offset++;
                    }
                }
                for (int b = 0; b < chunk; b++) {
                    out[(chunkStart + b) * next + j] = acc[b];
                }
            }
        }
        return out;
    }

    /** The FFT path on any input length (tests); null for rate pairs that never use it. */
    float[] fft(float[] input) {
        if (fftKernel == null) {
            return null;
        }
        float[] out = new float[outputLength(input.length)];
        if (out.length > 0) {
            fftKernel.apply(input, out);
        }
        return out;
    }

    /** Whether {@link #process} uses the FFT path for an input of this length. */
    boolean usesFft(int inputLength) {
        return fftKernel != null && inputLength >= FFT_MIN_INPUT;
    }

    /**
     * The kernel as overlap-save FFT correlation. Output {@code b*n + j} is
     * {@code z_j[b*o] = sum_k h_j[k] x[b*o + c_j + k]} with {@code c_j = phaseStart[j] - width} (x zero outside the
     * input). Every phase's taps are shifted by {@code c_j - min c} so that all phases correlate the same input
     * segment: one forward FFT per block, one inverse per phase; for {@code o > 1} only every o-th {@code z} is kept.
     */
    private final class FftKernel {
        private final int size;
        private final int offset; // min_j c_j
        private final int valid; // outputs per block: size - longest shifted kernel + 1
        private final double[][]
                spectra; // per phase, FFT of the shifted kernel (JTransforms realForward layout)
        private final ThreadLocal<DoubleFFT_1D> fft;

        FftKernel() {
            int minStart = Integer.MAX_VALUE;
            int maxStart = Integer.MIN_VALUE;
            for (int j = 0; j < next; j++) {
                minStart = Math.min(minStart, phaseStart[j]);
                maxStart = Math.max(maxStart, phaseStart[j]);
            }
            int span = tapsPerPhase + maxStart - minStart;
            int n = 1024;
            while (n < 8 * span) {
                n <<= 1;
            }
            size = n;
            offset = minStart - width;
            valid = size - span + 1;
            DoubleFFT_1D transform = new DoubleFFT_1D(size);
            spectra = new double[next][];
            for (int j = 0; j < next; j++) {
                double[] h = new double[size];
                int shift = phaseStart[j] - minStart;
                for (int k = 0; k < tapsPerPhase; k++) {
                    h[shift + k] = taps[j * tapsPerPhase + k];
                }
                transform.realForward(h);
                spectra[j] = h;
            }
            fft = ThreadLocal.withInitial(() -> new DoubleFFT_1D(size));
        }

        void apply(float[] input, float[] out) {
            DoubleFFT_1D transform = fft.get();
            double[] segment = new double[size];
            double[] product = new double[size];
            int[] phaseBlocks = new int[next];
            long zEnd = 0; // z indices needed: t = b*o for b < phaseBlocks[j]
            for (int j = 0; j < next; j++) {
                phaseBlocks[j] = (out.length - j + next - 1) / next;
                zEnd = Math.max(zEnd, (long) (phaseBlocks[j] - 1) * orig + 1);
            }
            for (long t0 = 0; t0 < zEnd; t0 += valid) {
                long from = t0 + offset;
                for (int m = 0; m < size; m++) {
                    long i = from + m;
                    segment[m] = i >= 0 && i < input.length ? input[(int) i] : 0.0;
                }
                transform.realForward(segment);
                int firstT =
                        (int)
                                (((t0 + orig - 1) / orig)
                                        * orig); // first multiple of o at or after t0
                for (int j = 0; j < next; j++) {
                    correlate(segment, spectra[j], product);
                    transform.realInverse(product, true);
                    for (long t = firstT; t < t0 + valid && t < zEnd; t += orig) {
                        long b = t / orig;
                        if (b < phaseBlocks[j]) {
                            out[(int) (b * next + j)] = (float) product[(int) (t - t0)];
                        }
                    }
                }
            }
        }

        /** {@code out = x * conj(h)} in realForward layout: circular correlation of the segment with the kernel. */
        private void correlate(double[] x, double[] h, double[] out) {
            out[0] = x[0] * h[0];
            out[1] = x[1] * h[1]; // Nyquist bin, real
            for (int k = 2; k < size; k += 2) {
                double xr = x[k];
                double xi = x[k + 1];
                double hr = h[k];
                double hi = h[k + 1];
                out[k] = xr * hr + xi * hi;
                out[k + 1] = xi * hr - xr * hi;
            }
        }
    }

    /** Modified Bessel function of the first kind, order 0 (power series; converges fast for x < 30). */
    static double besselI0(double x) {
        double term = 1;
        double sum = 1;
        double quarterSquare = x * x / 4;
        for (int k = 1; k < 200; k++) {
            term *= quarterSquare / ((double) k * k);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }

    private static void checkRate(int rate, String which) {
        if (rate < MIN_RATE || rate > MAX_RATE) {
            throw new IllegalArgumentException(
                    which
                            + " sample rate "
                            + rate
                            + " Hz is outside "
                            + MIN_RATE
                            + ".."
                            + MAX_RATE
                            + " Hz");
        }
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    @Override
    public String toString() {
        return "Resampler["
                + fromRate
                + " Hz -> "
                + toRate
                + " Hz, "
                + next
                + " phases x "
                + tapsPerPhase
                + " taps]";
    }
}
