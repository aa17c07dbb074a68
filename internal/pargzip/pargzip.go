package pargzip

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"runtime"
	"sync"
)

// MinPiece is the least input given to one compressor: below twice this,
// Compress uses one.
const MinPiece = 128 << 10

// Compress returns b gzip-compressed at level (a compress/flate level, such
// as flate.BestSpeed), on up to GOMAXPROCS cores. An invalid level is
// flate.NewWriter's error.
func Compress(b []byte, level int) ([]byte, error) {
	n := max(1, min(runtime.GOMAXPROCS(0), len(b)/MinPiece))
	pieces := make([]bytes.Buffer, n)
	writers := make([]*flate.Writer, n)
	for i := range writers {
		var err error
		if writers[i], err = flate.NewWriter(&pieces[i], level); err != nil {
			return nil, err
		}
	}
	size := (len(b) + n - 1) / n
	var wg sync.WaitGroup
	for i, fw := range writers {
		lo, hi := min(i*size, len(b)), min((i+1)*size, len(b))
		wg.Go(func() {
			fw.Write(b[lo:hi]) //nolint:errcheck // a bytes.Buffer does not fail
			if i < n-1 {
				fw.Flush() //nolint:errcheck // idem: a sync flush, the stream goes on
			} else {
				fw.Close() //nolint:errcheck // idem: the final block
			}
		})
	}
	wg.Wait()
	total := 10 + 8
	for i := range pieces {
		total += pieces[i].Len()
	}
	out := make([]byte, 0, total)
	out = append(out, header(level)...)
	for i := range pieces {
		out = append(out, pieces[i].Bytes()...)
	}
	out = binary.LittleEndian.AppendUint32(out, crc32.ChecksumIEEE(b))
	out = binary.LittleEndian.AppendUint32(out, uint32(len(b))) // ISIZE: the length modulo 2^32
	return out, nil
}

// header is a gzip member's header as compress/gzip writes it with no name,
// comment or time: deflate, the extra flags of the level, OS unknown.
func header(level int) []byte {
	xfl := byte(0)
	switch level {
	case flate.BestCompression:
		xfl = 2
	case flate.BestSpeed:
		xfl = 4
	}
	return []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 255}
}
