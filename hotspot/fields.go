package hotspot

import "minqing/layers"

// Fields returns the properties of a hotspot feature (GeoJSON and tiles), in
// the order the documentation lists them. Each is public: what a public
// caller may not see is withheld per cell (see the package documentation).
// The trend fields are present only in an emerging analysis (steps), series
// only when asked; in tiles, series is the JSON text of the array.
func Fields() []layers.Field {
	f := func(name string, t layers.FieldType, zh, en string) layers.Field {
		return layers.Field{Name: name, Type: t, TitleZH: zh, TitleEN: en, Access: layers.Public}
	}
	return []layers.Field{
		f("h3", layers.String, "H3单元", "H3 cell index (hexadecimal)"),
		f("count", layers.Int, "诉求数", "Incidents in the cell (absent when suppressed)"),
		f("suppressed", layers.Bool, "已隐去", "Count withheld from the public: every month of the cell in the window has fewer than min_count incidents (or was hidden as their complement)"),
		f("partial", layers.Bool, "部分隐去", "The count leaves out atoms (cell-months) withheld from the public (public callers only; absent when false)"),
		f("z", layers.Float, "Gi* z值", "Getis-Ord Gi* z-score (absent when suppressed)"),
		f("p", layers.Float, "p值", "Two-sided p-value of z (absent when suppressed)"),
		f("class", layers.String, "热点等级", "hot-99, hot-95, hot-90, not-significant, cold-90, cold-95 or cold-99"),
		f("in_area", layers.Bool, "在街道内", "False for a cell outside the street's area that has incidents"),
		f("tau", layers.Float, "趋势tau", "Mann–Kendall tau of the cell's per-step z-scores (with steps)"),
		f("trend_p", layers.Float, "趋势p值", "Two-sided p-value of the trend (with steps)"),
		f("label", layers.String, "时空模式", "Emerging hot spot label: new, consecutive, intensifying, persistent, diminishing, sporadic, oscillating, historical, their cold- forms, or no-pattern (with steps)"),
		f("series", layers.String, "各时段诉求数", "Incidents per step, oldest first, null where suppressed (with series=true)"),
	}
}
