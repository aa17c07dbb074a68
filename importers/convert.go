package importers

import (
	"context"
	"fmt"
	"hash/maphash"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"minqing/geo"
	"minqing/layers"
)

// maxWarnedKeys bounds the set of unknown columns warned about.
const maxWarnedKeys = 1000

// converter maps records onto one layer: names, values, geometry,
// validation, derived fields.
type converter struct {
	l      *layers.Layer
	res    *resolver
	opts   *Options
	comm   *communityIndex
	report *Report

	incidents bool // contacts are kept, status is derived
	derive    bool // the layer has the incident status fields
	hasComm   bool // the layer has a community field (filled by point-in-polygon)
	hasPatch  bool
	hasSource bool

	warned       map[string]bool // unknown or duplicate columns already warned about
	warnedNoComm bool

	seed maphash.Seed
	keys map[uint64]uint32 // hash of the key value → row (0: already in the layer)

	setBy setBy // prepare's, reused from record to record (each clone has its own)
}

func newConverter(l *layers.Layer, res *resolver, opts *Options, comm *communityIndex, rep *Report) *converter {
	c := &converter{l: l, res: res, opts: opts, comm: comm, report: rep, warned: map[string]bool{}, seed: maphash.MakeSeed()}
	_, c.hasComm = l.Field("community")
	_, c.hasPatch = l.Field("patch")
	_, c.hasSource = l.Field("source")
	c.incidents = l.Name == "incidents"
	_, st := l.Field("status")
	_, ra := l.Field("resolved_at")
	c.derive = st && ra
	if l.Key != "" {
		c.keys = map[uint64]uint32{}
	}
	return c
}

// loadExistingKeys marks the keys already in the layer, so that an insert
// reports them on their rows instead of failing in the store.
func (c *converter) loadExistingKeys(ctx context.Context, src layers.FeatureStreamer) error {
	if c.keys == nil || src == nil {
		return nil
	}
	return src.Features(ctx, c.l, layers.Query{Role: layers.Admin, Properties: []string{c.l.Key}}, func(f *layers.Feature) error {
		if k := keyText(f.Props[c.l.Key]); k != "" {
			c.keys[maphash.String(c.seed, k)] = 0
		}
		return nil
	})
}

func keyText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// warnOnce records a warning the first time key is seen.
func (c *converter) warnOnce(key string, p Problem) {
	if c.warned[key] || len(c.warned) >= maxWarnedKeys {
		return
	}
	c.warned[key] = true
	c.report.addWarning(p)
}

// convert maps one record onto the layer. It returns the feature, or the
// problems that reject it, and warnings (repairs).
func (c *converter) convert(rec *record) (*layers.Feature, []Problem, []Problem) {
	var cv converted
	c.prepare(rec, &cv)
	return c.finish(&cv)
}

// converted is a record mapped by prepare, for finish to complete.
type converted struct {
	rec      *record
	f        *layers.Feature // nil when errs
	checkErr error           // the layer's Check of f
	errs     []Problem
	warns    []Problem
	once     []onceWarning // warnings given once per import, in order
}

// onceWarning is a warning warnOnce gives (key noCommKey: the warning that
// there are no communities).
type onceWarning struct {
	key string
	p   Problem
}

const noCommKey = "\x00nocomm"

// clone returns a converter for another goroutine's prepare: it shares
// everything read-only and has a resolver cache of its own.
func (c *converter) clone() *converter {
	cc := *c
	cc.res = c.res.clone()
	cc.warned, cc.keys = nil, nil
	cc.setBy = setBy{}
	return &cc
}

