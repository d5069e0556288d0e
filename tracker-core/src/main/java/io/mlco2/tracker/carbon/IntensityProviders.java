package io.mlco2.tracker.carbon;

import io.mlco2.tracker.base.Log;
import io.mlco2.tracker.config.Config;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** The provider that {@code mlco2.carbon-intensity.source} names, made from the configuration. */
public final class IntensityProviders {

    /** Longest wait for one answer of a live API. */
    static final Duration HTTP_TIMEOUT = Duration.ofSeconds(3);

    private IntensityProviders() {
    }

    /**
     * The configured provider, not started; {@code null} for the yearly average (the default) or when the source
     * cannot be used (one line says why and that the yearly average is used). Never throws; reads nothing.
     */
    public static IntensityProvider create(Config config, GridIntensity yearly, Log log) {
        String source = config.get(Config.CARBON_INTENSITY_SOURCE);
        if (source == null || source.equals("yearly-average")) {
            return null;
        }
        String instead = "; using the yearly average " + yearly.gramsPerKwh() + " gCO2eq/kWh (" + yearly.region() + ")";
        Clock clock = Clock.systemUTC();
        Duration refresh = config.get(Config.CARBON_INTENSITY_REFRESH);
        String url = config.get(Config.CARBON_INTENSITY_URL);
        String zone = config.get(Config.CARBON_INTENSITY_ZONE);
        if (url != null && !source.equals("file") && !url.startsWith("http://") && !url.startsWith("https://")) {
            log.warn("mlco2.carbon-intensity.url=" + url + " is not valid: accepted an http(s) URL such as "
                    + UkGrid.DEFAULT_URL + instead);
            return null;
        }
        switch (source) {
            case "file": {
                String file = config.get(Config.CARBON_INTENSITY_FILE);
                if (file == null) {
                    log.warn("mlco2.carbon-intensity.source=file needs mlco2.carbon-intensity.file (a CSV of "
                            + FileIntensity.ACCEPTED + ")" + instead);
                    return null;
                }
                return new FileIntensity(Path.of(file), log, yearly, clock);
            }
            case "electricitymaps": {
                String token = config.get(Config.CARBON_INTENSITY_TOKEN);
                if (token == null) {
                    log.warn("mlco2.carbon-intensity.source=electricitymaps needs a token: mlco2.carbon-intensity.token "
                            + "or MLCO2_CARBON_INTENSITY_TOKEN" + instead);
                    return null;
                }
                if (zone == null) {
                    if (yearly.fallback() || yearly.onCloud()) {
                        log.warn("mlco2.carbon-intensity.source=electricitymaps needs a zone: mlco2.carbon-intensity.zone "
                                + "(such as DE or US-CAL-CISO), or mlco2.region set to a country or zone" + instead);
                        return null;
                    }
                    zone = yearly.region();
                }
                return new ElectricityMaps(url, zone, token, refresh, HTTP_TIMEOUT, log, yearly, clock);
            }
            case "ukgrid": {
                Integer region = null;
                if (zone != null && !zone.equalsIgnoreCase("national") && !zone.equalsIgnoreCase("GB")) {
                    try {
                        region = Integer.valueOf(zone);
                    } catch (NumberFormatException e) {
                        region = -1;
                    }
                    if (region < 1 || region > 17) {
                        log.warn("mlco2.carbon-intensity.zone=" + zone + " is not valid for ukgrid: accepted national or a "
                                + "region id 1 to 17" + instead);
                        return null;
                    }
                }
                return new UkGrid(url, region, refresh, HTTP_TIMEOUT, log, yearly, clock);
            }
            default:
                return null;
        }
    }
}
