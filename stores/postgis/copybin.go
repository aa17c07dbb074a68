package postgis

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"

	"minqing/layers"
)

// PostgreSQL's binary COPY format: a signature, flags and an empty header
// extension; per row the field count, then each field as a 4-byte length
// (-1: NULL) and the type's binary send form; -1 as the field count ends it.
var copySignature = []byte("PGCOPY\n\377\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00")

// copyTrailer ends a binary COPY stream.
var copyTrailer = []byte{0xff, 0xff}

// microsecFromUnixToY2K is where PostgreSQL's timestamps count from (2000-01-01 UTC).
const microsecFromUnixToY2K = 946684800 * 1000000

// daysFromUnixToY2K is where PostgreSQL's dates count from.
const daysFromUnixToY2K = 10957

// colEncoder appends the binary form of one property value (never nil) to b.
type colEncoder func(b []byte, v any) ([]byte, error)

// encoderFor picks the binary encoder of a field for the column type the
// table actually has (format_type of the column); ok is false for a pair this
// file does not encode, and the write then goes the staging way.
func encoderFor(t layers.FieldType, column string) (colEncoder, bool) {
	switch t {
	case layers.String:
		switch column {
		case "text", "character varying":
			return encText, true
		}
	case layers.Int, layers.Cell:
		switch column {
		case "bigint":
			return encInt8, true
		case "integer":
			return encInt4, true
		}
	case layers.Float:
		if column == "double precision" {
			return encFloat8, true
		}
	case layers.Bool:
		if column == "boolean" {
			return encBool, true
		}
	case layers.Time:
		if column == "timestamp with time zone" {
			return encTimestamptz, true
		}
	case layers.Date:
		if column == "date" {
			return encDate, true
		}
	}
	return nil, false
}

func withLen(b []byte, n int) []byte { return binary.BigEndian.AppendUint32(b, uint32(n)) }

func encText(b []byte, v any) ([]byte, error) {
	s, ok := v.(string)
	if !ok {
		return b, fmt.Errorf("a string, got %T", v)
	}
	b = withLen(b, len(s))
	return append(b, s...), nil
}

func encInt8(b []byte, v any) ([]byte, error) {
	n, ok := v.(int64)
	if !ok {
		return b, fmt.Errorf("an integer, got %T", v)
	}
	b = withLen(b, 8)
	return binary.BigEndian.AppendUint64(b, uint64(n)), nil
}

func encInt4(b []byte, v any) ([]byte, error) {
	n, ok := v.(int64)
	if !ok {
		return b, fmt.Errorf("an integer, got %T", v)
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		return b, fmt.Errorf("%d is out of range (a 32-bit integer)", n)
	}
	b = withLen(b, 4)
	return binary.BigEndian.AppendUint32(b, uint32(int32(n))), nil
}

func encFloat8(b []byte, v any) ([]byte, error) {
	f, ok := v.(float64)
	if !ok {
		return b, fmt.Errorf("a number, got %T", v)
	}
	b = withLen(b, 8)
	return binary.BigEndian.AppendUint64(b, math.Float64bits(f)), nil
}

func encBool(b []byte, v any) ([]byte, error) {
	x, ok := v.(bool)
	if !ok {
		return b, fmt.Errorf("true or false, got %T", v)
	}
	b = withLen(b, 1)
	if x {
		return append(b, 1), nil
	}
	return append(b, 0), nil
}

// encTimestamptz encodes as pgx does: microseconds since 2000-01-01 UTC.
func encTimestamptz(b []byte, v any) ([]byte, error) {
	t, ok := v.(time.Time)
	if !ok {
		return b, fmt.Errorf("a time, got %T", v)
	}
	us := t.Unix()*1000000 + int64(t.Nanosecond())/1000 - microsecFromUnixToY2K
	b = withLen(b, 8)
	return binary.BigEndian.AppendUint64(b, uint64(us)), nil
}

// encDate encodes the calendar day of t in t's own location (a Date is
// midnight in Asia/Shanghai), as pgx does.
func encDate(b []byte, v any) ([]byte, error) {
	t, ok := v.(time.Time)
	if !ok {
		return b, fmt.Errorf("a date, got %T", v)
	}
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix()/86400 - daysFromUnixToY2K
	b = withLen(b, 4)
	return binary.BigEndian.AppendUint32(b, uint32(int32(day))), nil
}

// appendGeom appends g as EWKB with SRID 4326 (what geometry_recv reads);
// a point, the common case, without an allocation.
func appendGeom(b []byte, g orb.Geometry) ([]byte, error) {
	if p, ok := g.(orb.Point); ok {
		b = withLen(b, 25)
		b = append(b, 1)                                      // little endian
		b = binary.LittleEndian.AppendUint32(b, 1|0x20000000) // point, with SRID
		b = binary.LittleEndian.AppendUint32(b, 4326)         // SRID
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p[0]))
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(p[1])), nil
	}
	raw, err := ewkb.Marshal(g, 4326, binary.LittleEndian)
	if err != nil {
		return b, err
	}
	b = withLen(b, len(raw))
	return append(b, raw...), nil
}
