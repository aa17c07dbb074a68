// Command benchgen writes the large inputs of bench/import.sh: a 12345
// work-order workbook and a zipped Shapefile of community-like polygons in
// CGCS2000 / 3-degree Gauss–Krüger zone 39 with a GBK .dbf (no .cpg).
//
//	go run ./importers/internal/benchgen xlsx ROWS OUT.xlsx
//	go run ./importers/internal/benchgen shapefile N OUT.zip
package main

import (
	"archive/zip"
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: benchgen xlsx|shapefile N OUT")
		os.Exit(2)
	}
	n, err := strconv.Atoi(os.Args[2])
	if err != nil || n < 1 {
		fmt.Fprintln(os.Stderr, "benchgen: N must be a positive number")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "xlsx":
		err = writeXLSX(n, os.Args[3])
	case "shapefile":
		err = writeShapefile(n, os.Args[3])
	default:
		err = fmt.Errorf("unknown kind %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(1)
	}
}

// writeXLSX streams n work orders below a merged title row.
func writeXLSX(n int, out string) error {
	rng := rand.New(rand.NewPCG(20260305, 1))
	cats := []string{"水管漏水", "停电", "雨箅子破损", "地面塌陷", "污水井冒污水", "施工噪音", "装修扰民", "停水", "垃圾清运", "占道经营"}
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	if err := sw.MergeCell("A1", "L1"); err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{"丰台街道接诉即办工单明细表"}); err != nil {
		return err
	}
	header := []any{"工单编号", "受理时间", "来电人", "联系电话", "诉求来源", "问题分类", "诉求内容", "地址", "经度", "纬度", "承办单位", "是否解决"}
	if err := sw.SetRow("A2", header); err != nil {
		return err
	}
	for i := 1; i <= n; i++ {
		c := cats[rng.IntN(len(cats))]
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		row := []any{fmt.Sprintf("XL2026%08d", i), 46082 + rng.Float64()*28, "张先生", 13800000000 + rng.IntN(1e8), "12345热线", c,
			"居民反映" + c + "，请尽快处理", fmt.Sprintf("丰台街道%d号楼", rng.IntN(200)),
			116.270 + rng.Float64()*0.035, 39.845 + rng.Float64()*0.025, "街道城管科", "是"}
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(out)
}

// writeShapefile writes n 60 m squares on a grid east of 116.27°E, 39.84°N.
func writeShapefile(n int, out string) error {
	fh, err := os.Create(out)
	if err != nil {
		return err
	}
	defer fh.Close()
	zw := zip.NewWriter(fh)
	side := int(math.Ceil(math.Sqrt(float64(n))))
	const x0, y0, step, size = 39437000.0, 4410000.0, 70.0, 60.0
	square := func(i int) [5][2]float64 {
		x, y := x0+float64(i%side)*step, y0+float64(i/side)*step
		return [5][2]float64{{x, y}, {x, y + size}, {x + size, y + size}, {x + size, y}, {x, y}} // clockwise: a shell
	}
	const recContent = 4 + 32 + 4 + 4 + 4 + 5*16
	le, be := binary.LittleEndian, binary.BigEndian
	header := func(w io.Writer, words int) error {
		h := make([]byte, 100)
		be.PutUint32(h[0:], 9994)
		be.PutUint32(h[24:], uint32(words))
		le.PutUint32(h[28:], 1000)
		le.PutUint32(h[32:], 5)
		b := []float64{x0, y0, x0 + float64(side)*step, y0 + float64(side)*step}
		for i, v := range b {
			le.PutUint64(h[36+8*i:], math.Float64bits(v))
		}
		_, err := w.Write(h)
		return err
	}
	// .shp
	w, err := zw.Create("communities.shp")
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if err := header(bw, (100+n*(8+recContent))/2); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		sq := square(i)
		var rec []byte
		rec = be.AppendUint32(rec, uint32(i+1))
		rec = be.AppendUint32(rec, recContent/2)
		rec = le.AppendUint32(rec, 5)
		for _, v := range []float64{sq[0][0], sq[0][1], sq[2][0], sq[2][1]} {
			rec = le.AppendUint64(rec, math.Float64bits(v))
		}
		rec = le.AppendUint32(rec, 1)
		rec = le.AppendUint32(rec, 5)
		rec = le.AppendUint32(rec, 0)
		for _, p := range sq {
			rec = le.AppendUint64(rec, math.Float64bits(p[0]))
			rec = le.AppendUint64(rec, math.Float64bits(p[1]))
		}
		if _, err := bw.Write(rec); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	// .shx
	if w, err = zw.Create("communities.shx"); err != nil {
		return err
	}
	bw = bufio.NewWriter(w)
	if err := header(bw, (100+8*n)/2); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		var rec []byte
		rec = be.AppendUint32(rec, uint32((100+i*(8+recContent))/2))
		rec = be.AppendUint32(rec, recContent/2)
		if _, err := bw.Write(rec); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	// .dbf (GBK, no .cpg)
	if w, err = zw.Create("communities.dbf"); err != nil {
		return err
	}
	bw = bufio.NewWriter(w)
	enc := simplifiedchinese.GBK.NewEncoder()
	gbk := func(s string) []byte { b, _ := enc.Bytes([]byte(s)); return b }
	type field struct {
		name string
		kind byte
		len  int
	}
	fields := []field{{"社区代码", 'C', 14}, {"社区", 'C', 40}, {"片区", 'C', 20}, {"户数", 'N', 9}, {"人口", 'N', 9}}
	recLen := 1
	for _, f := range fields {
		recLen += f.len
	}
	h := make([]byte, 32)
	h[0], h[1], h[2], h[3] = 3, 126, 3, 7
	le.PutUint32(h[4:], uint32(n))
	le.PutUint16(h[8:], uint16(32+32*len(fields)+1))
	le.PutUint16(h[10:], uint16(recLen))
	for _, f := range fields {
		d := make([]byte, 32)
		copy(d, gbk(f.name))
		d[11], d[16] = f.kind, byte(f.len)
		h = append(h, d...)
	}
	h = append(h, 0x0D)
	if _, err := bw.Write(h); err != nil {
		return err
	}
	patches := []string{"第一片区", "第二片区", "第三片区", "第四片区"}
	for i := 0; i < n; i++ {
		vals := []string{fmt.Sprintf("B%013d", i+1), fmt.Sprintf("新华街第%d网格", i+1), patches[i%4], strconv.Itoa(100 + i%900), strconv.Itoa(250 + i%2000)}
		rec := []byte{' '}
		for k, f := range fields {
			cell := make([]byte, f.len)
			for j := range cell {
				cell[j] = ' '
			}
			v := gbk(vals[k])
			if f.kind == 'N' {
				copy(cell[f.len-len(v):], v)
			} else {
				copy(cell, v)
			}
			rec = append(rec, cell...)
		}
		if _, err := bw.Write(rec); err != nil {
			return err
		}
	}
	if err := bw.WriteByte(0x1A); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	w, err = zw.Create("communities.prj")
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, `PROJCS["CGCS2000_3_Degree_GK_Zone_39",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",39500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`); err != nil {
		return err
	}
	return zw.Close()
}
