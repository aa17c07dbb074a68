package pargzip

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand"
	"runtime"
	"testing"
)

// sample is n bytes of GeoJSON-like text with some noise, so that pieces
// compress differently.
func sample(n int, seed int64) []byte {
	rng := rand.New(rand.NewSource(seed))
	var b bytes.Buffer
	for b.Len() < n {
		fmt.Fprintf(&b, `{"type":"Feature","properties":{"cell":"89%013x","count":%d,"z":%.6f},"geometry":{"type":"Polygon","coordinates":[[[116.%07d,39.%07d]]]}},`,
			rng.Int63()&0xfffffffffffff, rng.Intn(500), rng.NormFloat64(), rng.Intn(1e7), rng.Intn(1e7))
	}
	return b.Bytes()[:n]
}

func TestCompressIsOneGzipMemberOfTheInput(t *testing.T) {
	old := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(old)
	for _, tc := range []struct {
		name  string
		in    []byte
		level int
	}{
		{"empty", nil, flate.BestSpeed},
		{"small, one compressor", sample(1000, 1), flate.BestSpeed},
		{"just under two pieces", sample(2*MinPiece-1, 2), flate.BestSpeed},
		{"two pieces", sample(2*MinPiece, 3), flate.BestSpeed},
		{"four uneven pieces", sample(4*MinPiece+12345, 4), flate.BestSpeed},
		{"default level", sample(3*MinPiece+7, 5), flate.DefaultCompression},
		{"stored", sample(3*MinPiece, 6), flate.NoCompression},
		{"all one byte", bytes.Repeat([]byte{'a'}, 5*MinPiece), flate.BestSpeed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			z, err := Compress(tc.in, tc.level)
			if err != nil {
				t.Fatal(err)
			}
			r := bytes.NewReader(z)
			zr, err := gzip.NewReader(r)
			if err != nil {
				t.Fatal(err)
			}
			zr.Multistream(false) // one member, not several laid end to end
			got, err := io.ReadAll(zr)
			if err != nil {
				t.Fatalf("reading it back: %v", err)
			}
			if !bytes.Equal(got, tc.in) {
				t.Fatalf("read back %d bytes, want the %d given", len(got), len(tc.in))
			}
			if r.Len() != 0 {
				t.Fatalf("%d bytes after the member", r.Len())
			}
			// With one compressor it is compress/gzip's member, byte for byte.
			if len(tc.in) < 2*MinPiece {
				var buf bytes.Buffer
				zw, _ := gzip.NewWriterLevel(&buf, tc.level)
				zw.Write(tc.in) //nolint:errcheck // a bytes.Buffer does not fail
				zw.Close()      //nolint:errcheck // idem
				if !bytes.Equal(z, buf.Bytes()) {
					t.Fatalf("one piece: %d bytes, compress/gzip writes %d others", len(z), buf.Len())
				}
			}
		})
	}
}

func TestCompressRefusesABadLevel(t *testing.T) {
	for _, n := range []int{10, 3 * MinPiece} {
		if _, err := Compress(sample(n, 7), 42); err == nil {
			t.Errorf("%d bytes at level 42: no error", n)
		}
	}
}

// BenchmarkCompress compares Compress with compress/gzip on one core, in
// the same run, on 2.6 MB (a large hot spot answer).
func BenchmarkCompress(b *testing.B) {
	in := sample(2600000, 8)
	b.Run("pargzip", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		var z []byte
		for b.Loop() {
			var err error
			if z, err = Compress(in, flate.BestSpeed); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(z)), "out-bytes")
	})
	b.Run("gzip", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			zw, _ := gzip.NewWriterLevel(&buf, flate.BestSpeed)
			zw.Write(in) //nolint:errcheck // a bytes.Buffer does not fail
			zw.Close()   //nolint:errcheck // idem
		}
		b.ReportMetric(float64(buf.Len()), "out-bytes")
	})
}
