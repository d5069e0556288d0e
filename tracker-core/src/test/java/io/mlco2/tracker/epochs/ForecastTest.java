package io.mlco2.tracker.epochs;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The forecast's numbers from its inputs: mean per epoch x planned epochs, kWh = J / 3.6e6, kg = kWh x PUE x g / 1000. */
class ForecastTest {

    static final double J_PER_KWH = 3_600_000; // 1000 W x 3600 s

    // 3 epochs measured at 0.01 kWh and 12.5 s each, 10 planned, 50 g/kWh, PUE 1.2
    static final int PLANNED = 10;
    static final double EPOCH_J = 36_000;
    static final double EPOCH_S = 12.5;
    static final double G_PER_KWH = 50;
    static final double PUE = 1.2;
    final Forecast f = new Forecast(3, PLANNED, "mlco2.epochs", EPOCH_J, EPOCH_S, G_PER_KWH, PUE);

    final double kwh = EPOCH_J * PLANNED / J_PER_KWH;          // 0.1 kWh
    final double kg = kwh * PUE * G_PER_KWH / 1000;             // 0.006 kg
    final double seconds = EPOCH_S * PLANNED;                   // 125 s

    @Test
    void totalsAreTheMeanEpochTimesThePlannedEpochs() {
        assertEquals(EPOCH_J * PLANNED, f.energyJoules(), 1e-9);
        assertEquals(kwh, f.energyKwh(), 1e-15);
        assertEquals(0.1, f.energyKwh(), 1e-15);
        assertEquals(kg, f.emissionsKg(), 1e-15);
        assertEquals(seconds, f.durationSeconds(), 1e-12);
    }

    @Test
    void theMessageStatesEachFigure() {
        String m = f.message();
        assertTrue(m.startsWith("forecast after 3 of 10 epochs: 0.100000 kWh, 0.006000 kgCO2eq, 125 s of training"), m);
        assertTrue(m.contains("(mean 0.010000 kWh and 12.5 s per epoch x 10 epochs from mlco2.epochs, 50.0 gCO2eq/kWh,"
                + " PUE 1.20)"), m);
    }

    @Test
    void theBudgetWarnsOnlyWhenTheForecastIsOverIt() {
        assertNull(f.budgetWarning(null));
        assertNull(f.budgetWarning(1.0));
        assertNull(f.budgetWarning(f.emissionsKg()), "exactly at the budget is not over it");
        String w = f.budgetWarning(0.004);
        assertEquals("BUDGET: the forecast 0.006000 kgCO2eq for 10 epochs exceeds mlco2.budget.kg=0.004 (150% of it);"
                + " the job is not stopped", w);
        assertTrue(f.budgetWarning(0.0).contains("(Infinity% of it)"), f.budgetWarning(0.0));
    }

    @Test
    void theSectionPutsTheForecastBesideTheActuals() {
        double actualRunJ = 400_000;
        double actualEpochsJ = 300_000;
        Map<String, Object> s = f.toSection(actualRunJ, actualEpochsJ, 8);
        assertEquals(3, s.get("after_epochs"));
        assertEquals(PLANNED, s.get("planned_epochs"));
        assertEquals("mlco2.epochs", s.get("planned_epochs_source"));
        assertEquals(EPOCH_J / J_PER_KWH, (double) s.get("mean_epoch_energy_kwh"), 1e-15);
        assertEquals(EPOCH_S, (double) s.get("mean_epoch_duration_s"), 0.0);
        assertEquals(kwh, (double) s.get("forecast_energy_kwh"), 1e-15);
        assertEquals(kg, (double) s.get("forecast_emissions_kg"), 1e-15);
        assertEquals(seconds, (double) s.get("forecast_duration_s"), 1e-12);
        assertEquals(actualRunJ / J_PER_KWH, (double) s.get("actual_energy_kwh"), 1e-15);
        assertEquals(actualRunJ / J_PER_KWH * PUE * G_PER_KWH / 1000, (double) s.get("actual_emissions_kg"), 1e-15);
        // forecast 360 kJ against 400 kJ: 10 % under; against the epochs' 300 kJ: 20 % over
        assertEquals(-10.0, (double) s.get("error_percent"), 1e-9);
        assertEquals(8, s.get("actual_epochs"));
        assertEquals(actualEpochsJ / J_PER_KWH, (double) s.get("actual_epochs_energy_kwh"), 1e-15);
        assertEquals(20.0, (double) s.get("epochs_error_percent"), 1e-9);
    }

    @Test
    void noActualEnergyYetHasNoErrorPercent() {
        Map<String, Object> s = f.toSection(0, 0, 0);
        assertTrue(s.containsKey("error_percent"));
        assertNull(s.get("error_percent"));
        assertNull(s.get("epochs_error_percent"));
        assertEquals(0.0, (double) s.get("actual_emissions_kg"), 0.0);
    }
}
