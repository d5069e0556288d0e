package io.mlco2.tracker.epochs;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The forecast's numbers from its inputs: the run so far + the epochs left x the mean cost of one; kWh = J / 3.6e6,
 * kg = kWh x PUE x g / 1000.
 */
class ForecastTest {

    static final double J_PER_KWH = 3_600_000; // 1000 W x 3600 s

    // After 3 of 10 epochs: the run used 150 kJ so far (start-up and 3 epochs, 80 s of them); a typical epoch is
    // 36 kJ and 12.5 s; 50 g/kWh, PUE 1.2.
    static final int PLANNED = 10;
    static final double SO_FAR_J = 150_000;
    static final double SO_FAR_S = 80;
    static final double EPOCH_J = 36_000;
    static final double EPOCH_S = 12.5;
    static final double G_PER_KWH = 50;
    static final double PUE = 1.2;
    final Forecast f = new Forecast(3, PLANNED, "mlco2.epochs", EPOCH_J, EPOCH_S, "median of epochs 2-3", SO_FAR_J,
            SO_FAR_S, G_PER_KWH, PUE);

    final double joules = 150_000 + 7 * 36_000;                // 402 kJ
    final double kwh = joules / J_PER_KWH;                       // 0.111667 kWh
    final double kg = kwh * PUE * G_PER_KWH / 1000;             // 0.0067 kg
    final double seconds = 80 + 7 * 12.5;                        // 167.5 s

    @Test
    void totalsAreTheRunSoFarPlusTheEpochsLeftAtATypicalEpoch() {
        assertEquals(7, f.remainingEpochs());
        assertEquals(joules, f.energyJoules(), 1e-9);
        assertEquals(kwh, f.energyKwh(), 1e-15);
        assertEquals(kg, f.emissionsKg(), 1e-15);
        assertEquals(0.0067, f.emissionsKg(), 1e-12);
        assertEquals(seconds, f.durationSeconds(), 1e-12);
    }

    @Test
    void moreEpochsThanPlannedLeaveNoneToRun() {
        Forecast over = new Forecast(12, PLANNED, "mlco2.epochs", EPOCH_J, EPOCH_S, "b", SO_FAR_J, SO_FAR_S,
                G_PER_KWH, PUE);
        assertEquals(0, over.remainingEpochs());
        assertEquals(SO_FAR_J, over.energyJoules(), 0.0);
    }

    @Test
    void theMessageStatesEachFigure() {
        String m = f.message();
        assertEquals("forecast after 3 of 10 epochs: 0.111667 kWh, 0.006700 kgCO2eq, 168 s of training"
                + " (12.5 s and 36000 J per epoch from median of epochs 2-3; 10 epochs from mlco2.epochs)", m);
    }

    @Test
    void theBudgetWarnsOnlyWhenTheForecastIsOverIt() {
        assertNull(f.budgetWarning(null));
        assertNull(f.budgetWarning(1.0));
        assertNull(f.budgetWarning(f.emissionsKg()), "exactly at the budget is not over it");
        String w = f.budgetWarning(0.0050);
        assertEquals("BUDGET: the forecast 0.006700 kgCO2eq for 10 epochs (after 3) exceeds mlco2.budget.kg=0.005"
                + " (134% of it); the job is not stopped", w);
        assertTrue(f.budgetWarning(0.0).contains("(Infinity% of it)"), f.budgetWarning(0.0));
        Forecast first = new Forecast(1, PLANNED, "mlco2.epochs", EPOCH_J, EPOCH_S, EpochCost.FIRST_EPOCH_BASIS,
                SO_FAR_J, SO_FAR_S, G_PER_KWH, PUE);
        assertTrue(first.budgetWarning(0.0050).contains(" for 10 epochs (after 1, from epoch 1, warm-up included:"
                + " often high) exceeds "), first.budgetWarning(0.0050));
    }

    @Test
    void theEntryPutsTheForecastBesideTheActual() {
        double actualRunJ = 400_000;
        Map<String, Object> s = f.toEntry(actualRunJ);
        assertEquals(3, s.get("after_epochs"));
        assertEquals(PLANNED, s.get("planned_epochs"));
        assertEquals("mlco2.epochs", s.get("planned_epochs_source"));
        assertEquals("median of epochs 2-3", s.get("basis"));
        assertEquals(EPOCH_J / J_PER_KWH, (double) s.get("epoch_energy_kwh"), 1e-15);
        assertEquals(EPOCH_S, (double) s.get("epoch_duration_s"), 0.0);
        assertEquals(kwh, (double) s.get("forecast_energy_kwh"), 1e-15);
        assertEquals(kg, (double) s.get("forecast_emissions_kg"), 1e-15);
        assertEquals(seconds, (double) s.get("forecast_duration_s"), 1e-12);
        // forecast 402 kJ against 400 kJ: 0.5 % over
        assertEquals(0.5, (double) s.get("forecast_error_pct"), 1e-9);
        assertNull(f.toEntry(0).get("forecast_error_pct"), "no actual energy yet: no error");
        assertTrue(f.toEntry(0).containsKey("forecast_error_pct"));
    }

    @Test
    void aForecastIsPrintedAgainOnlyWhenItMovedByMoreThanTenPercent() {
        Forecast near = new Forecast(4, PLANNED, "mlco2.epochs", EPOCH_J, EPOCH_S, "b", SO_FAR_J + 36_000 + 30_000,
                SO_FAR_S, G_PER_KWH, PUE); // 402 kJ + 30 kJ: 7.5 % more
        Forecast far = new Forecast(4, PLANNED, "mlco2.epochs", EPOCH_J, EPOCH_S, "b", SO_FAR_J + 36_000 + 50_000,
                SO_FAR_S, G_PER_KWH, PUE); // 402 kJ + 50 kJ: 12.4 % more
        assertTrue(f.movedFrom(null), "the first is printed");
        assertFalse(near.movedFrom(f));
        assertTrue(far.movedFrom(f));
    }
}