// prepare does the part of convert that depends on the record alone (safe
// on several goroutines, each with its own clone); what needs the records
// before it (warnings given once, keys seen) is left to finish, which runs
// in input order.
func (c *converter) prepare(rec *record, cv *converted) {
	cv.rec = rec
	errs := append([]Problem(nil), rec.errs...)
	var warns []Problem
	row := rec.n
	props := make(map[string]any, min(len(rec.vals)+4, len(c.l.Fields)))
	var lonS, latS, wktS, lonCol, latCol, wktCol string
	var contact layers.Contact
	var resolved *bool
	// The converter's setBy is reused: a new one per record, appended from
	// nil, grew its slices ten times for 14 columns (0.7 s of a 1M import).
	setBy := &c.setBy
	setBy.names, setBy.keys = setBy.names[:0], setBy.keys[:0]
	for _, kv := range rec.vals {
		t := c.res.resolve(kv.key)
		switch t.kind {
		case tUnknown:
			cv.once = append(cv.once, onceWarning{"?" + kv.key, Problem{Row: row, Column: kv.key, Reason: fmt.Sprintf("is not a field of %s and was ignored (map it with --mapping if it is one)", c.l.Name)}})
			continue
		case tIgnore:
			continue
		}
		name := t.name()
		if prev, dup := setBy.get(name); dup {
			if prev != kv.key {
				cv.once = append(cv.once, onceWarning{"=" + kv.key, Problem{Row: row, Field: name, Column: kv.key, Reason: fmt.Sprintf("%s is already read from %q; this column was ignored", name, prev)}})
			}
			continue
		}
		setBy.set(name, kv.key)
		text := strings.TrimSpace(kv.text())
		if t.kind != tWKT && len(text) > c.opts.MaxFieldBytes {
			// A geometry's WKT is bounded by the record size and the
			// coordinate count; every other value by the field size.
			errs = append(errs, Problem{Row: row, Field: name, Column: kv.key, Value: shorten(text),
				Reason: fmt.Sprintf("the value is %s, more than the %s a field may hold", byteSize(int64(len(text))), byteSize(int64(c.opts.MaxFieldBytes)))})
			continue
		}
		switch t.kind {
		case tField:
			v, err := parseKeyVal(t.field, kv, c.res.values[t.field.Name])
			if err != nil {
				errs = append(errs, Problem{Row: row, Field: name, Column: kv.key, Value: shorten(text), Reason: err.Error()})
				continue
			}
			if v != nil {
				props[name] = v
			}
		case tLon:
			lonS, lonCol = text, kv.key
		case tLat:
			latS, latCol = text, kv.key
		case tWKT:
			wktS, wktCol = text, kv.key
		case tContactName, tContactPhone:
			if text == "" {
				continue
			}
			if !c.incidents {
				cv.once = append(cv.once, onceWarning{"!" + kv.key, Problem{Row: row, Column: kv.key, Reason: fmt.Sprintf("holds personal data; only incidents keep callers' contacts (apart from the map), so it was dropped from %s", c.l.Name)}})
				continue
			}
			if t.kind == tContactName {
				contact.Name = text
			} else {
				contact.Phone = text
			}
		case tResolved:
			if text == "" || nullWords[text] {
				continue
			}
			b, ok := parseBool(text)
			if !ok {
				errs = append(errs, Problem{Row: row, Field: "resolved", Column: kv.key, Value: shorten(text), Reason: "must be yes or no (是/否, 已解决/未解决)"})
				continue
			}
			resolved = &b
		}
	}

	g, gerrs := c.geometry(rec, lonS, latS, wktS, lonCol, latCol, wktCol)
	errs = append(errs, gerrs...)
	if g != nil {
		var repairs []string
		g, repairs, gerrs = c.checkGeometry(row, g)
		errs = append(errs, gerrs...)
		if len(repairs) > 0 {
			warns = append(warns, Problem{Row: row, Field: "geometry", Reason: "repaired: " + strings.Join(repairs, "; ")})
		}
	}

	c.fill(row, props, g, resolved, &warns, &cv.once)

	for _, fd := range c.l.Fields {
		if fd.Required && props[fd.Name] == nil && !hasProblem(errs, fd.Name) {
			errs = append(errs, Problem{Row: row, Field: fd.Name, Reason: fmt.Sprintf("is required (column %s or %s)", fd.TitleZH, fd.Name)})
		}
	}
	cv.errs, cv.warns = errs, warns
	if len(errs) > 0 {
		cv.keyOnly(c.l, props)
		return
	}
	f := &layers.Feature{Geometry: layers.Promote(c.l.Geometry, g), Props: props}
	if contact.Name != "" || contact.Phone != "" {
		f.Contact = &contact
	}
	cv.f = f
	cv.checkErr = c.l.Check(f)
}

