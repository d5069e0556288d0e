package io.mlco2.tracker.energy;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A machine-level source's energy split by the host lease: whole over the intervals with it, this process's
 * fraction over the others. Expected joules are worked out by hand from the scripted readings.
 */
class EnergyAccumulatorShareTest {

    static final long S = 1_000_000_000L;

    /** Fractions from a queue; records when it was asked. */
    static final class Fractions implements ProcessFraction {
        final Deque<Double> next = new ArrayDeque<>();
        final List<Long> calls = new ArrayList<>();
        long begun = -1;

        @Override
        public void begin(long monotonicNanos) {
            begun = monotonicNanos;
        }

        @Override
        public double sinceLastCall(long monotonicNanos) {
            calls.add(monotonicNanos);
            return next.poll();
        }
    }

    /** The lease held from a given instant on. */
    static final class LeaseFrom implements HostLeaseState {
        long fromNanos;

        LeaseFrom(long fromNanos) {
            this.fromNanos = fromNanos;
        }

        @Override
        public boolean wholeMachineSince(long from) {
            return fromNanos <= from;
        }
    }

    @Test
    void counterDeltasAreSharedUntilTheLeaseIsTakenOverThenCountedWhole() {
        EnergyAccumulatorTest.Scripted s = new EnergyAccumulatorTest.Scripted();
        for (double joules : new double[] {1000, 1010, 1030, 1060, 1100}) {
            s.readings.add(Reading.counter(joules, Double.POSITIVE_INFINITY, Double.NaN, Double.NaN));
        }
        Fractions f = new Fractions();
        f.next.add(0.5);
        f.next.add(0.25);
        LeaseFrom lease = new LeaseFrom(Long.MAX_VALUE);
        EnergyAccumulator a = new EnergyAccumulator(s, f, lease);
        a.prime(0);
        assertEquals(0, f.begun, "without the lease at the start, the fraction takes its first reading then");
        a.sample(0);            // the counter's baseline: no energy yet (its fraction, 0.5, multiplies nothing)
        a.sample(S);            // +10 J without the lease: x 0.25
        lease.fromNanos = S;    // the lease is taken at the sample at 1 s: the intervals from 1 s on are whole
        a.sample(2 * S);        // +20 J whole
        a.sample(3 * S);        // +30 J whole
        a.sample(4 * S);        // +40 J whole
        assertEquals(List.of(0L, S), f.calls);
        assertEquals(2.5, a.shareEnergyJoules(), 1e-12);
        assertEquals(20 + 30 + 40, a.wholeEnergyJoules(), 1e-12);
        assertEquals(92.5, a.energyJoules(), 1e-12);
        assertEquals(40.0, a.powerWatts(), 1e-12);
        assertTrue(a.machineLevel());
    }

    @Test
    void powerIsIntegratedThenScaledByTheFractionAndTheReportedPowerIsTheShare() {
        EnergyAccumulatorTest.Scripted s = new EnergyAccumulatorTest.Scripted();
        s.readings.add(Reading.power(100, 0.5));
        s.readings.add(Reading.power(300, 0.5));
        Fractions f = new Fractions();
        f.next.add(0.1);
        f.next.add(0.5);
        EnergyAccumulator a = new EnergyAccumulator(s, f, new LeaseFrom(Long.MAX_VALUE));
        a.prime(0);
        a.sample(2 * S);  // (100 + 100) / 2 x 2 s = 200 J, x 0.1 = 20 J
        a.sample(4 * S);  // (100 + 300) / 2 x 2 s = 400 J, x 0.5 = 200 J
        assertEquals(220, a.energyJoules(), 1e-9);
        assertEquals(220, a.shareEnergyJoules(), 1e-9);
        assertEquals(0, a.wholeEnergyJoules());
        assertEquals(150, a.powerWatts(), 1e-9);
    }

    @Test
    void unknownOrOutOfRangeFractionsCountZeroAndAtMostAll() {
        EnergyAccumulatorTest.Scripted s = new EnergyAccumulatorTest.Scripted();
        for (double joules : new double[] {0, 10, 30, 60}) {
            s.readings.add(Reading.counter(joules, Double.POSITIVE_INFINITY, Double.NaN, Double.NaN));
        }
        Fractions f = new Fractions();
        f.next.add(Double.NaN);
        f.next.add(Double.NaN);
        f.next.add(7.0);
        f.next.add(-1.0);
        EnergyAccumulator a = new EnergyAccumulator(s, f, new LeaseFrom(Long.MAX_VALUE));
        a.prime(0);
        a.sample(0);
        a.sample(S);      // NaN: 0 of 10 J
        a.sample(2 * S);  // 7 -> 1: 20 J
        a.sample(3 * S);  // -1 -> 0: 0 of 30 J
        assertEquals(20, a.energyJoules(), 1e-12);
    }

    @Test
    void aLoneJvmCountsExactlyWhatAnAccumulatorWithoutShareCounts() {
        double[] watts = {13.7, 250.1, 0.3, 99.9, 42.42};
        EnergyAccumulatorTest.Scripted plainSource = new EnergyAccumulatorTest.Scripted();
        EnergyAccumulatorTest.Scripted leasedSource = new EnergyAccumulatorTest.Scripted();
        for (double w : watts) {
            plainSource.readings.add(Reading.power(w, 0.3));
            leasedSource.readings.add(Reading.power(w, 0.3));
        }
        Fractions f = new Fractions();
        EnergyAccumulator plain = new EnergyAccumulator(plainSource);
        EnergyAccumulator leased = new EnergyAccumulator(leasedSource, f, HostLeaseState.WHOLE_MACHINE);
        plain.prime(7);
        leased.prime(7);
        for (int i = 1; i <= watts.length; i++) {
            plain.sample(7 + i * 333_333_333L);
            leased.sample(7 + i * 333_333_333L);
        }
        assertEquals(plain.energyJoules(), leased.energyJoules(), 0.0);
        assertEquals(plain.energyJoules(), leased.wholeEnergyJoules(), 0.0);
        assertEquals(plain.powerWatts(), leased.powerWatts(), 0.0);
        assertEquals(0, leased.shareEnergyJoules());
        assertEquals(-1, f.begun, "a lone JVM never reads its share");
        assertTrue(f.calls.isEmpty());
        assertFalse(plain.machineLevel());
    }
}
