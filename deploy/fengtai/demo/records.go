package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"

	"minqing/layers"
	"minqing/layers/lifecycle"
)

// The people who record the steps (token names on a real system).
const (
	whoDispatch = "街道接诉即办指挥中心·派单员"
	whoVisit    = "街道接诉即办指挥中心·回访员"
)

// whistleUnits are called in (吹哨) on hard cases, "level:unit".
var whistleUnits = []string{"科室:综合执法队", "科室:城管科", "科室:城建科", "片区:片区工作组", "街道:应急先锋队", "社区:社区居委会"}

// whistledCategories are the complex ones a unit often whistles others in on.
var whistledCategories = map[string]bool{"施工扰民": true, "违法建设": true, "老旧小区环境治理": true, "停车管理": true, "地面塌陷": true}

// Record returns the steps (纪实) that lead to a demo incident's state, from
// its stored properties: dispatch at dispatched_at (sometimes first to the
// wrong section, returned with a reason and dispatched again), on hard
// cases a whistle (吹哨) and the called unit reporting in (报到), respond at
// responded_at, resolve at resolved_at, and for closed incidents the 回访 and
// the close. Its choices are seeded by the work-order number, so a store's
// record is the same whenever it is rebuilt.
func Record(p map[string]any) []lifecycle.Event {
	tm := func(k string) (time.Time, bool) { v, ok := p[k].(time.Time); return v, ok }
	str := func(k string) string { v, _ := p[k].(string); return v }
	dispatched, ok := tm("dispatched_at")
	if !ok {
		return nil
	}
	h := fnv.New64a()
	h.Write([]byte(str("external_id")))
	r := rand.New(rand.NewPCG(h.Sum64(), 0x6a6965))
	unit, level := str("unit"), str("level")
	var out []lifecycle.Event
	add := func(at time.Time, who string, a lifecycle.Action, unit, level string) *lifecycle.Event {
		out = append(out, lifecycle.Event{At: at, Who: who, Action: a, Unit: unit, Level: level})
		return &out[len(out)-1]
	}
	responded, hasResponse := tm("responded_at")
	gap := time.Hour
	if hasResponse {
		gap = responded.Sub(dispatched)
	}
	at := func(f float64) time.Time {
		return dispatched.Add(time.Duration(f * float64(gap))).Truncate(time.Second)
	}
	if hasResponse && r.Float64() < 0.03 {
		wrong, wrongLevel := "城管科", "科室"
		if unit == wrong {
			wrong = "综合执法队"
		}
		add(dispatched, whoDispatch, lifecycle.Dispatch, wrong, wrongLevel)
		add(at(0.2), wrong, lifecycle.Return, "", "").Reason = "不属于本单位职责，申请退单"
		add(at(0.3), whoDispatch, lifecycle.Dispatch, unit, level).Note = "退单后改派"
	} else {
		add(dispatched, whoDispatch, lifecycle.Dispatch, unit, level)
	}
	if hasResponse && (whistledCategories[str("category")] || level == "街道") && r.Float64() < 0.5 {
		wl, wu, _ := strings.Cut(whistleUnits[r.IntN(len(whistleUnits))], ":")
		if wu != unit {
			add(at(0.4), unit, lifecycle.Whistle, wu, wl).Note = "吹哨：需多部门联合处置"
			add(at(0.7), wu, lifecycle.Report, wu, wl).Note = "报到"
		}
	}
	if !hasResponse {
		return out
	}
	add(responded, unit, lifecycle.Respond, "", "").Note = "已联系诉求人"
	resolved, ok := tm("resolved_at")
	if !ok {
		return out
	}
	add(resolved, unit, lifecycle.Resolve, "", "")
	closed, ok := tm("closed_at")
	if !ok {
		return out
	}
	if sat, ok := p["satisfied"].(bool); ok {
		res, _ := p["visit_resolved"].(bool)
		v := add(closed.Add(-closed.Sub(resolved)/10).Truncate(time.Second), whoVisit, lifecycle.Visit, "", "")
		v.Resolved, v.Satisfied = &res, &sat
	}
	add(closed, whoVisit, lifecycle.Close, "", "")
	return out
}

// recordChunk is how many incidents' records go to the store at once.
const recordChunk = 5000

// loadRecords gives every loaded incident its record of steps, if the store
// keeps records; it returns how many events it stored.
func loadRecords(ctx context.Context, src Store, l *layers.Layer) (int64, error) {
	bf, ok := layers.As[lifecycle.Backfiller](src)
	if !ok {
		return 0, nil
	}
	var n int64
	chunk := map[int64][]lifecycle.Event{}
	flush := func() error {
		if err := bf.PutRecords(ctx, chunk); err != nil {
			return fmt.Errorf("demo: records of steps: %w", err)
		}
		clear(chunk)
		return nil
	}
	q := layers.Query{Role: layers.Admin, Properties: []string{"external_id", "category", "unit", "level", "dispatched_at",
		"responded_at", "resolved_at", "closed_at", "satisfied", "visit_resolved"}}
	// Records are written chunk by chunk while the incidents stream (the
	// stores read a snapshot beside the writes), so memory stays bounded.
	err := src.Features(ctx, l, q, func(f *layers.Feature) error {
		if rec := Record(f.Props); len(rec) > 0 {
			chunk[f.ID] = rec
			n += int64(len(rec))
		}
		if len(chunk) >= recordChunk {
			return flush()
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, flush()
}
