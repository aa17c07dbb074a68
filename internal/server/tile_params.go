package server

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"minqing/layers"
	"minqing/query/selection"
	"minqing/tiles"
)

// maxTileLayers is the most layers one tile URL may name.
const maxTileLayers = 8

// tileFilterParams returns the query parameters that filter tiles. datetime
// applies to every requested layer with a time field; category, status and
// source to every requested layer that has that property (incidents);
// overdue (staff) to every requested layer with deadlines (incidents).
func tileFilterParams() []string {
	return []string{"datetime", "category", "status", "source", "overdue"}
}

// tileEqualParams are the tile filters that are property equality.
var tileEqualParams = []string{"category", "status", "source"}

// tileOverdueNow is the moment ?overdue= is judged at on tiles: now, to the
// minute, so that an overdue tile is cached (and its key the same) for the
// rest of that minute instead of being rendered anew for every request.
func tileOverdueNow() time.Time { return time.Now().UTC().Truncate(time.Minute) }

// splitTileLayers splits "{layers}" ("incidents" or "communities,incidents")
// into names, dropping repeats and keeping the first order.
func splitTileLayers(s string) ([]string, error) {
	if s == "" {
		return nil, badRequest("layers", "no layer named: use /tiles/{layer}/{z}/{x}/{y}.mvt or a comma-separated list of layers")
	}
	var names []string
	for _, n := range strings.Split(s, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			return nil, badRequest("layers", fmt.Sprintf("empty layer name in %q", s))
		}
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if len(names) > maxTileLayers {
		return nil, badRequest("layers", fmt.Sprintf("%d layers requested; one tile holds at most %d", len(names), maxTileLayers))
	}
	return names, nil
}

// tileLayers resolves the names to layers the caller may see; an unknown or
// invisible one is a 404 naming it.
func (s *Server) tileLayers(role layers.Role, names []string) ([]*layers.Layer, error) {
	out := make([]*layers.Layer, 0, len(names))
	for _, n := range names {
		l, err := s.catalog.Get(n, role)
		if err != nil {
			return nil, notFound("no layer named " + quote(n) + ": see /layers")
		}
		if s.rawHidden(l, role) {
			l = aggregateLayer(l) // the public incidents are published cells
		}
		out = append(out, l)
	}
	return out, nil
}

// parseZXY parses the z, x and y path segments; y may end in ".mvt" or
// ".pbf" (or nothing).
func parseZXY(zs, xs, ys string) (z, x, y int, err error) {
	for _, ext := range []string{".mvt", ".pbf"} {
		if cut, ok := strings.CutSuffix(ys, ext); ok {
			ys = cut
			break
		}
	}
	parse := func(name, v string) (int, error) {
		n, err := strconv.Atoi(v)
		if err != nil || strings.HasPrefix(v, "+") {
			return 0, badRequest(name, fmt.Sprintf("%s %q is not a whole number (tiles are /tiles/{layers}/{z}/{x}/{y}.mvt)", name, v))
		}
		return n, nil
	}
	if z, err = parse("z", zs); err != nil {
		return
	}
	if x, err = parse("x", xs); err != nil {
		return
	}
	if y, err = parse("y", ys); err != nil {
		return
	}
	err = tiles.CheckTile(z, x, y)
	return
}

// tileFilters parses the tile filters of q into one Query per requested
// layer, and a canonical text of them for the cache key. A filter that no
// requested layer takes is a 400 naming it.
func tileFilters(q url.Values, ls []*layers.Layer, role layers.Role) (map[string]layers.Query, string, error) {
	tr, err := hotspotDatetime(q.Get("datetime"))
	if err != nil {
		return nil, "", err
	}
	eqParams := url.Values{}
	for _, k := range tileEqualParams {
		if vs, ok := q[k]; ok {
			eqParams[k] = vs
		}
	}
	used := map[string]bool{}
	out := map[string]layers.Query{}
	var key strings.Builder
	for _, l := range ls {
		if isAggregate(l) {
			// The published incidents take datetime, category or source,
			// parsed by parsePublicQuery.
			if _, given := q["status"]; given {
				return nil, "", badRequest("status", "public incident figures are published by category or by source only, so status cannot filter them; staff may use it")
			}
			if _, given := q["overdue"]; given {
				return nil, "", badRequest("overdue", "overdue needs a staff token: deadlines are staff-only")
			}
			for _, k := range []string{"datetime", "category", "source"} {
				used[k] = true
			}
			continue
		}
		var lq layers.Query
		if tr != nil && l.TimeField != "" {
			lq.Time = tr
			used["datetime"] = true
		}
		eq, err := selection.Equal(eqParams, l, role, nil)
		if err != nil {
			return nil, "", err
		}
		for k := range eqParams {
			if _, ok := l.VisibleField(k, role); ok {
				used[k] = true
			}
		}
		lq.Equal = eq
		overdue := ""
		if _, has := l.Field("response_due"); has && q.Has("overdue") {
			now := tileOverdueNow()
			if lq.Filter, err = selection.Overdue(q, l, role, nil, now); err != nil { // overdue.go
				return nil, "", err
			}
			used["overdue"] = true
			overdue = q.Get("overdue") + "@" + now.Format(time.RFC3339)
		}
		if lq.Time == nil && len(eq) == 0 && lq.Filter == nil {
			continue
		}
		out[l.Name] = lq
		writeFilterKey(&key, l.Name, lq)
		if overdue != "" {
			key.WriteString("overdue=" + overdue + ";")
		}
	}
	for _, k := range tileFilterParams() {
		if _, given := q[k]; given && !used[k] && (k != "datetime" || tr != nil) {
			return nil, "", badRequest(k, fmt.Sprintf("filter %s applies to none of the requested layers (it filters incidents)", k))
		}
	}
	return out, key.String(), nil
}

// writeFilterKey writes a canonical form of one layer's filters: the same
// filters however the URL spelled them give the same text.
func writeFilterKey(b *strings.Builder, layer string, q layers.Query) {
	b.WriteString(layer)
	b.WriteByte('{')
	if q.Time != nil {
		b.WriteString("t=")
		for _, t := range []*time.Time{q.Time.Start, q.Time.End} {
			if t != nil {
				b.WriteString(t.UTC().Format(time.RFC3339Nano))
			}
			b.WriteByte('/')
		}
	}
	keys := make([]string, 0, len(q.Equal))
	for k := range q.Equal {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		vals := make([]string, 0, len(q.Equal[k]))
		for _, v := range q.Equal[k] {
			vals = append(vals, fmt.Sprint(v))
		}
		slices.Sort(vals)
		vals = slices.Compact(vals)
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(strings.Join(vals, "\x1f"))
		b.WriteByte(';')
	}
	b.WriteByte('}')
}
