package importers

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// sniffBytes is how much of the input auto-detection looks at.
const sniffBytes = 64 << 10

// xmlEncodingDecl finds the encoding named in an XML declaration.
var xmlEncodingDecl = regexp.MustCompile(`^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']`)

// decoded is the input turned into UTF-8.
type decoded struct {
	r    io.Reader
	name string // the encoding used, for the report
	// xmlDeclared is true when a KML declares a non-UTF-8 encoding and is
	// left for the XML decoder to convert.
	xmlDeclared bool
}

// decodeInput returns r as UTF-8 text. name is the encoding the caller gave
// ("auto" or "" detects: a byte-order mark, else UTF-8 when the first 64 KiB
// are valid UTF-8, else GB18030). For KML in auto mode an encoding declared
// in the XML declaration wins.
func decodeInput(r io.Reader, name string, format Format) (decoded, error) {
	br := bufio.NewReaderSize(r, sniffBytes)
	sample, err := br.Peek(sniffBytes)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return decoded{}, fmt.Errorf("the input cannot be read: %w", err)
	}
	name = strings.ToLower(strings.TrimSpace(name))
	bom := bomOf(sample)
	switch name {
	case "", "auto":
		switch bom {
		case "utf-8":
			_, _ = br.Discard(3)
			return decoded{r: br, name: "utf-8"}, nil
		case "utf-16le", "utf-16be":
			return decoded{r: transform.NewReader(br, unicode.BOMOverride(unicode.UTF8.NewDecoder())), name: bom}, nil
		}
		if format == KML {
			if m := xmlEncodingDecl.FindSubmatch(sample); m != nil && !isUTF8Name(string(m[1])) {
				return decoded{r: br, name: strings.ToLower(string(m[1])), xmlDeclared: true}, nil
			}
		}
		if validUTF8Prefix(sample) {
			return decoded{r: br, name: "utf-8"}, nil
		}
		return decoded{r: transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder()), name: "gb18030"}, nil
	case "utf-8", "utf8":
		if bom == "utf-8" {
			_, _ = br.Discard(3)
		}
		return decoded{r: br, name: "utf-8"}, nil
	case "utf-16", "utf16":
		if bom == "" {
			return decoded{}, fmt.Errorf("importers: a UTF-16 file must start with a byte-order mark")
		}
		return decoded{r: transform.NewReader(br, unicode.BOMOverride(unicode.UTF8.NewDecoder())), name: bom}, nil
	}
	enc, err := lookupEncoding(name)
	if err != nil {
		return decoded{}, err
	}
	return decoded{r: transform.NewReader(br, enc.NewDecoder()), name: name}, nil
}

// CheckEncoding reports whether Import understands the encoding name:
// "auto" (or ""), utf-8, utf-16, gbk, gb18030, gb2312 or a WHATWG name.
func CheckEncoding(name string) error {
	switch n := strings.ToLower(strings.TrimSpace(name)); n {
	case "", "auto", "utf-8", "utf8", "utf-16", "utf16":
		return nil
	default:
		_, err := lookupEncoding(n)
		return err
	}
}

// lookupEncoding maps gbk, gb18030, gb2312 and the WHATWG names to an encoding.
func lookupEncoding(name string) (encoding.Encoding, error) {
	switch name {
	case "gbk", "cp936", "windows-936", "gb2312":
		return simplifiedchinese.GBK, nil
	case "gb18030":
		return simplifiedchinese.GB18030, nil
	}
	enc, err := htmlindex.Get(name)
	if err != nil || enc == nil {
		return nil, fmt.Errorf("importers: unknown encoding %q (use utf-8, gbk, gb18030 or auto)", name)
	}
	return enc, nil
}

func isUTF8Name(s string) bool {
	s = strings.ToLower(s)
	return s == "utf-8" || s == "utf8" || s == "us-ascii" || s == "ascii"
}

// bomOf names the byte-order mark that starts b, or "".
func bomOf(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return "utf-8"
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return "utf-16le"
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return "utf-16be"
	}
	return ""
}

// validUTF8Prefix reports whether b is valid UTF-8, allowing a rune cut off
// at its end (b is a prefix of the file).
func validUTF8Prefix(b []byte) bool {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				b = b[:i]
			}
			break
		}
	}
	return utf8.Valid(b)
}

// charsetReader is the xml.Decoder's CharsetReader: it decodes the encoding a
// KML declares, unless the input was already converted to UTF-8.
func charsetReader(converted bool) func(string, io.Reader) (io.Reader, error) {
	return func(label string, in io.Reader) (io.Reader, error) {
		if converted || isUTF8Name(label) {
			return in, nil
		}
		enc, err := lookupEncoding(strings.ToLower(label))
		if err != nil {
			return nil, err
		}
		return enc.NewDecoder().Reader(in), nil
	}
}
