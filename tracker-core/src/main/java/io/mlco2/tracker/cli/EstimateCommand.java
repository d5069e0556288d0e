package io.mlco2.tracker.cli;

import io.mlco2.tracker.carbon.Emissions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlco2.tracker.carbon.CarbonIntensities;
import io.mlco2.tracker.carbon.GridIntensity;
import io.mlco2.tracker.carbon.Mitigation;
import io.mlco2.tracker.carbon.UnknownRegionException;
import io.mlco2.tracker.hardware.TdpMatch;
import io.mlco2.tracker.hardware.TdpTables;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code estimate --hardware NAME --hours H --region R [--count N] [--pue P] [--json]}: the ML CO2 Impact
 * calculator's estimate (Lacoste et al. 2019), from the bundled tables.
 *
 * <p>energy_kwh = TDP_W x hours / 1000 x count x PUE (count and PUE default to 1, which reproduces the calculator);
 * emissions_kg = energy_kwh x gCO2e/kWh / 1000; offset_kg = emissions_kg x offsetRatio / 100 (the share the cloud
 * provider claims to offset; 0 outside the cloud). {@code cleanest_region} is the provider's cleanest bundled region
 * for a cloud region and {@code null} otherwise: moving a job to another country is rarely an option, so for a
 * country or zone the output gives its rank among places of its kind instead. Exit code 2 on bad input.
 */
public final class EstimateCommand implements Command {

    // US EPA Greenhouse Gas Equivalencies Calculator factors, converted here (not the calculator page's arithmetic).
    static final double CAR_TONNES_CO2_PER_MILE = 3.98e-4;
    static final double KM_PER_MILE = 1.609344;
    static final double COAL_TONNES_CO2_PER_LB = 9.05e-4;
    static final double KG_PER_LB = 0.45359237;
    static final double SEEDLING_10Y_TONNES_CO2 = 0.060;

    private static final String REGIONS_ACCEPTED = "a country (FR, FRA, France), a zone (US-CA, CA-QC, SE3) or a cloud "
            + "region (aws:us-east-1, gcp:europe-west1, azure:canadaeast)";

    private final ArgParser parser = new ArgParser("estimate",
            "the ML CO2 Impact calculator's estimate (Lacoste et al. 2019) from the bundled tables");
    private final ArgParser.Option<String> hardwareOpt = parser.required("--hardware", "NAME",
            ArgParser.text("a GPU/TPU/CPU name, e.g. \"NVIDIA A100-SXM4-80GB\", \"Tesla V100-SXM2-32GB\", \"AMD EPYC 7742\""),
            "the device");
    private final ArgParser.Option<Double> hoursOpt = parser.required("--hours", "H",
            ArgParser.number(Double.MIN_VALUE, Double.MAX_VALUE, "hours > 0, e.g. 12 or 0.5"), "how long it ran");
    private final ArgParser.Option<String> regionOpt = parser.required("--region", "R",
            ArgParser.text(REGIONS_ACCEPTED), "where it ran");
    private final ArgParser.Option<Integer> countOpt = parser.optional("--count", "N",
            ArgParser.integer(1, Integer.MAX_VALUE, "an integer >= 1"), "1", "number of devices");
    private final ArgParser.Option<Double> pueOpt = parser.optional("--pue", "P",
            ArgParser.number(1, Double.MAX_VALUE, "a number >= 1, e.g. 1.1 (1 = no overhead, as the calculator)"), "1",
            "data-centre power usage effectiveness");
    private final ArgParser.Option<Boolean> jsonOpt = parser.flag("--json", "print one JSON object");

    /** Read at the first estimate, not when the command line starts: {@code version} and {@code --help} need neither. */
    private CarbonIntensities intensities;
    private TdpTables tdp;

    public EstimateCommand() {
    }

    EstimateCommand(CarbonIntensities intensities, TdpTables tdp) {
        this.intensities = intensities;
        this.tdp = tdp;
    }

    /** The estimate's numbers; {@code cleanest} is empty outside the cloud. */
    record Estimate(TdpMatch hardware, int count, double hours, GridIntensity region, double pue, double energyKwh,
                    double emissionsKg, int offsetRatioPercent, double offsetKg, Optional<GridIntensity> cleanest,
                    double cleanestEmissionsKg, Mitigation mitigation) {

        double kmDriven() {
            return emissionsKg / (CAR_TONNES_CO2_PER_MILE * 1000.0) * KM_PER_MILE;
        }

        double kgCoalBurned() {
            return emissionsKg / (COAL_TONNES_CO2_PER_LB * 1000.0) * KG_PER_LB;
        }

        double treeSeedlings10y() {
            return emissionsKg / (SEEDLING_10Y_TONNES_CO2 * 1000.0);
        }
    }

    @Override
    public ArgParser parser() {
        return parser;
    }

