package importers_test

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"

	"minqing/importers"
)

// rowSource generates a work-order CSV row by row, so the file never exists
// as a whole; every other row has an unknown category. Every sampleEvery
// rows it measures the live heap (after a GC).
type rowSource struct {
	rows, n     int
	buf         bytes.Buffer
	bytes       int64
	sampleEvery int
	maxLive     uint64
}

func (s *rowSource) Read(p []byte) (int, error) {
	for s.buf.Len() < len(p) && s.n <= s.rows {
		if s.n == 0 {
			s.buf.WriteString("工单编号,受理时间,问题分类,诉求内容,地址,经度,纬度,来电人,联系电话\n")
		} else {
			cat := "停电"
			if s.n%2 == 0 {
				cat = "不存在的分类"
			}
			fmt.Fprintf(&s.buf, "M%07d,2026/3/%d %d:%02d,%s,居民反映楼道灯不亮、电梯停运，夜间出行不便，请尽快处理（第%d号）,新华街北里%d号楼,%.6f,%.6f,张三,1380000%04d\n",
				s.n, 1+s.n%28, s.n%24, s.n%60, cat, s.n, s.n%40, 116.27+float64(s.n%3500)*1e-5, 39.845+float64(s.n%2500)*1e-5, s.n%10000)
		}
		s.n++
		if s.sampleEvery > 0 && s.n%s.sampleEvery == 0 {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			s.maxLive = max(s.maxLive, ms.HeapAlloc)
		}
	}
	if s.buf.Len() == 0 {
		return 0, io.EOF
	}
	n, _ := s.buf.Read(p)
	s.bytes += int64(n)
	return n, nil
}

// TestBoundedMemory streams 200,000 rows (about 40 MB, half of them bad)
// and checks that the live heap stays far below the file's size: records
// are not kept, and only the first 10,000 errors are.
func TestBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 200,000 rows")
	}
	src := &rowSource{rows: 200000, sampleEvery: 20000}
	rep, err := importers.Import(testCtx(t), nil, nil, layer(t, "incidents"), src, importers.Options{
		Format: importers.CSV, DryRun: true, SkipInvalid: true, Rejects: io.Discard,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Read != 200000 || rep.Valid != 100000 || rep.ErrorCount != 100000 || len(rep.Errors) != importers.DefaultMaxProblems || !rep.ErrorsTruncated {
		t.Errorf("read %d valid %d errors %d (kept %d, truncated %v)", rep.Read, rep.Valid, rep.ErrorCount, len(rep.Errors), rep.ErrorsTruncated)
	}
	const limit = 16 << 20
	t.Logf("streamed %d MB; peak live heap %.1f MB", src.bytes>>20, float64(src.maxLive)/(1<<20))
	if src.bytes < 2*limit {
		t.Fatalf("the file (%d bytes) is too small to show anything", src.bytes)
	}
	if src.maxLive > limit {
		t.Errorf("live heap reached %d MB while streaming %d MB; want under %d MB", src.maxLive>>20, src.bytes>>20, limit>>20)
	}
}
