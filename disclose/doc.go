// Package disclose is minqing's public-disclosure policy for incidents: the
// one place where anything a public caller sees about incidents is derived
// from the raw records.
//
// The raw incidents are reduced to one published table of atoms. An atom is
// (H3 cell at resolution [Res] — exactly LatLngToCell of the incident's
// point —, calendar month in Beijing time, dimension), where the dimension
// is the cell-month's total, one category value, or one source value. The
// rule ([Publish]) decides each atom of a (cell, month) family:
//
//   - a count of at least k is shown, 1..k−1 is suppressed, 0 is absent;
//   - complementary suppression: if the family's total is shown and the
//     suppressed category atoms add up to 1..k−1 (so total − Σ shown would
//     give them), further category atoms are suppressed, smallest shown
//     first, until the suppressed ones add up to at least k or all are
//     suppressed; the same for sources.
//
// Only closed months are published: the month in progress is not, so the
// table does not change day by day as calls arrive (a deliberate lag of up
// to a month).
//
// Every public output about incidents is a function of the published atoms
// only: a window count is the sum of the shown atoms of its months (a
// suppressed atom counts as unknown, and the sum says so with Partial), a
// Gi* z-score is computed on such sums. Since every public number is
// computed from the table, no combination of public answers — overlapping
// windows, filters and their complements, tiles and bounding boxes, one
// endpoint against another, repeated queries — can give more than the table
// itself, and the rule makes the table keep every small count hidden. See
// docs/privacy.md for the threat model.
//
// The three rates reach the public through a second set of atoms, the
// group families ([BuildGroups]): per (community, month), the incidents of
// the community's published cells by response and by 回访 outcome, under
// the same rule, and suppressed whole when the community's total minus its
// shown cells would be a small count. A public rate is a ratio of sums of
// shown group atoms ([GroupSums]), over months that are all complete.
package disclose