    @Override
    public int run(ArgParser.Parsed args, PrintStream out, PrintStream err) throws ArgParser.BadArgs {
        if (intensities == null) {
            intensities = CarbonIntensities.bundled();
            tdp = TdpTables.bundled();
        }
        String hardwareName = args.get(hardwareOpt);
        Optional<TdpMatch> hw = tdp.hardware(hardwareName);
        if (hw.isEmpty()) {
            throw ArgParser.BadArgs.value(hardwareOpt.name, hardwareName, "not a known hardware name",
                    "a name from the TDP tables; closest known: " + String.join(", ", tdp.suggestions(hardwareName, 5)));
        }
        GridIntensity region;
        try {
            region = intensities.resolve(args.get(regionOpt));
        } catch (UnknownRegionException e) {
            throw ArgParser.BadArgs.value(regionOpt.name, e.region(), "not a known region", REGIONS_ACCEPTED
                    + (e.suggestions().isEmpty() ? "" : "; closest known: " + String.join(", ", e.suggestions())));
        }
        Estimate est = estimate(hw.get(), args.get(countOpt), args.get(hoursOpt), region, args.get(pueOpt));
        if (!Double.isFinite(est.energyKwh()) || !Double.isFinite(est.emissionsKg())) {
            throw new ArgParser.BadArgs("--hours " + args.get(hoursOpt) + " x --count " + args.get(countOpt) + " x --pue "
                    + args.get(pueOpt) + " x " + hw.get().tdpWatts() + " W is beyond a finite number of kWh; expected values"
                    + " whose energy is finite");
        }
        out.println(args.get(jsonOpt) ? toJson(est) : toText(est));
        return 0;
    }

    Estimate estimate(TdpMatch hardware, int count, double hours, GridIntensity region, double pue) {
        double energyKwh = hardware.tdpWatts() * hours / 1000.0 * count * pue;
        double emissionsKg = Emissions.kg(energyKwh, 1.0, region.gramsPerKwh());
        int offsetRatio = intensities.offsetRatioPercent(region);
        double offsetKg = emissionsKg * offsetRatio / 100.0;
        Optional<GridIntensity> cleanest = region.onCloud()
                ? intensities.cleanestCloudRegion(region.cloudProvider()) : Optional.empty();
        double cleanestKg = cleanest.map(c -> Emissions.kg(energyKwh, 1.0, c.gramsPerKwh())).orElse(Double.NaN);
        return new Estimate(hardware, count, hours, region, pue, energyKwh, emissionsKg, offsetRatio, offsetKg,
                cleanest, cleanestKg, intensities.mitigation(region, energyKwh));
    }

    String toJson(Estimate e) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode o = mapper.createObjectNode();
        o.put("hardware", e.hardware().matchedName());
        o.put("hardware_query", e.hardware().query());
        o.put("tdp_w", e.hardware().tdpWatts());
        o.put("tdp_table", e.hardware().table());
        o.put("count", e.count());
        o.put("hours", e.hours());
        o.put("region", e.region().region());
        o.put("region_name", e.region().displayName());
        o.put("carbon_intensity_g_per_kwh", e.region().gramsPerKwh());
        o.put("carbon_intensity_source", e.region().source());
        o.put("pue", e.pue());
        o.put("energy_kwh", e.energyKwh());
        o.put("emissions_kg", e.emissionsKg());
        o.put("offset_ratio_percent", e.offsetRatioPercent());
        o.put("offset_kg", e.offsetKg());
        if (e.cleanest().isPresent()) {
            ObjectNode c = o.putObject("cleanest_region");
            c.put("region", e.cleanest().get().region());
            c.put("carbon_intensity_g_per_kwh", e.cleanest().get().gramsPerKwh());
            c.put("emissions_kg", e.cleanestEmissionsKg());
        } else {
            o.putNull("cleanest_region");
        }
        o.put("rank", e.mitigation().rank());
        o.put("rank_out_of", e.mitigation().rankOutOf());
        o.put("mitigation", e.mitigation().text());
        ObjectNode eq = o.putObject("equivalents");
        eq.put("km_driven", e.kmDriven());
        eq.put("kg_coal_burned", e.kgCoalBurned());
        eq.put("tree_seedlings_10y", e.treeSeedlings10y());
        eq.put("source", "US EPA Greenhouse Gas Equivalencies Calculator factors");
        o.put("method", "ML CO2 Impact calculator (Lacoste et al. 2019): TDP x hours x count x PUE x grid intensity");
        try {
            return mapper.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    String toText(Estimate e) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT,
                "Experiments were conducted using %s in %s, which has a carbon intensity of %s gCO2e/kWh (%s). "
                        + "A cumulative %s hours of computation on %s%s (TDP of %s W)%s was performed, "
                        + "using an estimated %s kWh of electricity. Total emissions are estimated to be %s kgCO2e",
                e.region().onCloud() ? e.region().displayName() : "infrastructure",
                e.region().onCloud() ? e.region().countryName() : e.region().displayName(),
                num(e.region().gramsPerKwh()), e.region().source(), num(e.hours()),
                e.count() == 1 ? "" : e.count() + " x ", e.hardware().matchedName(), num(e.hardware().tdpWatts()),
                e.pue() == 1.0 ? "" : " at a PUE of " + num(e.pue()), num(e.energyKwh()), num(e.emissionsKg())));
        if (e.region().onCloud()) {
            s.append(String.format(Locale.ROOT, ", of which %s%% (%s kg) were directly offset by the cloud provider",
                    e.offsetRatioPercent(), num(e.offsetKg())));
        }
        s.append(String.format(Locale.ROOT, ". This is equivalent to %s km driven by an average car, %s kg of coal "
                        + "burned, or the carbon sequestered by %s tree seedlings grown for 10 years (US EPA factors).",
                num(e.kmDriven()), num(e.kgCoalBurned()), num(e.treeSeedlings10y())));
        s.append(" Estimations were conducted using the ML CO2 Impact method (Lacoste et al., 2019) with mlco2-agent.");
        s.append(System.lineSeparator()).append(e.mitigation().text());
        return s.toString();
    }

    private static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.3g", v);
    }
}
