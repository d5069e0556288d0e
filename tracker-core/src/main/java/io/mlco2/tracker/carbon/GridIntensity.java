package io.mlco2.tracker.carbon;

/**
 * The carbon intensity of the electricity a job used.
 *
 * @param region          canonical region id as the user would write it: {@code FR}, {@code US-CA}, {@code SE3},
 *                        {@code aws:us-east-1}; {@code world} for the world-average fallback
 * @param displayName     readable name, e.g. {@code France}, {@code AWS us-east-1 (N. Virginia)}
 * @param countryName     country name for the CSV's {@code country_name}; empty when unknown
 * @param countryIsoCode  ISO 3166 alpha-3 for the CSV's {@code country_iso_code}; empty when unknown
 * @param subRegion       sub-national region for the CSV's {@code region} column (e.g. {@code california}); empty when none
 * @param cloudProvider   {@code aws}, {@code gcp}, ... ; empty when not a cloud region
 * @param cloudRegion     provider's region id; empty when not a cloud region
 * @param gramsPerKwh     gCO2eq per kWh
 * @param source          where the number comes from (data set and year)
 * @param fallback        true when this is the world average used because no (valid) region was given
 */
public record GridIntensity(String region, String displayName, String countryName, String countryIsoCode,
                            String subRegion, String cloudProvider, String cloudRegion, double gramsPerKwh,
                            String source, boolean fallback) {

    public boolean onCloud() {
        return !cloudProvider.isEmpty();
    }

    /** The same place with the intensity overridden by the user ({@code mlco2.carbon-intensity}). */
    public GridIntensity withOverride(double gramsPerKwh) {
        return new GridIntensity(region, displayName, countryName, countryIsoCode, subRegion, cloudProvider,
                cloudRegion, gramsPerKwh, "mlco2.carbon-intensity (user override)", false);
    }
}
