package io.emostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The load sequence of {@code bench --find-max}: doubling until a failure, then bisection to a tenth. */
class FindMaxSearchTest {

    @Test
    void doublesWhileEveryStepPasses() {
        assertEquals(200, BenchCommand.nextLoad(100, 0, 2000));
        assertEquals(2000, BenchCommand.nextLoad(1600, 0, 2000), "capped at --max-calls");
        assertEquals(0, BenchCommand.nextLoad(2000, 0, 2000), "the cap passed: the search is over");
    }

    @Test
    void bisectsBetweenTheLastPassAndTheFirstFailure() {
        // 100, 200 and 400 would have run before: 200 passed, 400 failed
        assertEquals(300, BenchCommand.nextLoad(200, 400, 2000));
        assertEquals(350, BenchCommand.nextLoad(300, 400, 2000));
        assertEquals(375, BenchCommand.nextLoad(350, 400, 2000), "gap 50 above a tenth of 350");
        assertEquals(
                0, BenchCommand.nextLoad(375, 400, 2000), "gap 25 within a tenth of 375: done");
        assertEquals(0, BenchCommand.nextLoad(40, 50, 2000), "gap of 10 calls: done");
    }

    @Test
    void halvesWhenTheFirstStepFails() {
        assertEquals(50, BenchCommand.nextLoad(0, 100, 2000));
        assertEquals(0, BenchCommand.nextLoad(0, 1, 2000), "not even one call keeps up");
    }
}
