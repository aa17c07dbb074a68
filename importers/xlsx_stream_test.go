package importers_test

import (
	"archive/zip"
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"minqing/deploy/fengtai"
	"minqing/importers"
	"minqing/internal/pgtest"
	"minqing/layers"
	"minqing/stores/gpkg"
	"minqing/stores/postgis"
	"minqing/stores/storetest"
)

// bigWorkOrdersXLSX writes a work-order workbook of n rows with excelize's
// StreamWriter (every row's text differs, so nothing is shared) and returns
// its path.
func bigWorkOrdersXLSX(t testing.TB, dir string, n int) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"丰台街道接诉即办工单明细表"}); err != nil {
		t.Fatal(err)
	}
	header := []any{"工单编号", "受理时间", "问题分类", "诉求内容", "地址", "经度", "纬度", "来电人", "联系电话"}
	if err := sw.SetRow("A2", header); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		row := []any{fmt.Sprintf("X%07d", i), 46086.0 + float64(i%28) + float64(i%24)/24, "停电",
			fmt.Sprintf("居民反映楼道灯不亮、电梯停运，夜间出行不便，请尽快处理（第%d号）", i), fmt.Sprintf("新华街北里%d号楼", i%40),
			116.27 + float64(i%3500)*1e-5, 39.845 + float64(i%2500)*1e-5, "张三", fmt.Sprintf("1380000%04d", i%10000)}
		if err := sw.SetRow(cell, row); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "big.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestXLSXBoundedMemory streams a 200,000-row workbook and checks the live
// heap stays far below the size of its worksheet's XML.
func TestXLSXBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads a 200,000-row workbook")
	}
	const rows = 200000
	path := bigWorkOrdersXLSX(t, t.TempDir(), rows)
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var peak uint64
	sample := func(importers.Progress) {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapAlloc)
	}
	rep, err := importers.Import(testCtx(t), nil, nil, layer(t, "incidents"), fh, importers.Options{
		Format: importers.XLSX, DryRun: true, Progress: sample,
	})
	if err != nil || rep.Valid != rows {
		t.Fatalf("valid %d of %d: %v %v", rep.Valid, rows, err, rep.Errors[:min(3, len(rep.Errors))])
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	var sheetXML uint64 // what a reader holding the sheet would take
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			sheetXML = f.UncompressedSize64
		}
	}
	zr.Close()
	t.Logf("%d rows; peak live heap %.1f MB (the sheet's XML ≈ %d MB)", rows, float64(peak)/(1<<20), sheetXML>>20)
	if peak > 32<<20 {
		t.Errorf("live heap reached %.1f MB for a %d MB sheet: it is not streamed", float64(peak)/(1<<20), sheetXML>>20)
	}
}

// Environment of the child process TestKilledMidXLSXImport starts.
const (
	xlsxChildEnv = "MINQING_XLSX_CHILD" // "postgis" or "gpkg"
	xlsxStoreEnv = "MINQING_XLSX_CHILD_STORE"
	xlsxFileEnv  = "MINQING_XLSX_CHILD_FILE"
)

// runXLSXChild imports the workbook and, once 20,000 rows are in the open
// transaction, says so and waits to be killed.
func runXLSXChild(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var src layers.Source
	var err error
	if os.Getenv(xlsxChildEnv) == "postgis" {
		src, err = postgis.Open(ctx, os.Getenv(xlsxStoreEnv), fengtai.Catalog())
	} else {
		src, err = gpkg.Open(ctx, os.Getenv(xlsxStoreEnv), fengtai.Catalog())
	}
	if err != nil {
		t.Fatal(err)
	}
	fh, err := os.Open(os.Getenv(xlsxFileEnv))
	if err != nil {
		t.Fatal(err)
	}
	l, _ := fengtai.Catalog().Lookup("incidents")
	hold := func(p importers.Progress) {
		if p.Rows >= 20000 {
			fmt.Println("reached", p.Rows)
			time.Sleep(2 * time.Minute)
		}
	}
	_, err = importers.Import(ctx, src, fengtai.Catalog(), l, fh, importers.Options{Format: importers.XLSX, Progress: hold})
	t.Fatalf("the import returned before it was killed: %v", err)
}

// TestKilledMidXLSXImport SIGKILLs a child importing a workbook while its
// transaction holds 20,000 rows, and checks that nothing was written.
func TestKilledMidXLSXImport(t *testing.T) {
	if os.Getenv(xlsxChildEnv) != "" {
		runXLSXChild(t)
		return
	}
	if testing.Short() {
		t.Skip("starts a child process")
	}
	file := bigWorkOrdersXLSX(t, t.TempDir(), 80000)
	for _, s := range storetest.Kinds() {
		t.Run(s.Name, func(t *testing.T) {
			var store string
			var src layers.Source
			if s.Name == "postgis" {
				store = pgtest.New(t)
				st, err := postgis.Open(testCtx(t), store, fengtai.Catalog())
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				if _, err := st.Migrate(testCtx(t)); err != nil {
					t.Fatal(err)
				}
				src = st
			} else {
				store = filepath.Join(t.TempDir(), "kill.gpkg")
				st, err := gpkg.Open(testCtx(t), store, fengtai.Catalog())
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				src = st
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestKilledMidXLSXImport$", "-test.count=1")
			cmd.Env = append(os.Environ(), xlsxChildEnv+"="+s.Name, xlsxStoreEnv+"="+store, xlsxFileEnv+"="+file)
			cmd.Stderr = os.Stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
			sc := bufio.NewScanner(out)
			reached := false
			for sc.Scan() {
				var n int
				if _, err := fmt.Sscanf(sc.Text(), "reached %d", &n); err == nil {
					reached = true
					break
				}
			}
			if !reached {
				t.Fatal("the child ended before importing 20,000 rows")
			}
			go io.Copy(io.Discard, out)
			if s.Name == "postgis" {
				waitForCopy(t, store)
			}
			if err := cmd.Process.Kill(); err != nil { // SIGKILL
				t.Fatal(err)
			}
			_ = cmd.Wait()
			if s.Name == "postgis" {
				waitForNoOtherBackends(t, store)
			}
			if n := count(t, src, "incidents"); n != 0 {
				t.Errorf("%d incidents written by a killed import, want 0", n)
			}
			if n := len(contacts(t, src)); n != 0 {
				t.Errorf("%d contacts written by a killed import, want 0", n)
			}
		})
	}
}
