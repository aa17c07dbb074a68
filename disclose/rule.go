package disclose

import (
	"cmp"
	"slices"
)

// DefaultK is the publication threshold used when none is given: an atom
// needs at least this many incidents to be shown.
const DefaultK = 5

// Entry is one published atom: a count shown (Count ≥ k), or suppressed
// (Count is 0 and Suppressed is true: the atom has 1..k−1 incidents, or
// more if complementary suppression hid it). An atom with no incident is
// not in the table at all.
type Entry struct {
	Count      int64
	Suppressed bool
}

// Shown reports whether the entry's count is published.
func (e Entry) Shown() bool { return !e.Suppressed && e.Count > 0 }

// Publish applies the rule to one (cell, month) family of one dimension:
// total is the family's count and parts its counts by value (which add up
// to total; the value "" — incidents without a value — is never shown, but
// counts among the suppressed for the complement). It returns the published
// total and the published parts, keyed as parts, without "" and without
// zero counts.
//
// A count of at least k is shown and 1..k−1 suppressed. Then, if the total
// is shown and the suppressed parts add up to 1..k−1, the smallest shown
// parts (ties: by value) are suppressed one by one until the suppressed ones
// add up to at least k or all parts are suppressed.
func Publish(total int64, parts map[string]int64, k int) (Entry, map[string]Entry) {
	if k < 1 {
		k = 1
	}
	kk := int64(k)
	out := make(map[string]Entry, len(parts))
	var hidden int64
	var shown []string
	for v, n := range parts {
		switch {
		case n <= 0:
		case v == "" || n < kk:
			hidden += n
			if v != "" {
				out[v] = Entry{Suppressed: true}
			}
		default:
			shown = append(shown, v)
		}
	}
	t := publishOne(total, kk)
	if t.Shown() && hidden > 0 && hidden < kk {
		slices.SortFunc(shown, func(a, b string) int {
			return cmp.Or(cmp.Compare(parts[a], parts[b]), cmp.Compare(a, b))
		})
		for len(shown) > 0 && hidden < kk {
			hidden += parts[shown[0]]
			out[shown[0]] = Entry{Suppressed: true}
			shown = shown[1:]
		}
	}
	for _, v := range shown {
		out[v] = Entry{Count: parts[v]}
	}
	return t, out
}

// publishOne applies the threshold to one count.
func publishOne(n, k int64) Entry {
	switch {
	case n <= 0:
		return Entry{}
	case n < k:
		return Entry{Suppressed: true}
	}
	return Entry{Count: n}
}
