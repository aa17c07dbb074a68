package tiles

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"github.com/paulmach/orb"

	"minqing/layers"
)

// appendPointLayer appends one MVT layer (Tile field 3) of point features
// already in tile units to b, written directly as protocol buffers: the
// general encoder (orb/encoding/mvt) builds a message tree per feature,
// which costs more than the rest of a point tile's work. Keys and values
// are shared through the layer's tables, as every MVT encoder does.
func appendPointLayer(b []byte, name string, extent int, fields []layers.Field, fs []*layers.Feature) ([]byte, error) {
	// About 60 bytes a staff point; grown as needed.
	body := make([]byte, 0, 256+48*len(fs))
	body = appendKey(body, 15, 0)
	body = binary.AppendUvarint(body, 2)
	body = appendBytes(body, 1, []byte(name))
	keys := make([]int, len(fields)) // field index → key index, −1 until used
	for i := range keys {
		keys[i] = -1
	}
	var keyNames []string
	values := valueTable{size: len(fs)}
	var feat, tags, geom []byte
	for _, f := range fs {
		p := f.Geometry.(orb.Point)
		tags = tags[:0]
		for i, fl := range fields {
			vi, ok, err := values.property(fl, f.Props[fl.Name])
			if err != nil {
				return nil, fmt.Errorf("tiles: %s.%s: %w", name, fl.Name, err)
			}
			if !ok {
				continue
			}
			if keys[i] < 0 {
				keys[i] = len(keyNames)
				keyNames = append(keyNames, fl.Name)
			}
			tags = binary.AppendUvarint(tags, uint64(keys[i]))
			tags = binary.AppendUvarint(tags, uint64(vi))
		}
		geom = geom[:0]
		geom = binary.AppendUvarint(geom, 9) // MoveTo, one point
		geom = binary.AppendUvarint(geom, zigzag(int64(p[0])))
		geom = binary.AppendUvarint(geom, zigzag(int64(p[1])))
		feat = feat[:0]
		feat = appendKey(feat, 1, 0)
		feat = binary.AppendUvarint(feat, uint64(f.ID))
		if len(tags) > 0 {
			feat = appendBytes(feat, 2, tags)
		}
		feat = appendKey(feat, 3, 0)
		feat = binary.AppendUvarint(feat, 1) // POINT
		feat = appendBytes(feat, 4, geom)
		body = appendBytes(body, 2, feat)
	}
	for _, k := range keyNames {
		body = appendBytes(body, 3, []byte(k))
	}
	for i, end := range values.ends {
		body = appendBytes(body, 4, values.enc[values.start(i):end])
	}
	body = appendKey(body, 5, 0)
	body = binary.AppendUvarint(body, uint64(extent))
	return appendBytes(b, 3, body), nil
}

// valueTable is an MVT layer's table of values, each given its index when
// first used, looked up by its type: a value is neither boxed nor hashed as
// an interface (which took a fifth of a 1M-incident z17 tile's encoding).
type valueTable struct {
	strs   map[string]uint32
	ints   map[int64]uint32
	uints  map[uint64]uint32
	floats map[float64]uint32
	bools  [2]uint32 // index + 1 of false and true; 0: not yet used
	enc    []byte    // the encoded values, back to back
	ends   []int     // where each value's encoding ends in enc, by index
	size   int       // how many values to make room for
}

// start is where value i's encoding begins in enc.
func (t *valueTable) start(i int) int {
	if i == 0 {
		return 0
	}
	return t.ends[i-1]
}

// property returns the index of property value v of field f as a tile
// holds it (Value); ok is false for a nil value, which is left out. The
// values a tile holds as they are, and times as seconds, are looked up
// without going through Value; cells and dates are converted by it.
func (t *valueTable) property(f layers.Field, v any) (idx uint32, ok bool, err error) {
	switch x := v.(type) {
	case nil:
		return 0, false, nil
	case string:
		return t.str(x), true, nil
	case int64:
		if f.Type != layers.Cell {
			return lookup(&t.ints, x, t), true, nil
		}
	case time.Time:
		if f.Type != layers.Date {
			return lookup(&t.ints, x.Unix(), t), true, nil
		}
	case bool:
		i := 0
		if x {
			i = 1
		}
		if t.bools[i] == 0 {
			t.bools[i] = t.add(x) + 1
		}
		return t.bools[i] - 1, true, nil
	}
	c, err := comparable(Value(f, v))
	if err != nil {
		return 0, false, err
	}
	switch x := c.(type) {
	case string:
		return t.str(x), true, nil
	case int64:
		return lookup(&t.ints, x, t), true, nil
	case uint64:
		return lookup(&t.uints, x, t), true, nil
	case float64:
		return lookup(&t.floats, x, t), true, nil
	}
	return t.property(f, c) // a bool
}

func (t *valueTable) str(s string) uint32 { return lookup(&t.strs, s, t) }

// lookup returns v's index in *m, adding it (and its encoding) when new.
func lookup[K string | int64 | uint64 | float64](m *map[K]uint32, v K, t *valueTable) uint32 {
	if *m == nil {
		*m = make(map[K]uint32, t.size)
	}
	i, ok := (*m)[v]
	if !ok {
		i = t.add(v)
		(*m)[v] = i
	}
	return i
}

// add appends v's encoding and returns its index.
func (t *valueTable) add(v any) uint32 {
	t.enc = appendValue(t.enc, v)
	t.ends = append(t.ends, len(t.enc))
	return uint32(len(t.ends) - 1)
}

// comparable returns v as one of the types a value table holds: string,
// int64, uint64, float64 or bool.
func comparable(v any) (any, error) {
	switch t := v.(type) {
	case string, int64, uint64, float64, bool:
		return t, nil
	case int:
		return int64(t), nil
	case int32:
		return int64(t), nil
	case float32:
		return float64(t), nil
	case fmt.Stringer:
		return t.String(), nil
	}
	return nil, fmt.Errorf("unable to encode value of type %T: %v", v, v)
}

// encodeValue is one Tile.Value message, typed as orb's encoder types it.
func encodeValue(v any) []byte { return appendValue(nil, v) }

// appendValue appends v's encoding (see encodeValue) to b.
func appendValue(b []byte, v any) []byte {
	switch t := v.(type) {
	case string:
		b = appendBytes(b, 1, []byte(t))
	case float64:
		b = appendKey(b, 3, 1)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(t))
	case int64:
		b = appendKey(b, 6, 0)
		b = binary.AppendUvarint(b, zigzag(t))
	case uint64:
		b = appendKey(b, 5, 0)
		b = binary.AppendUvarint(b, t)
	case bool:
		b = appendKey(b, 7, 0)
		if t {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	return b
}

func appendKey(b []byte, field, wire int) []byte {
	return binary.AppendUvarint(b, uint64(field<<3|wire))
}

func appendBytes(b []byte, field int, v []byte) []byte {
	b = appendKey(b, field, 2)
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

func zigzag(v int64) uint64 { return uint64((v << 1) ^ (v >> 63)) }

// allPoints reports whether every feature is a point.
func allPoints(fs []*layers.Feature) bool {
	for _, f := range fs {
		if _, ok := f.Geometry.(orb.Point); !ok {
			return false
		}
	}
	return true
}
