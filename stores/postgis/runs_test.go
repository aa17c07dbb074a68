package postgis

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// rowBytes is about the size of an incident's encoded row.
const rowBytes = 240

// runParts makes the parts of one run: n rows in batches of bulkBatchSize,
// each row rowBytes long and starting with its input position, keyed by a
// cell drawn from cells values (few values: many ties).
func runParts(n, cells int) []part {
	rng := rand.New(rand.NewPCG(3, 5))
	var parts []part
	for first := 0; first < n; first += bulkBatchSize {
		b := &batch{first: int64(first) + 1}
		for i := first; i < min(n, first+bulkBatchSize); i++ {
			b.rows = binary.BigEndian.AppendUint64(b.rows, uint64(i))
			b.rows = append(b.rows, make([]byte, rowBytes-8)...)
			b.ends = append(b.ends, len(b.rows))
			b.keys = append(b.keys, uint64(rng.IntN(cells)))
			b.contacts = append(b.contacts, nil)
		}
		parts = append(parts, part{b, 0, len(b.ends)})
	}
	return parts
}

// TestMergeRunOrdersByKeyThenInput: a run's rows are in key order, and
// rows of the same key (a place's points) in input order.
func TestMergeRunOrdersByKeyThenInput(t *testing.T) {
	for _, tc := range []struct {
		name     string
		n, cells int
	}{
		{"one row", 1, 10},
		{"one batch, many ties", 300, 3},
		{"several batches, few ties", 3*bulkBatchSize + 17, 1 << 30},
		{"a full run, many ties", runRows, 50},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := tc.n
			r := mergeRun(runParts(n, tc.cells), n, nil)
			if len(r.ends) != n || len(r.pos) != n {
				t.Fatalf("%d rows, %d positions, want %d", len(r.ends), len(r.pos), n)
			}
			for i := range n {
				row := binary.BigEndian.Uint64(r.rows[r.start(i):r.ends[i]][:8])
				if int64(row)+1 != r.pos[i] {
					t.Fatalf("row %d holds input %d but its position is %d", i, row+1, r.pos[i])
				}
				if i == 0 {
					continue
				}
				if r.keys[i] < r.keys[i-1] || r.keys[i] == r.keys[i-1] && r.pos[i] <= r.pos[i-1] {
					t.Fatalf("row %d (key %d, input %d) after row %d (key %d, input %d)", i, r.keys[i], r.pos[i], i-1, r.keys[i-1], r.pos[i-1])
				}
			}
		})
	}
}

// BenchmarkMergeRun orders a full run of rows by place (res-11 cells, as
// a 12345 file's 1M rows spread over the street: few ties).
func BenchmarkMergeRun(b *testing.B) {
	parts := runParts(runRows, 200000)
	b.ReportAllocs()
	for b.Loop() {
		mergeRun(parts, runRows, nil)
	}
}
