package importers

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
)

// shapefileParts returns the .shp and .dbf of the fixture, as fuzz seeds.
func shapefileParts(f *testing.F) (shp, dbf []byte) {
	b, err := os.ReadFile(filepath.Join("testdata", "communities_gk39.zip"))
	if err != nil {
		f.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		f.Fatal(err)
	}
	read := func(name string) []byte {
		rc, err := zr.Open(name)
		if err != nil {
			f.Fatal(err)
		}
		defer rc.Close()
		data, err := io.ReadAll(rc)
		if err != nil {
			f.Fatal(err)
		}
		return data
	}
	return read("communities.shp"), read("communities.dbf")
}

// FuzzShapeRecord feeds shape record contents to the decoder: no panic, no
// allocation beyond the record, and a shape error rather than garbage.
func FuzzShapeRecord(f *testing.F) {
	shp, _ := shapefileParts(f)
	for off := 100; off+8 <= len(shp); {
		n := int(binary.BigEndian.Uint32(shp[off+4:])) * 2
		f.Add(shp[off+8 : off+8+n])
		off += 8 + n
	}
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{8, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 4 {
			return
		}
		g, err := decodeShape(data, 1<<12)
		if err != nil && !isShapeError(err) {
			t.Fatalf("not a shape error: %v", err)
		}
		if err == nil && g != nil {
			n := 0
			forEachPoint(g, func(orb.Point) { n++ })
			if n > len(data)/16 {
				t.Fatalf("%d points from %d bytes", n, len(data))
			}
		}
	})
}

// FuzzDBF reads fuzzed .dbf tables to the end and decides their encoding.
func FuzzDBF(f *testing.F) {
	_, dbf := shapefileParts(f)
	f.Add(dbf)
	f.Add(dbf[:40])
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := newDBFReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		_, _, _ = dbfEncoding("", "", d.ldid, data)
		d.dec, _ = decoderFor("gbk")
		_ = d.names()
		for i := 0; i < 10000; i++ {
			vals, _, err := d.next()
			if errors.Is(err, io.EOF) || err != nil {
				return
			}
			if len(vals) != len(d.fields) {
				t.Fatalf("%d values for %d fields", len(vals), len(d.fields))
			}
		}
	})
}

// FuzzPRJ parses fuzzed coordinate system definitions.
func FuzzPRJ(f *testing.F) {
	f.Add(`PROJCS["CGCS2000_3_Degree_GK_Zone_39",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",39500000.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`)
	f.Add(`GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],AUTHORITY["EPSG","4326"]]`)
	f.Add(`PROJCRS["x",BASEGEOGCRS["y",DATUM["China 2000",ELLIPSOID["CGCS2000",6378137,298.257222101]]],CONVERSION["z",METHOD["Transverse Mercator"],PARAMETER["Longitude of natural origin",117]],ID["EPSG",4548]]`)
	f.Fuzz(func(t *testing.T, s string) {
		srs, err := parsePRJ(s)
		if err == nil && srs == nil {
			t.Fatal("nil system without an error")
		}
	})
}

// FuzzBinaryImport runs whole dry-run imports of fuzzed zips (Shapefile,
// KMZ, workbook) through the same invariants as the text formats.
func FuzzBinaryImport(f *testing.F) {
	addSeeds(f, "communities_gk39.zip", "ovital.kmz", "workorders_bad.xlsx")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, "communities", Zip, data) })
}
