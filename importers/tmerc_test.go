package importers

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"minqing/geo"
)

// needTool finds a PROJ tool: under CI=true its absence fails the test,
// elsewhere it skips it.
func needTool(t *testing.T, name string) string {
	t.Helper()
	bin, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s (apt-get install proj-bin) is needed to check the projections", name)
		}
		t.Skipf("%s is not installed (apt-get install proj-bin)", name)
	}
	return bin
}

// TestTmercAgainstCs2cs projects a grid over each zone with PROJ's cs2cs
// (forward and inverse) and holds our Transverse Mercator to it within a
// millimetre, and within 10⁻⁹° on the way back.
func TestTmercAgainstCs2cs(t *testing.T) {
	bin := needTool(t, "cs2cs")
	for _, code := range []int{4527, 4548, 4513, 4533, 4554} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			s, err := srsFromEPSG(code)
			if err != nil {
				t.Fatal(err)
			}
			cm := s.tm.lon0
			var geog []orb.Point
			for dlon := -1.6; dlon <= 1.6; dlon += 0.4 { // the 3° zone and a margin
				for lat := 18.0; lat <= 53; lat += 5 {
					geog = append(geog, orb.Point{cm + dlon, lat})
				}
			}
			var in bytes.Buffer
			for _, p := range geog {
				fmt.Fprintf(&in, "%.12f %.12f\n", p[1], p[0]) // EPSG:4490 is lat, lon
			}
			cmd := exec.Command(bin, "-f", "%.6f", "EPSG:4490", fmt.Sprintf("EPSG:%d", code))
			cmd.Stdin = &in
			out, err := cmd.Output()
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			if len(lines) != len(geog) {
				t.Fatalf("%d lines for %d points", len(lines), len(geog))
			}
			worst, worstBack := 0.0, 0.0
			for i, line := range lines {
				var north, east, h float64
				if _, err := fmt.Sscan(line, &north, &east, &h); err != nil {
					t.Fatalf("%q: %v", line, err)
				}
				got := s.tm.forward(geog[i])
				worst = math.Max(worst, math.Hypot(got[0]-east, got[1]-north))
				back := s.tm.inverse(orb.Point{east, north})
				worstBack = math.Max(worstBack, geo.Distance(back, geog[i]))
			}
			t.Logf("EPSG:%d: worst forward difference %.2e m, inverse %.2e m", code, worst, worstBack)
			if worst > 0.001 || worstBack > 0.001 {
				t.Errorf("EPSG:%d: differs from cs2cs by %.4f m forward, %.4f m inverse; want < 1 mm", code, worst, worstBack)
			}
		})
	}
}

// TestPRJAgainstProjinfo reads the WKT that PROJ writes for every supported
// EPSG code (ESRI and GDAL WKT 1, and WKT 2) with the EPSG codes removed, so
// the parameters are read rather than looked up, and checks them against
// the table.
func TestPRJAgainstProjinfo(t *testing.T) {
	bin := needTool(t, "projinfo")
	codes := []int{4326, 4490}
	for c := 4513; c <= 4554; c++ {
		codes = append(codes, c)
	}
	for _, code := range codes {
		want, err := srsFromEPSG(code)
		if err != nil {
			t.Fatal(err)
		}
		for _, form := range []string{"WKT1_ESRI", "WKT1_GDAL", "WKT2_2019"} {
			out, err := exec.Command(bin, "-o", form, "--single-line", "-q", fmt.Sprintf("EPSG:%d", code)).Output()
			if err != nil {
				t.Fatalf("projinfo EPSG:%d %s: %v", code, form, err)
			}
			wkt := stripIDs(string(out))
			got, err := parsePRJ(wkt)
			if err != nil {
				t.Errorf("EPSG:%d %s: %v\n%s", code, form, err, wkt)
				continue
			}
			if got.geog != want.geog || (got.tm == nil) != (want.tm == nil) {
				t.Errorf("EPSG:%d %s: read %+v, want %+v", code, form, got, want)
				continue
			}
			if got.tm != nil && (got.tm.lon0 != want.tm.lon0 || got.tm.fe != want.tm.fe || got.tm.k0 != want.tm.k0 || got.tm.fn != want.tm.fn) {
				t.Errorf("EPSG:%d %s: cm %v fe %v k0 %v, want cm %v fe %v k0 %v", code, form, got.tm.lon0, got.tm.fe, got.tm.k0, want.tm.lon0, want.tm.fe, want.tm.k0)
			}
		}
	}
}

// stripIDs removes AUTHORITY[...] and ID[...] clauses.
func stripIDs(s string) string {
	for _, kw := range []string{",AUTHORITY[", ",ID["} {
		for {
			i := strings.Index(s, kw)
			if i < 0 {
				break
			}
			depth, j := 0, i+len(kw)-1
			for ; j < len(s); j++ {
				if s[j] == '[' {
					depth++
				} else if s[j] == ']' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			s = s[:i] + s[j+1:]
		}
	}
	return s
}

func TestParsePRJUnsupported(t *testing.T) {
	cases := []struct{ wkt, want string }{
		{`PROJCS["Beijing_1954_3_Degree_GK_Zone_39",GEOGCS["GCS_Beijing_1954",DATUM["D_Beijing_1954",SPHEROID["Krasovsky_1940",6378245.0,298.3]]],PROJECTION["Gauss_Kruger"],PARAMETER["Central_Meridian",117.0]]`, `"Beijing_1954_3_Degree_GK_Zone_39" is not supported (datum "D_Beijing_1954")`},
		{`PROJCS["WGS 84 / Pseudo-Mercator",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]]],PROJECTION["Mercator_1SP"],PARAMETER["central_meridian",0],UNIT["metre",1]]`, `projection "Mercator_1SP"`},
		{`PROJCS["x",GEOGCS["y",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101]]],PROJECTION["Transverse_Mercator"],PARAMETER["central_meridian",117],UNIT["foot",0.3048]]`, `unit "foot", not metres`},
		{`PROJCS["x",GEOGCS[`, `cannot be read`},
		{`GEOGCS["y",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101]],AUTHORITY["EPSG","4555"]]`, ``}, // unknown code, understood datum
	}
	for _, c := range cases {
		_, err := parsePRJ(c.wkt)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: %v", c.wkt, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", shorten(c.wkt), err, c.want)
		}
	}
}
