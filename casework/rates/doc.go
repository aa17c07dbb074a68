// Package rates computes the three rates a street office is judged by under
// 接诉即办 — 响应率 (response), 解决率 (resolution), 满意率 (satisfaction) —
// with counts, median times, overdue counts and a weighted composite score,
// per group (community, patch, unit or category), and ranks the groups.
// It is pure Go over incidents as the stores return them, so both stores
// give identical results; the definitions are in README.md ("The three
// rates").
package rates
