package tiles

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"minqing/layers"
)

// appendPointLayer appends one MVT layer (Tile field 3) of point features
// already in tile units to b, written directly as protocol buffers: the
// general encoder (orb/encoding/mvt) builds a message tree per feature,
// which costs more than the rest of a point tile's work. Keys and values
// are shared through the layer's tables, as every MVT encoder does.
func appendPointLayer(b []byte, name string, extent int, fields []layers.Field, fs []*layers.Feature) ([]byte, error) {
	var body []byte
	body = appendKey(body, 15, 0)
	body = binary.AppendUvarint(body, 2)
	body = appendBytes(body, 1, []byte(name))
	keys := make([]int, len(fields)) // field index → key index, −1 until used
	for i := range keys {
		keys[i] = -1
	}
	var keyNames []string
	values := map[any]uint32{}
	var valueBytes [][]byte
	var feat, tags, geom []byte
	for _, f := range fs {
		p := f.Geometry.(orb.Point)
		tags = tags[:0]
		for i, fl := range fields {
			v := Value(fl, f.Props[fl.Name])
			if v == nil {
				continue
			}
			k, err := comparable(v)
			if err != nil {
				return nil, fmt.Errorf("tiles: %s.%s: %w", name, fl.Name, err)
			}
			if keys[i] < 0 {
				keys[i] = len(keyNames)
				keyNames = append(keyNames, fl.Name)
			}
			vi, ok := values[k]
			if !ok {
				vi = uint32(len(valueBytes))
				values[k] = vi
				valueBytes = append(valueBytes, encodeValue(k))
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
	for _, v := range valueBytes {
		body = appendBytes(body, 4, v)
	}
	body = appendKey(body, 5, 0)
	body = binary.AppendUvarint(body, uint64(extent))
	return appendBytes(b, 3, body), nil
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
func encodeValue(v any) []byte {
	var b []byte
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
