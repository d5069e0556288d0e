package io.mlco2.tracker.cpu;

/**
 * The uncertainty band of a modelled figure, as factors of the figure.
 *
 * @param lowFactor  the band's low end over the figure (at most 1)
 * @param highFactor the band's high end over the figure (at least 1)
 * @param source     where the band comes from, e.g. {@code Teads EC2 RAM watts per GB, 10th-90th percentile}
 */
public record ModelBand(double lowFactor, double highFactor, String source) {

    public ModelBand {
        lowFactor = Math.min(1, lowFactor);
        highFactor = Math.max(1, highFactor);
    }

    /** No band: the figure as given (a user's own watts). */
    public static ModelBand exact(String source) {
        return new ModelBand(1, 1, source);
    }
}
