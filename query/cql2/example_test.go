package cql2_test

import (
	"fmt"
	"strconv"

	"github.com/paulmach/orb"

	"minqing/query/cql2"
)

func Example() {
	schema := cql2.SchemaMap{
		"名称":       cql2.TString,
		"category": cql2.TString,
		"pop":      cql2.TInt,
		"geom":     cql2.TGeometry,
	}
	e, err := cql2.Parse(`名称 like '丰台%' and pop >= 1000 `+
		`and s_intersects(geom, bbox(116.2, 39.8, 116.4, 39.9))`, schema)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e)

	col := func(prop string) string { return "t." + strconv.Quote(prop) }
	sql, args, err := cql2.ToSQL(e, col, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sql)
	fmt.Println(args)

	props := map[string]any{"名称": "丰台街道", "pop": int64(20000)}
	fmt.Println(cql2.Eval(e, props, orb.Point{116.287, 39.858}))
	fmt.Println(cql2.Eval(e, map[string]any{"名称": "丰台街道"}, orb.Point{116.287, 39.858})) // pop is NULL

	_, err = cql2.Parse(`category = 5`, schema)
	fmt.Println(err)
	_, err = cql2.Parse(`secret = 'x'`, schema)
	fmt.Println(err)
	// Output:
	// 名称 LIKE '丰台%' AND pop >= 1000 AND S_INTERSECTS(geom, BBOX(116.2, 39.8, 116.4, 39.9))
	// (t."名称" LIKE $1::text ESCAPE '\' AND t."pop" >= $2::bigint AND ST_Intersects(t."geom", ST_MakeEnvelope($3, $4, $5, $6, 4326)))
	// [丰台% 1000 116.2 39.8 116.4 39.9]
	// true
	// false
	// cql2: cannot compare string property "category" with a number at position 12
	// cql2: unknown property "secret" at position 1
}