// keyOnly keeps, of a rejected record's properties, the key finish checks.
func (cv *converted) keyOnly(l *layers.Layer, props map[string]any) {
	if l.Key != "" {
		cv.f = &layers.Feature{Props: map[string]any{l.Key: props[l.Key]}}
	}
}

// finish completes prepare in input order: it gives the warnings due once,
// rejects keys seen before, and returns the feature, or the problems that
// reject it, and warnings (repairs).
func (c *converter) finish(cv *converted) (*layers.Feature, []Problem, []Problem) {
	for _, o := range cv.once {
		if o.key == noCommKey {
			if !c.warnedNoComm {
				c.warnedNoComm = true
				c.report.addWarning(o.p)
			}
			continue
		}
		c.warnOnce(o.key, o.p)
	}
	row := cv.rec.n
	var props map[string]any
	if cv.f != nil {
		props = cv.f.Props
	}
	errs := append(cv.errs, c.checkKey(row, props)...)
	if len(errs) > 0 {
		return nil, errs, cv.warns
	}
	if cv.checkErr != nil { // a safety net: everything above should have caught it
		return nil, []Problem{{Row: row, Reason: cv.checkErr.Error()}}, cv.warns
	}
	return cv.f, nil, cv.warns
}

// setBy remembers which source column set each target in one record (a
// slice: records have a few dozen columns at most, and a map per record
// costs more).
type setBy struct{ names, keys []string }

func (s *setBy) get(name string) (string, bool) {
	for i, n := range s.names {
		if n == name {
			return s.keys[i], true
		}
	}
	return "", false
}

func (s *setBy) set(name, key string) {
	s.names = append(s.names, name)
	s.keys = append(s.keys, key)
}

func hasProblem(ps []Problem, field string) bool {
	for _, p := range ps {
		if p.Field == field {
			return true
		}
	}
	return false
}

// geometry builds the record's geometry from its geometry member, or its
// WKT, or its lon/lat columns.
func (c *converter) geometry(rec *record, lonS, latS, wktS, lonCol, latCol, wktCol string) (orb.Geometry, []Problem) {
	row := rec.n
	if rec.geom != nil {
		return rec.geom, nil
	}
	if hasProblem(rec.errs, "geometry") {
		return nil, nil
	}
	switch {
	case wktS != "":
		g, err := parseWKT(wktS, c.opts.MaxCoordinates)
		if err != nil {
			return nil, []Problem{{Row: row, Field: "wkt", Column: wktCol, Value: shorten(wktS), Reason: err.Error()}}
		}
		return g, nil
	case lonS != "" || latS != "":
		var ps []Problem
		lon, err := parseCoord(lonS)
		if err != nil {
			ps = append(ps, Problem{Row: row, Field: "lon", Column: lonCol, Value: shorten(lonS), Reason: "longitude " + err.Error()})
		}
		lat, err := parseCoord(latS)
		if err != nil {
			ps = append(ps, Problem{Row: row, Field: "lat", Column: latCol, Value: shorten(latS), Reason: "latitude " + err.Error()})
		}
		if len(ps) > 0 {
			return nil, ps
		}
		return orb.Point{lon, lat}, nil
	case rec.hasGeom:
		return nil, []Problem{{Row: row, Field: "geometry", Reason: "the feature has no geometry"}}
	}
	return nil, []Problem{{Row: row, Field: "geometry", Reason: "no coordinates: fill 经度/纬度 (lon/lat) or the WKT column"}}
}

func parseCoord(s string) (float64, error) {
	if s == "" {
		return 0, fmt.Errorf("is missing")
	}
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSuffix(s, "°"), "º"), 64)
	if err != nil {
		return 0, fmt.Errorf("is not a number")
	}
	if err := finite(orb.Point{v, 0}); err != nil {
		return 0, fmt.Errorf("is not a finite number")
	}
	return v, nil
}

