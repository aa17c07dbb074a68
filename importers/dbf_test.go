package importers

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestDBFEncoding(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("新华街北里社区居委会，丰台区"))
	utf := []byte("新华街北里社区居委会")
	badBoth := []byte{0x80, 0xff, 0xfe}
	cases := []struct {
		name, cpg, given string
		ldid             byte
		sample           []byte
		want, warn, err  string
	}{
		{"cpg wins", "936", "utf-8", 0, utf, "gbk", "", ""},
		{"cpg utf-8", "UTF-8\r\n", "", 0x4D, gbk, "utf-8", "", ""},
		{"unknown cpg", "KOI9", "", 0, gbk, "", "", `the .cpg names the encoding "KOI9"`},
		{"flag", "", "gb18030", 0, utf, "gb18030", "", ""},
		{"ascii", "", "auto", 0, []byte("abc 123"), "utf-8", "", ""},
		{"gbk by content", "", "", 0, gbk, "gbk", "is not UTF-8 but is valid GBK", ""},
		{"gbk by header", "", "", 0x4D, gbk, "gbk", "code page 936", ""},
		{"utf-8 that is also valid GBK", "", "", 0, utf, "", "", "cannot be told apart"},
		{"neither", "", "", 0, badBoth, "", "", "cannot be told apart"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, warn, err := dbfEncoding(c.cpg, c.given, c.ldid, c.sample)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || got != c.want || (c.warn == "") != (warn == "") || !strings.Contains(warn, c.warn) {
				t.Errorf("got %q, warning %q, %v; want %q with a warning containing %q", got, warn, err, c.want, c.warn)
			}
		})
	}
}

func TestExcelDate(t *testing.T) {
	cases := []struct {
		in       string
		date1904 bool
		want     string
	}{
		{"46086.585416666667", false, "2026-03-05 14:03:00"},
		{"46087", false, "2026-03-06"},
		{"44624.585416666667", true, "2026-03-05 14:03:00"},
		{"2026年3月6日", false, "2026年3月6日"},
		{"0", false, "0"},
		{"abc", false, "abc"},
	}
	for _, c := range cases {
		if got := excelDate(c.in, c.date1904); got != c.want {
			t.Errorf("excelDate(%q, %v) = %q, want %q", c.in, c.date1904, got, c.want)
		}
	}
}
