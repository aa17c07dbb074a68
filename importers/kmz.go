package importers

import (
	"archive/zip"
	"fmt"
	"path"
	"strings"
)

// openKMZ reads the KML of a KMZ: doc.kml at the root (as Google Earth and
// 奥维地图 write it), else the only .kml. Icons and overlays are ignored.
func openKMZ(in *binaryInput, zr *zip.Reader, opts *Options) error {
	var pick *zip.File
	var kmls []string
	for _, f := range zr.File {
		if !strings.EqualFold(path.Ext(f.Name), ".kml") {
			continue
		}
		kmls = append(kmls, f.Name)
		if strings.EqualFold(f.Name, "doc.kml") {
			pick = f
		}
	}
	if pick == nil {
		if len(kmls) != 1 {
			return fmt.Errorf("the KMZ has no doc.kml and %d other .kml files (%s): which one is the map?", len(kmls), strings.Join(kmls, ", "))
		}
		for _, f := range zr.File {
			if f.Name == kmls[0] {
				pick = f
			}
		}
	}
	rc, err := pick.Open()
	if err != nil {
		return fmt.Errorf("%s in the KMZ cannot be read: %w", pick.Name, err)
	}
	in.closers = append(in.closers, func() { rc.Close() })
	dec, err := decodeInput(rc, opts.Encoding, KML)
	if err != nil {
		return err
	}
	in.rr = newKMLReader(dec.r, !dec.xmlDeclared, opts.MaxRecordBytes, opts.MaxCoordinates)
	in.encoding, in.table = dec.name, pick.Name
	return nil
}
