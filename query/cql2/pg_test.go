package cql2

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"minqing/internal/pgtest"
)

// pgFeature is one row of the agreement test: its properties as Eval sees
// them and its geometry.
type pgFeature struct {
	props map[string]any
	geom  orb.Geometry
}

func pgFeatures() []pgFeature {
	ts := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	donut := orb.Polygon{
		{{116.2, 39.8}, {116.4, 39.8}, {116.4, 39.9}, {116.2, 39.9}, {116.2, 39.8}},
		{{116.25, 39.82}, {116.35, 39.82}, {116.35, 39.88}, {116.25, 39.88}, {116.25, 39.82}},
	}
	return []pgFeature{
		{map[string]any{"name": "丰台", "名称": "丰台街道", "kind": `50%_off\`, "road name": "丰台路", "and": "x",
			"pop": int64(10), "area": 2.5, "open": true, "t": ts("2026-03-01T12:00:00Z"),
			"date": ts("2026-01-01T00:00:00+08:00")}, orb.Point{116.3, 39.85}},
		{map[string]any{"name": "Zebra", "pop": int64(-3), "area": math.NaN(), "open": false,
			"t": ts("2025-12-31T23:59:59.999999Z")}, orb.LineString{{116.1, 39.85}, {116.5, 39.86}}},
		{map[string]any{}, nil},
		{map[string]any{"name": "a_b", "kind": "100%", "pop": int64(0), "area": math.Copysign(0, -1),
			"t": ts("2026-01-01T00:00:00Z"), "date": ts("2026-01-01T00:00:00Z")}, donut},
		{map[string]any{"name": "", "pop": int64(1)<<53 + 1, "area": 1e300, "open": true,
			"t": ts("2026-06-01T12:00:00Z")},
			orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, {{{116.28, 39.84}, {116.32, 39.84}, {116.32, 39.86}, {116.28, 39.84}}}}},
		{map[string]any{"name": "it's", "名称": "北京", "pop": int64(1), "area": 1.0, "nullname": nil,
			"t": ts("2026-01-31T23:00:00-01:00")}, orb.MultiPoint{{116.3, 39.85}, {0, 0}}},
		{map[string]any{"name": "m", "kind": "丰", "pop": int64(2), "area": 2.0}, orb.Point{116.4, 39.9}},
		{map[string]any{"name": "B", "kind": "", "pop": int64(11), "area": -1.5, "open": false},
			orb.LineString{{116.26, 39.83}, {116.34, 39.87}}},
		{map[string]any{"name": "世界"}, orb.Polygon{{{116.0, 39.0}, {117.0, 39.0}, {117.0, 40.0}, {116.0, 40.0}, {116.0, 39.0}}}},
		{map[string]any{"name": "é", "pop": int64(1) << 53}, orb.MultiLineString{{{0, 0}, {1, 1}}, {{116.3, 39.7}, {116.3, 39.81}}}},
	}
}

// pgFilters are the filters whose results PostgreSQL and Eval must agree on.
func pgFilters() []string {
	return []string{
		`pop = 10`, `pop = 10.0`, `pop < 10.5`, `pop <> 10`, `pop >= 10`, `NOT pop > 10`,
		`pop = 9007199254740992`, `pop = 9007199254740992.0`, `pop > 9007199254740992`,
		`area > 2`, `area = 2.5`, `area <= 2.4`, `area > 1e300`, `area >= 1e300`, `area < -0.0`, `area = 0`,
		`NOT area < 3`, `area BETWEEN -2 AND 2`, `area NOT BETWEEN -2 AND 2`, `area IN (1, 2.5)`, `area NOT IN (0, 2)`,
		`name = '丰台'`, `name <> '丰台'`, `name < 'Z'`, `name > 'Z'`, `name >= 'a'`, `name <= 'B'`, `name < 'é'`,
		`name > '丰'`, `name BETWEEN 'B' AND 'm'`, `name NOT BETWEEN 'a' AND '世'`, `name = ''`, `name = 'it''s'`,
		`名称 = '丰台街道'`, `名称 <> '北京'`, `"road name" LIKE '丰%'`, `"and" IS NULL`,
		`name IN ('丰台', 'm', 'x')`, `name NOT IN ('丰台', 'm')`, `NOT name IN ('丰台')`,
		`name LIKE '丰%'`, `name LIKE '_台'`, `name LIKE '_'`, `name NOT LIKE '%b'`, `name LIKE '%\_%'`,
		`name LIKE 'a_b'`, `name LIKE ''`, `name LIKE '%'`, `NOT name LIKE '%'`,
		`kind LIKE '50\%\_off\\'`, `kind LIKE '%\%'`, `kind LIKE '%\%%'`, `kind NOT LIKE '%\\'`, `kind LIKE '_'`,
		`open = TRUE`, `open <> TRUE`, `NOT open = FALSE`, `open IN (FALSE)`, `open IS NULL`,
		`t > DATE('2026-03-01')`, `t < TIMESTAMP('2026-03-01T20:00:00+08:00')`, `t <= TIMESTAMP('2026-03-01T20:00:00+08:00')`,
		`t = TIMESTAMP('2025-12-31T23:59:59.999999Z')`, `t = TIMESTAMP('2026-02-01T00:00:00Z')`,
		`t IN (DATE('2026-01-01'), TIMESTAMP('2026-03-01T12:00:00Z'))`, `t NOT IN (DATE('2026-01-01'))`,
		`t BETWEEN DATE('2026-01-01') AND DATE('2026-03-01')`, `t NOT BETWEEN DATE('2026-01-01') AND DATE('2026-03-01')`,
		`date = DATE('2026-01-01')`, `date = TIMESTAMP('2025-12-31T16:00:00Z')`,
		`T_AFTER(t, TIMESTAMP('2026-03-01T12:00:00Z'))`, `T_AFTER(t, DATE('2026-01-01'))`, `NOT T_AFTER(t, DATE('2026-01-01'))`,
		`T_BEFORE(t, TIMESTAMP('2026-01-01T00:00:00Z'))`, `NOT T_BEFORE(t, TIMESTAMP('2026-01-01T00:00:00Z'))`,
		`T_INTERSECTS(t, INTERVAL('2026-01-01', '2026-03-01T12:00:00Z'))`, `T_INTERSECTS(t, INTERVAL('2026-01-01', '..'))`,
		`T_INTERSECTS(t, INTERVAL('..', '2026-01-01'))`, `T_INTERSECTS(t, INTERVAL('..', '..'))`,
		`NOT T_INTERSECTS(t, INTERVAL('..', '..'))`, `NOT T_INTERSECTS(t, INTERVAL('2026-01-01', '..'))`,
		`T_INTERSECTS(t, TIMESTAMP('2026-01-01T00:00:00Z'))`,
		`missing = 1`, `NOT missing = 1`, `missing IS NULL`, `missing NOT IN (1)`, `NOT missing BETWEEN 1 AND 2`,
		`nullname IS NULL`, `NOT nullname LIKE '%'`, `missingt IS NOT NULL`,
		`pop = 10 OR missing = 1`, `NOT (pop = 10 OR missing = 1)`, `NOT (pop = 11 AND missing = 1)`,
		`NOT (name = 'x' OR pop > 1)`, `NOT NOT pop > 1`, `(pop > 0 OR name LIKE '丰%') AND NOT open = TRUE`,
		`pop > 0 AND area > 0 OR name IS NULL`,
		`geom IS NULL`, `geom IS NOT NULL`, `NOT geom IS NULL`,
		`S_INTERSECTS(geom, BBOX(116.2, 39.8, 116.4, 39.9))`,
		`S_INTERSECTS(geom, BBOX(116.29, 39.84, 116.31, 39.86))`,
		`S_INTERSECTS(geom, BBOX(116.27, 39.83, 116.33, 39.87))`,
		`S_INTERSECTS(geom, BBOX(116.4, 39.9, 116.5, 40))`,
		`S_INTERSECTS(geom, BBOX(0.5, 0.1, 0.9, 0.2))`,
		`S_INTERSECTS(geom, BBOX(-10, -10, -5, -5))`,
		`S_INTERSECTS(geom, BBOX(116.3, 39.85, 116.3, 39.85))`,
		`S_INTERSECTS(geom, BBOX(116.25, 39.85, 116.25, 39.85))`,
		`S_INTERSECTS(geom, BBOX(116.1, 39.85, 116.5, 39.85))`,
		`S_INTERSECTS(geom, BBOX(116.4, 39.0, 116.4, 40.0))`,
		`S_INTERSECTS(geom, BBOX(116.34, 39.8, 116.34, 39.85))`,
		`S_INTERSECTS(geom, POLYGON((116.25 39.82, 116.35 39.82, 116.35 39.88, 116.25 39.82)))`,
		`S_INTERSECTS(geom, POLYGON((116.25 39.82, 116.25 39.82, 116.35 39.82, 116.35 39.88, 116.35 39.88, 116.25 39.82)))`,
		`S_INTERSECTS(geom, MULTIPOLYGON(((116.26 39.83, 116.27 39.83, 116.27 39.84, 116.26 39.83)), ((116.1 39.1, 116.9 39.1, 116.9 39.9, 116.1 39.1), (116.5 39.2, 116.8 39.2, 116.8 39.5, 116.5 39.2))))`,
		`S_INTERSECTS(geom, BBOX(-1e300, -1e300, 1e300, 1e300))`,
		`S_INTERSECTS(geom, POINT(1e300 1e300))`,
		`S_INTERSECTS(geom, LINESTRING(0 0, 0 0))`,
		`S_INTERSECTS(geom, LINESTRING(116.3 39.85, 116.3 39.85))`,
		`NOT S_INTERSECTS(geom, BBOX(116.2, 39.8, 116.4, 39.9))`,
		`S_INTERSECTS(geom, POINT(116.3 39.85))`,
		`S_INTERSECTS(geom, POINT(116.2 39.85))`,
		`S_INTERSECTS(geom, POINT(116.26 39.83))`,
		`S_INTERSECTS(geom, POINT(0.5 0.5))`,
		`S_INTERSECTS(geom, LINESTRING(116.3 39.6, 116.3 39.75))`,
		`S_INTERSECTS(geom, LINESTRING(116.27 39.85, 116.33 39.85))`,
		`S_INTERSECTS(geom, LINESTRING(116.1 39.95, 116.5 39.95))`,
		`S_INTERSECTS(geom, POLYGON((116.26 39.83, 116.34 39.83, 116.34 39.87, 116.26 39.87, 116.26 39.83)))`,
		`S_INTERSECTS(geom, POLYGON((116.1 39.7, 116.6 39.7, 116.6 40.1, 116.1 40.1, 116.1 39.7), (116.15 39.75, 116.45 39.75, 116.45 39.95, 116.15 39.95, 116.15 39.75)))`,
		`S_INTERSECTS(geom, MULTIPOINT((0 0), (116.4 39.9)))`,
		`S_INTERSECTS(geom, MULTILINESTRING((0.5 -1, 0.5 2), (116.3 39.9, 116.3 40)))`,
		`S_INTERSECTS(geom, MULTIPOLYGON(((0.9 0.8, 2 0.8, 2 2, 0.9 0.8)), ((200 0, 201 0, 201 1, 200 0))))`,
	}
}

// TestPostgresAgreesWithEval runs every filter both through ToSQL on a
// real PostGIS table and through Eval on the same features, and requires
// the same matches. It needs MINQING_TEST_DATABASE (see ./scripts/test).
func TestPostgresAgreesWithEval(t *testing.T) {
	runAgreement(t, pgFilters())
}

func runAgreement(t *testing.T, filters []string) {
	url := pgtest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)

	schema := testSchema()
	names := make([]string, 0, len(schema))
	for n := range schema {
		names = append(names, n)
	}
	slices.Sort(names)
	sqlTypes := map[Type]string{TString: "text", TInt: "bigint", TFloat: "double precision",
		TBool: "boolean", TTime: "timestamptz", TGeometry: "geometry(Geometry, 4326)"}
	col := func(p string) string { return pgx.Identifier{p}.Sanitize() }
	var defs []string
	for _, n := range names {
		defs = append(defs, col(n)+" "+sqlTypes[schema[n]])
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE f (id int PRIMARY KEY, "+strings.Join(defs, ", ")+")"); err != nil {
		t.Fatal(err)
	}

	features := pgFeatures()
	for id, f := range features {
		cols := []string{"id"}
		vals := []string{"$1"}
		args := []any{id}
		for _, n := range names {
			v := f.props[n]
			if schema[n] == TGeometry {
				if f.geom == nil {
					continue
				}
				args = append(args, formatGeometry(f.geom))
				cols = append(cols, col(n))
				vals = append(vals, "ST_GeomFromText($"+itoa(len(args))+", 4326)")
				continue
			}
			if v == nil {
				continue
			}
			args = append(args, v)
			cols = append(cols, col(n))
			vals = append(vals, "$"+itoa(len(args)))
		}
		q := "INSERT INTO f (" + strings.Join(cols, ", ") + ") VALUES (" + strings.Join(vals, ", ") + ")"
		if _, err := conn.Exec(ctx, q, args...); err != nil {
			t.Fatalf("insert feature %d: %v", id, err)
		}
	}

	for _, filter := range filters {
		e, err := Parse(filter, schema)
		if err != nil {
			t.Errorf("Parse(%s): %v", filter, err)
			continue
		}
		where, args, err := ToSQL(e, col, 1)
		if err != nil {
			t.Errorf("ToSQL(%s): %v", filter, err)
			continue
		}
		rows, err := conn.Query(ctx, "SELECT id FROM f WHERE "+where+" ORDER BY id", args...)
		if err != nil {
			t.Errorf("query for %s (%s): %v", filter, where, err)
			continue
		}
		got, err := pgx.CollectRows(rows, pgx.RowTo[int])
		if err != nil {
			t.Errorf("query for %s (%s): %v", filter, where, err)
			continue
		}
		var want []int
		for id, f := range features {
			if Eval(e, f.props, f.geom) {
				want = append(want, id)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s\n  SQL  %s\n  PostgreSQL matches %v, Eval matches %v", filter, where, got, want)
		}
	}
}

func itoa(n int) string { return formatValue(int64(n)) }

// randGeom returns a random valid geometry with coordinates in 0…6.
func randGeom(r *rand.Rand) orb.Geometry {
	pt := func() orb.Point { return orb.Point{float64(r.IntN(7)), float64(r.IntN(7))} }
	for {
		switch r.IntN(7) {
		case 0:
			return pt()
		case 1:
			l := orb.LineString{pt(), pt()}
			for r.IntN(2) == 0 {
				l = append(l, pt())
			}
			return l
		case 2:
			p := orb.Polygon{{pt(), pt(), pt()}}
			p[0] = append(p[0], p[0][0])
			if polygonProblem(p) == "" {
				return p
			}
		case 3:
			x, y := float64(r.IntN(4)), float64(r.IntN(4))
			w, h := float64(1+r.IntN(3)), float64(1+r.IntN(3))
			p := orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + w, y + h}}.ToPolygon()
			if w >= 2 && h >= 2 && r.IntN(2) == 0 {
				hx, hy := x+0.5, y+0.5
				p = append(p, orb.Ring{{hx, hy}, {hx + 1, hy}, {hx + 1, hy + 1}, {hx, hy + 1}, {hx, hy}})
			}
			return p
		case 4:
			return orb.MultiPoint{pt(), pt()}
		case 5:
			return orb.MultiLineString{{pt(), pt()}, {pt(), pt()}}
		case 6:
			a := randGeom(r)
			b := randGeom(r)
			pa, ok1 := a.(orb.Polygon)
			pb, ok2 := b.(orb.Polygon)
			if ok1 && ok2 && multiPolygonProblem(orb.MultiPolygon{pa, pb}) == "" {
				return orb.MultiPolygon{pa, pb}
			}
		}
	}
}

// TestPostgresIntersectsRandom compares Eval's planar S_INTERSECTS with
// PostGIS ST_Intersects on random geometries on a small integer grid, where
// touching, collinear and shared-vertex cases are common and exact.
func TestPostgresIntersectsRandom(t *testing.T) {
	url := pgtest.New(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE TABLE g (id int, geom geometry(Geometry, 4326))"); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	var feats []orb.Geometry
	for i := 0; i < 300; i++ {
		g := randGeom(r)
		feats = append(feats, g)
		if _, err := conn.Exec(ctx, "INSERT INTO g VALUES ($1, ST_GeomFromText($2, 4326))", i, formatGeometry(g)); err != nil {
			t.Fatal(err)
		}
	}
	bad := 0 // report the first few mismatches only
	for q := 0; q < 400; q++ {
		g := randGeom(r)
		e := &SIntersects{Prop: "geom", Geom: g}
		if q%4 == 0 {
			x, y := float64(r.IntN(6)), float64(r.IntN(6))
			e.Geom = orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + float64(r.IntN(3)), y + float64(r.IntN(3))}}
		}
		sql, args, err := ToSQL(e, func(string) string { return "geom" }, 1)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := conn.Query(ctx, "SELECT id FROM g WHERE "+sql+" ORDER BY id", args...)
		if err != nil {
			t.Fatalf("%s: %v", e, err)
		}
		got, err := pgx.CollectRows(rows, pgx.RowTo[int])
		if err != nil {
			t.Fatal(err)
		}
		var want []int
		for i, f := range feats {
			if Eval(e, nil, f) {
				want = append(want, i)
			}
		}
		if !slices.Equal(got, want) {
			bad++
			if bad < 10 {
				var diff []string
				for _, id := range got {
					if !slices.Contains(want, id) {
						diff = append(diff, "pg-only "+formatGeometry(feats[id]))
					}
				}
				for _, id := range want {
					if !slices.Contains(got, id) {
						diff = append(diff, "eval-only "+formatGeometry(feats[id]))
					}
				}
				t.Errorf("%s: %v", e, diff)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of 400 queries disagree", bad)
	}
}
