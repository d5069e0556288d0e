package io.mlco2.tracker.carbon;

import java.util.List;

/** A region that no bundled table knows; the message names it and the closest known ones. */
public final class UnknownRegionException extends Exception {

    private final String region;
    private final List<String> suggestions;

    public UnknownRegionException(String region, List<String> suggestions) {
        super("unknown region '" + region + "'" + (suggestions.isEmpty() ? "" : "; closest known: " + String.join(", ", suggestions))
                + "; accepted: a country (FR, FRA, France), a zone (US-CA, CA-QC, SE3) or a cloud region (aws:us-east-1, gcp:europe-west1, azure:canadaeast)");
        this.region = region;
        this.suggestions = List.copyOf(suggestions);
    }

    public String region() {
        return region;
    }

    public List<String> suggestions() {
        return suggestions;
    }
}
