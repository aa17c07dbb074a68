// Command tiles-baseline serves vector tiles the way pg_tileserv does, for
// bench/tiles.sh to measure minqing's tiles against in the same run: one
// statement per tile and layer,
//
//	SELECT ST_AsMVT(q, layer, 4096, 'geom', 'id') FROM (
//	  SELECT id, ST_AsMVTGeom(geom_3857, ST_TileEnvelope(z, x, y), 4096, 64) AS geom, <properties>
//	  FROM layer WHERE geom && ST_Transform(ST_TileEnvelope(z, x, y, margin => 65/4096), 4326)
//	  LIMIT <cap>) q
//
// (pg_tileserv transforms the envelope to the table's SRID and searches its
// geometry's GiST index; it would also transform every row to Web Mercator,
// which this baseline is spared: it clips the stored geom_3857 as minqing
// does)
// with the properties a staff token sees in minqing's tiles (times as epoch
// seconds, dates as text, as minqing writes them), the same extent, buffer
// and feature cap, through a pool opened as minqing opens its own
// (postgis.Open). There is no clustering and no cache: every request runs
// the statement.
//
//	go run ./bench/tiles-baseline --database-url postgres://… --addr 127.0.0.1:7801
//	GET /tiles/incidents/15/26968/12418.mvt
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"strconv"
	"strings"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/postgis"
)

func main() {
	url := flag.String("database-url", "", "PostgreSQL URL")
	addr := flag.String("addr", "127.0.0.1:7801", "listen address")
	flag.Parse()
	cat := fengtai.Catalog()
	st, err := postgis.Open(context.Background(), *url, cat)
	if err != nil {
		log.Fatal(err)
	}
	pool := st.Pool()
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	http.HandleFunc("/tiles/", func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/tiles/"), "/")
		if len(parts) != 4 {
			http.NotFound(w, r)
			return
		}
		l, ok := cat.Lookup(parts[0])
		if !ok {
			http.NotFound(w, r)
			return
		}
		z, _ := strconv.Atoi(parts[1])
		x, _ := strconv.Atoi(parts[2])
		y, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSuffix(parts[3], ".mvt"), ".pbf"))
		var body []byte
		if err := pool.QueryRow(r.Context(), statement(l), z, x, y).Scan(&body); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if len(body) == 0 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.mapbox-vector-tile")
		_, _ = w.Write(body)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}

// statement is the tile statement of layer l ($1–$3: z, x, y).
func statement(l *layers.Layer) string {
	cols := []string{"id", "ST_AsMVTGeom(geom_3857, ST_TileEnvelope($1, $2, $3), 4096, 64) AS geom"}
	for _, f := range l.VisibleFields(layers.Staff) {
		c := `"` + f.Name + `"`
		switch f.Type {
		case layers.Time:
			c = "floor(extract(epoch FROM " + c + "))::bigint AS " + c
		case layers.Date:
			c = "to_char(" + c + ", 'YYYY-MM-DD') AS " + c
		case layers.Cell:
			c = "to_hex(" + c + ") AS " + c
		}
		cols = append(cols, c)
	}
	limit := ""
	if l.MaxTileFeatures > 0 {
		limit = " LIMIT " + strconv.Itoa(l.MaxTileFeatures)
	}
	return "SELECT ST_AsMVT(q, '" + l.Name + "', 4096, 'geom', 'id') FROM (SELECT " + strings.Join(cols, ", ") +
		` FROM "` + l.Name + `" WHERE geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 65.0/4096), 4326)` + limit + ") q"
}
