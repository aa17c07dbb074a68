package importers_test

import (
	"bytes"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"minqing/importers"
)

// TestParallelChecksKeepOrder: the checks run on every core, but the report
// (counts, problems and warnings, with their rows), the rejects file and
// the warnings given once are those of one goroutine.
func TestParallelChecksKeepOrder(t *testing.T) {
	var b strings.Builder
	b.WriteString("工单编号,受理时间,问题分类,地址,经度,纬度,来电人,联系电话,无关列\n")
	for i := 1; i <= 3000; i++ {
		id, when, cat, lon := fmt.Sprintf("P%05d", i), fmt.Sprintf("2026/3/%d 9:%02d", 1+i%28, i%60), "停电", "116.280000"
		switch {
		case i%97 == 0:
			id = fmt.Sprintf("P%05d", i-1) // a key twice
		case i%89 == 0:
			when = "三月" // not a date
		case i%83 == 0:
			cat = "不存在的分类"
		case i%79 == 0:
			lon = "" // no coordinates
		}
		fmt.Fprintf(&b, "%s,%s,%s,新华街%d号楼,%s,39.850000,张三,13800000000,值%d\n", id, when, cat, i, lon, i)
	}
	data := b.String()
	run := func(procs int) (*importers.Report, string) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		var rejects bytes.Buffer
		rep, err := importers.Import(testCtx(t), nil, nil, layer(t, "incidents"), strings.NewReader(data), importers.Options{
			Format: importers.CSV, DryRun: true, SkipInvalid: true, Rejects: &rejects, MaxProblems: 100000,
		})
		if err != nil {
			t.Fatalf("%d cores: %v", procs, err)
		}
		rep.Duration, rep.Seconds, rep.RowsPerS = 0, 0, 0
		return rep, rejects.String()
	}
	one, oneRejects := run(1)
	if one.Rejected < 100 || len(one.Warnings) == 0 {
		t.Fatalf("the file shows too little: %d rejected, %d warnings", one.Rejected, len(one.Warnings))
	}
	for _, procs := range []int{2, 4} {
		many, manyRejects := run(procs)
		if !reflect.DeepEqual(one, many) {
			t.Errorf("%d cores: report differs from one core's:\n%+v\nwant:\n%+v", procs, many, one)
		}
		if manyRejects != oneRejects {
			t.Errorf("%d cores: rejects file differs from one core's", procs)
		}
	}
}
