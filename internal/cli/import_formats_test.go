package cli

import (
	"os"
	"strings"
	"testing"

	"minqing/internal/pgtest"
)

// TestImportBinaryFormats: the command reads workbooks, zipped Shapefiles,
// KMZ and GeoPackages, recognised by extension or by content.
func TestImportBinaryFormats(t *testing.T) {
	env := map[string]string{"DATABASE_URL": pgtest.New(t)}
	xlsx := importTestdata(t, "workorders.xlsx")
	renamed := strings.TrimSuffix(xlsx, ".xlsx") + ".dat" // no known extension: --format decides, the bytes confirm
	if err := os.Rename(xlsx, renamed); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--layer", "incidents", "--format", "xlsx", "--sheet", "工单明细", renamed}, 0, "incidents ← xlsx sheet 工单明细 (utf-8, wgs84, insert): written"},
		{[]string{"--layer", "incidents", "--sheet", "汇总", importTestdata(t, "workorders.xlsx")}, 1, `no sheet "汇总"`},
		{[]string{"--layer", "incidents", importTestdata(t, "workorders_bad.xlsx")}, 1, "sheet 工单明细 row 9: lon"},
		{[]string{"--layer", "communities", importTestdata(t, "communities_gk39.zip")}, 0, "communities ← shapefile communities.shp (gbk, cgcs2000, insert): written"},
		{[]string{"--layer", "communities", "--dry-run", "--encoding", "utf-8", importTestdata(t, "communities_gk39.zip")}, 1, "column names are not valid UTF-8 text"},
		{[]string{"--layer", "service_points", importTestdata(t, "ovital.kmz")}, 0, "inserted 3"},
		{[]string{"--layer", "greening", "--table", "绿地", importTestdata(t, "greening_qgis.gpkg")}, 0, "greening ← gpkg 绿地 (utf-8, cgcs2000, insert): written"},
	}
	for _, c := range cases {
		code, out, errs := run(t, env, append([]string{"import", "--progress=false"}, c.args...)...)
		if code != c.code || !strings.Contains(out+errs, c.want) {
			t.Errorf("minqing import %v: exit %d, want %d with %q\n%s\n%s", c.args, code, c.code, c.want, out, errs)
		}
	}
}
