package disclose

// The rate dimensions of a group family: an incident's response outcome
// and its 回访 outcome (values are casework/rates' InTime, Late and
// VisitValues; "" — not decided — is never shown).
const (
	Response Dim = "response"
	Visit    Dim = "visit"
)

// RateDims are the dimensions of a group family.
var RateDims = []Dim{Response, Visit}

// GroupRaw is the raw counts of one group in one month: its incidents, and
// per rate dimension their counts by value (adding up to Total).
type GroupRaw struct {
	Total int64
	Parts map[Dim]map[string]int64
}

// GroupTable is the published rate atoms of one month, per group.
//
// A group is a set of whole published cells (a community: the cells whose
// centre lies in it), and its family's incidents are exactly those of its
// cells, so its total is the sum of their true totals. The family is a
// second table over the same incidents as the cells' families, linked to
// them by that sum: were the group's total shown while the cells it holds
// that are suppressed add up to 1..k−1, the difference between the total
// and the shown cells would give them away. [BuildGroups] therefore
// suppresses such a family whole.
type GroupTable struct {
	Month  Month
	Groups map[string]*Family
}

// BuildGroups applies the rule to every group family of raw with threshold
// k. shownCells is, per group, the sum of the shown totals of the month's
// cell table over the group's cells. A family whose total minus shownCells
// is 1..k−1 is suppressed whole (its total and every part); the others are
// published as a cell family is ([Publish] per dimension, complementary
// suppression included).
func BuildGroups(m Month, raw map[string]GroupRaw, shownCells map[string]int64, k int) *GroupTable {
	kk := int64(max(k, 1))
	t := &GroupTable{Month: m, Groups: make(map[string]*Family, len(raw))}
	for g, r := range raw {
		if r.Total <= 0 {
			continue
		}
		f := &Family{Parts: map[Dim]map[string]Entry{}}
		if d := r.Total - shownCells[g]; d > 0 && d < kk {
			f.Total = Entry{Suppressed: true}
			for _, dim := range RateDims {
				f.Parts[dim] = map[string]Entry{}
				for v, n := range r.Parts[dim] {
					if v != "" && n > 0 {
						f.Parts[dim][v] = Entry{Suppressed: true}
					}
				}
			}
		} else {
			f.Total = publishOne(r.Total, kk)
			for _, dim := range RateDims {
				_, f.Parts[dim] = Publish(r.Total, r.Parts[dim], k)
			}
		}
		t.Groups[g] = f
	}
	return t
}

// RateSum is the published rate atoms of one key (a group, or a union of
// groups such as a patch) over months, per rate dimension: the shown parts
// of the families whose atoms of that dimension are all shown, added up,
// and how many families were added and left out. A family with a
// suppressed atom in a dimension is left out of that dimension's sums
// whole; a caller publishing a rate should require [RateSum.Complete].
type RateSum struct {
	Parts map[Dim]map[string]int64
	Used  map[Dim]int // families added, per dimension
	Left  map[Dim]int // families left out (a suppressed atom), per dimension
}

// Complete reports whether every family was added to dimension d's sums
// (and at least one was): a rate of d is then one over the whole window.
func (s RateSum) Complete(d Dim) bool { return s.Left[d] == 0 && s.Used[d] > 0 }

// GroupSums adds up the group families of the tables by key(group) (""
// drops the group).
func GroupSums(ts []*GroupTable, key func(group string) string) map[string]RateSum {
	out := map[string]RateSum{}
	for _, t := range ts {
		for g, f := range t.Groups {
			k := key(g)
			if k == "" {
				continue
			}
			s, ok := out[k]
			if !ok {
				s = RateSum{Parts: map[Dim]map[string]int64{}, Used: map[Dim]int{}, Left: map[Dim]int{}}
				for _, d := range RateDims {
					s.Parts[d] = map[string]int64{}
				}
			}
			for _, d := range RateDims {
				complete := true
				for _, e := range f.Parts[d] {
					complete = complete && !e.Suppressed
				}
				if !complete || f.Total.Suppressed {
					s.Left[d]++
					continue
				}
				s.Used[d]++
				for v, e := range f.Parts[d] {
					s.Parts[d][v] += e.Count
				}
			}
			out[k] = s
		}
	}
	return out
}
