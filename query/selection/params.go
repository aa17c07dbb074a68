package selection

import (
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"minqing/layers"
)

// Check rejects query parameters that are not in allowed (nor "token", nor a
// property of l when l is given), naming them.
func Check(q url.Values, l *layers.Layer, role layers.Role, allowed ...string) error {
	ok := map[string]bool{"token": true}
	for _, a := range allowed {
		ok[a] = true
	}
	var bad []string
	for k := range q {
		if ok[k] {
			continue
		}
		if l != nil {
			if _, vis := l.VisibleField(k, role); vis {
				continue
			}
		}
		bad = append(bad, k)
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	return layers.Invalid(bad[0], fmt.Sprintf("unknown query parameter(s): %s", strings.Join(bad, ", ")))
}

// BBox parses "minLon,minLat,maxLon,maxLat" (WGS 84); "" is no box. Six
// numbers (with heights) are refused here; on /ogc, where OGC API allows them,
// the server has already reduced them to four.
func BBox(s string) (*orb.Bound, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return nil, layers.Invalid("bbox", fmt.Sprintf("bbox must be four numbers: minLon,minLat,maxLon,maxLat, not %d", len(parts)))
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, layers.Invalid("bbox", fmt.Sprintf("bbox value %q is not a number", p))
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, layers.Invalid("bbox", fmt.Sprintf("bbox value %q is not a finite number", p))
		}
		v[i] = f
	}
	if v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90 {
		return nil, layers.Invalid("bbox", "bbox is outside -180..180 longitude / -90..90 latitude")
	}
	if v[0] > v[2] || v[1] > v[3] {
		return nil, layers.Invalid("bbox", "bbox minimum is greater than its maximum (order: minLon,minLat,maxLon,maxLat)")
	}
	return &orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
}

// Datetime parses an OGC API datetime: an instant, or an interval
// "start/end" where either end may be ".." or empty (open); "" is no range.
// Dates without time cover the whole day in Asia/Shanghai.
func Datetime(s string) (*layers.TimeRange, error) {
	if s == "" {
		return nil, nil
	}
	if !strings.Contains(s, "/") {
		if s == ".." {
			return nil, layers.Invalid("datetime", "datetime \"..\" alone is not an instant; use an interval such as 2026-01-01/..")
		}
		start, end, err := instant(s)
		if err != nil {
			return nil, err
		}
		return &layers.TimeRange{Start: &start, End: &end}, nil
	}
	parts := strings.SplitN(s, "/", 2)
	r := &layers.TimeRange{}
	if p := parts[0]; p != "" && p != ".." {
		t, _, err := instant(p)
		if err != nil {
			return nil, err
		}
		r.Start = &t
	}
	if p := parts[1]; p != "" && p != ".." {
		_, t, err := instant(p)
		if err != nil {
			return nil, err
		}
		r.End = &t
	}
	if r.Start == nil && r.End == nil {
		return nil, nil
	}
	if r.Start != nil && r.End != nil && r.End.Before(*r.Start) {
		return nil, layers.Invalid("datetime", "datetime interval ends before it starts")
	}
	return r, nil
}

// LayerDatetime is Datetime on l's time field: a datetime on a layer without
// one is refused.
func LayerDatetime(s string, l *layers.Layer) (*layers.TimeRange, error) {
	if s == "" {
		return nil, nil
	}
	if l.TimeField == "" {
		return nil, layers.Invalid("datetime", fmt.Sprintf("layer %s has no time field, so datetime does not apply to it", l.Name))
	}
	return Datetime(s)
}

// instant parses one datetime; a bare date spans its whole day.
func instant(s string) (start, end time.Time, err error) {
	if t, err := time.ParseInLocation("2006-01-02", s, layers.Shanghai); err == nil {
		return t, t.Add(24*time.Hour - time.Nanosecond), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return start, end, layers.Invalid("datetime", fmt.Sprintf("datetime %q is not RFC 3339 (e.g. 2026-01-01T00:00:00+08:00) or a date (2026-01-01)", s))
	}
	return t, t, nil
}

// Equal collects property equality filters (?category=水管爆裂&status=…; a
// comma-separated value or a repeated parameter means any of them).
// Parameters in reserved, "token" and names that are not properties role may
// see are skipped (Check refuses the unknown ones).
func Equal(q url.Values, l *layers.Layer, role layers.Role, reserved map[string]bool) (map[string][]any, error) {
	var out map[string][]any
	for k, vs := range q {
		if reserved[k] || k == "token" {
			continue
		}
		f, ok := l.VisibleField(k, role)
		if !ok {
			continue
		}
		for _, raw := range vs {
			for _, one := range strings.Split(raw, ",") {
				v, err := f.Parse(one)
				if err != nil {
					return nil, layers.Invalid(k, err.Error())
				}
				if v == nil {
					continue
				}
				if out == nil {
					out = map[string][]any{}
				}
				out[k] = append(out[k], v)
			}
		}
	}
	return out, nil
}

// Where is Equal for callers that name the properties themselves (the
// command line's --where): every name must be a property role may see.
func Where(m map[string][]string, l *layers.Layer, role layers.Role) (map[string][]any, error) {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if _, ok := l.VisibleField(k, role); !ok {
			return nil, layers.Invalid(k, fmt.Sprintf("layer %s has no property %s (see %s's queryables)", l.Name, k, l.Name))
		}
	}
	return Equal(m, l, role, nil)
}