// checkGeometry converts to WGS 84 and checks type, validity and region.
func (c *converter) checkGeometry(row int64, g orb.Geometry) (orb.Geometry, []string, []Problem) {
	fail := func(msg string) (orb.Geometry, []string, []Problem) {
		return nil, nil, []Problem{{Row: row, Field: "geometry", Reason: msg}}
	}
	g = unwrap(c.l.Geometry, g)
	if !layers.GeometryFits(c.l.Geometry, g) {
		return fail(fmt.Sprintf("is a %s, but layer %s takes a %s", g.GeoJSONType(), c.l.Name, c.l.Geometry))
	}
	if n := countPoints(g); n > c.opts.MaxCoordinates {
		return fail(fmt.Sprintf("has %d coordinates, more than the %d allowed", n, c.opts.MaxCoordinates))
	}
	if c.opts.CRS != geo.WGS84 && c.opts.CRS != geo.CGCS2000 {
		bad := false
		walkPoints(g, func(p orb.Point) bool { bad = finite(p) != nil; return !bad })
		if bad {
			return fail("a coordinate is not a finite number")
		}
		g = geo.TransformGeometry(g, func(p orb.Point) orb.Point { return geo.ToWGS84(c.opts.CRS, p) })
	}
	gc := geomCheck{repair: !c.opts.NoRepair}
	g, err := gc.check(g)
	if err != nil {
		return fail(err.Error())
	}
	if msg := regionProblem(g, *c.opts.Region); msg != "" {
		return fail(msg)
	}
	return g, gc.repairs, nil
}

// fill sets what the file left out: the default source, the derived status,
// the community and patch.
func (c *converter) fill(row int64, props map[string]any, g orb.Geometry, resolved *bool, warns *[]Problem, once *[]onceWarning) {
	if c.hasSource && props["source"] == nil {
		props["source"] = c.opts.DefaultSource
	}
	if c.derive {
		deriveStatus(props, resolved)
	}
	if !c.hasComm {
		return
	}
	p, isPoint := g.(orb.Point)
	if props["community"] == nil && isPoint && c.comm != nil {
		if c.comm.empty() {
			*once = append(*once, onceWarning{noCommKey, Problem{Row: row, Field: "community", Reason: "the store has no communities yet, so community and patch were left empty (import the communities layer first)"}})
		} else if name, patch := c.comm.locate(p); name != "" {
			props["community"] = name
			if c.hasPatch && props["patch"] == nil && patch != "" {
				props["patch"] = patch
			}
		} else {
			*warns = append(*warns, Problem{Row: row, Field: "community", Reason: fmt.Sprintf("(%.6f, %.6f) is not inside any community; left empty", p[0], p[1])})
		}
	}
	if c.hasPatch && props["patch"] == nil && c.comm != nil {
		if name, ok := props["community"].(string); ok {
			if patch := c.comm.patchOf[name]; patch != "" {
				props["patch"] = patch
			}
		}
	}
}

// checkKey rejects a key seen before in the file (or, for inserts, already
// in the layer) and, for upserts, a missing key.
func (c *converter) checkKey(row int64, props map[string]any) []Problem {
	if c.keys == nil {
		return nil
	}
	key := c.l.Key
	k := keyText(props[key])
	fd, _ := c.l.Field(key)
	if k == "" {
		if c.opts.Mode == layers.Upsert {
			return []Problem{{Row: row, Field: key, Reason: fmt.Sprintf("is needed to upsert (column %s): without it the row cannot be matched", fd.TitleZH)}}
		}
		return nil
	}
	h := maphash.String(c.seed, k)
	if first, seen := c.keys[h]; seen {
		if first == 0 {
			return []Problem{{Row: row, Field: key, Value: shorten(k), Reason: "is already in the layer: use --mode upsert to update it"}}
		}
		return []Problem{{Row: row, Field: key, Value: shorten(k), Reason: fmt.Sprintf("appears twice in the file (first on row %d)", first)}}
	}
	c.keys[h] = uint32(min(row, 1<<32-1))
	return nil
}
