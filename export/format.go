package export

import (
	"fmt"
	"strings"
	"time"

	"minqing/layers"
)

// Format is an export format.
type Format string

// The export formats.
const (
	GeoJSON Format = "geojson"
	CSV     Format = "csv"
	KML     Format = "kml"
)

// Formats lists every format, in the order they are offered.
func Formats() []Format { return []Format{GeoJSON, CSV, KML} }

// ParseFormat reads a format name or file extension ("csv", ".kml",
// "GeoJSON", "json").
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimPrefix(s, ".")) {
	case "geojson", "json":
		return GeoJSON, nil
	case "csv":
		return CSV, nil
	case "kml":
		return KML, nil
	}
	return "", fmt.Errorf("export: unknown format %q (use geojson, csv or kml)", s)
}

// ContentType is the media type of the format.
func (f Format) ContentType() string {
	switch f {
	case CSV:
		return "text/csv; charset=utf-8"
	case KML:
		return "application/vnd.google-earth.kml+xml"
	}
	return "application/geo+json"
}

// Ext is the file extension of the format, without the dot.
func (f Format) Ext() string { return string(f) }

// Filename returns the download file names of an export of l made on day:
// an ASCII one from the layer's name ("incidents-20260305.csv") and a UTF-8
// one from its Chinese title ("诉求-20260305.csv").
func Filename(l *layers.Layer, f Format, day time.Time) (ascii, utf8 string) {
	stamp := day.In(layers.Shanghai).Format("20060102")
	ascii = asciiName(l.Name) + "-" + stamp + "." + f.Ext()
	title := strings.TrimSpace(l.TitleZH)
	if title == "" {
		return ascii, ascii
	}
	return ascii, safeName(title) + "-" + stamp + "." + f.Ext()
}

// ContentDisposition returns an attachment header with both file names
// (RFC 6266, with the UTF-8 name encoded per RFC 5987), for example
//
//	attachment; filename="incidents-20260305.csv"; filename*=UTF-8''%E8%AF%89%E6%B1%82-20260305.csv
func ContentDisposition(l *layers.Layer, f Format, day time.Time) string {
	ascii, utf8 := Filename(l, f, day)
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + encodeRFC5987(utf8)
}

// asciiName keeps the characters of a layer name that are safe in a quoted
// filename, replacing others with "_".
func asciiName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "layer"
	}
	return b.String()
}

// safeName drops path separators and control characters from a title.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, s)
}

// encodeRFC5987 percent-encodes every byte that is not an RFC 5987 attr-char.
func encodeRFC5987(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAttrChar(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func isAttrChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}
