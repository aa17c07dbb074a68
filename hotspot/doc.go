// Package hotspot implements the statistics behind minqing's hot spot
// layers: the Getis-Ord Gi* local statistic, Benjamini–Hochberg false
// discovery rate correction, the Mann–Kendall trend test and the emerging
// hot spot labels of ArcGIS Pro's Emerging Hot Spot Analysis.
//
// The statistics ([GiStar], [FDR], [MannKendall], [EmergingLabel]) are pure
// Go and know nothing about H3 or the database. The caller numbers the
// analysed cells 0..n-1, supplies one value per cell (cells without incidents
// are 0 and must be included) and a [Graph] whose neighbour lists include the
// focal cell itself, typically built from an H3 GridDisk of radius k.
//
// The [Service] ties them to a layers.Source: it counts incidents per H3 cell
// at resolution 7–11 in the store (each incident's own cell at that
// resolution, stored on write and grouped in SQL), takes as study area the
// cells whose centre lies in the street's area (the union of the patches, or
// of the communities) plus any cell with incidents outside it, builds the
// k-ring graph over those cells, and runs Gi* (and FDR) over the whole
// window and, for emerging hot spots, over each of N equal time steps
// (Mann–Kendall on each cell's z-score series, then [EmergingLabel]). The
// result is served as GeoJSON ([Analysis.FeatureCollection]), as vector
// tiles ([Analysis.Tile]) and as a summary of the top cells
// ([Service.Summarize]).
//
// Counts are exact: an incident is counted in the hexagon H3 gives its
// point at the resolution asked (LatLngToCell, stored on write), which is
// the hexagon the map draws, and the store never calls H3 at query time.
//
// Privacy: only the incidents layer is ever aggregated (never care
// targets). A public analysis reads nothing but the published table of
// package disclose (monthly atoms per res-9 cell, small atoms and their
// complements suppressed): resolution [PublicMaxRes] only, windows of whole
// closed months, category or source filters ([CheckPublicFilters]),
// community and patch as selections of published cells
// ([Service.PublicSelection]), steps of whole months. A cell's count is the
// sum of its shown atoms (Partial when suppressed ones were left out;
// Suppressed, with no count, z or p, when all were), Gi* runs on those sums,
// and the summary's categories are sums of shown category atoms, so every
// public number is a function of the table and no combination of answers
// gives a suppressed count (docs/privacy.md). Staff analyses count the
// incidents in the store.
//
// A typical pipeline is
//
//	rs, err := hotspot.GiStar(counts, g) // z, p and confidence class per cell
//	rs = hotspot.FDR(rs)                 // optional multiple-testing correction
//
// and, for emerging hot spots, one Gi* run per time step followed by
// [MannKendall] on each cell's z-score series and [EmergingLabel] on the
// cell's per-step results.
//
// References:
//
//   - Getis, A. and Ord, J. K. (1992). The analysis of spatial association by
//     use of distance statistics. Geographical Analysis 24(3), 189–206.
//   - Ord, J. K. and Getis, A. (1995). Local spatial autocorrelation
//     statistics: distributional issues and an application. Geographical
//     Analysis 27(4), 286–306.
//   - Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery
//     rate: a practical and powerful approach to multiple testing. Journal of
//     the Royal Statistical Society B 57(1), 289–300.
//   - Mann, H. B. (1945). Nonparametric tests against trend. Econometrica 13,
//     245–259; Kendall, M. G. (1975). Rank Correlation Methods.
//   - Esri, ArcGIS Pro tool reference, "How Emerging Hot Spot Analysis works".
package hotspot
