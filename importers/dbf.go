package importers

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// dbfField is one column of a dBASE table.
type dbfField struct {
	name     string
	kind     byte // C, N, F, D, L (others are read as text)
	length   int
	decimals int
}

// dbfReader streams the records of a dBASE III table (a Shapefile's .dbf).
type dbfReader struct {
	r       *bufio.Reader
	fields  []dbfField
	records uint32
	recLen  int
	read    uint32
	ldid    byte
	buf     []byte
	dec     *encoding.Decoder // nil: the text is UTF-8
	badText bool              // the last record read had text that is not UTF-8
}

// maxDBFFields bounds the header (dBASE allows 255 fields).
const maxDBFFields = 2048

// newDBFReader reads the header. Field names are decoded later (decodeNames),
// once the encoding is known.
func newDBFReader(r io.Reader) (*dbfReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var hdr [32]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return nil, fmt.Errorf("the .dbf is shorter than its header: %w", err)
	}
	d := &dbfReader{r: br, ldid: hdr[29]}
	d.records = binary.LittleEndian.Uint32(hdr[4:])
	hdrLen := int(binary.LittleEndian.Uint16(hdr[8:]))
	d.recLen = int(binary.LittleEndian.Uint16(hdr[10:]))
	if hdrLen < 33 || (hdrLen-33)/32 > maxDBFFields {
		return nil, fmt.Errorf("the .dbf header length %d is not valid", hdrLen)
	}
	rest := make([]byte, hdrLen-32)
	if _, err := io.ReadFull(br, rest); err != nil {
		return nil, fmt.Errorf("the .dbf header is truncated: %w", err)
	}
	width := 1 // the deletion flag
	for off := 0; off+32 <= len(rest) && rest[off] != 0x0D; off += 32 {
		fd := rest[off : off+32]
		name := fd[:11]
		if i := bytes.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		f := dbfField{name: string(name), kind: fd[11], length: int(fd[16]), decimals: int(fd[17])}
		if f.kind == 'C' { // character fields may use the decimal count as a high byte
			f.length += int(fd[17]) << 8
		}
		width += f.length
		d.fields = append(d.fields, f)
	}
	if len(d.fields) == 0 {
		return nil, errors.New("the .dbf has no fields")
	}
	if width != d.recLen {
		return nil, fmt.Errorf("the .dbf's fields are %d bytes wide but its records %d: the file is damaged", width, d.recLen)
	}
	d.buf = make([]byte, d.recLen)
	return d, nil
}

// next returns the values of the next record as text (deleted is true for a
// record marked deleted), or io.EOF.
func (d *dbfReader) next() (vals []string, deleted bool, err error) {
	if d.read >= d.records {
		return nil, false, io.EOF
	}
	if _, err := io.ReadFull(d.r, d.buf); err != nil {
		if errors.Is(err, io.EOF) && d.buf[0] == 0x1A {
			return nil, false, io.EOF
		}
		return nil, false, fmt.Errorf("the .dbf ends at record %d of the %d its header announces: %w", d.read+1, d.records, err)
	}
	d.read++
	d.badText = false
	vals = make([]string, len(d.fields))
	off := 1
	for i, f := range d.fields {
		raw := d.buf[off : off+f.length]
		off += f.length
		vals[i] = d.text(bytes.TrimRight(bytes.TrimLeft(raw, " "), " \x00"))
		switch f.kind {
		case 'D':
			if len(vals[i]) == 8 && !strings.ContainsAny(vals[i], " -") {
				vals[i] = vals[i][:4] + "-" + vals[i][4:6] + "-" + vals[i][6:]
			}
		case 'L':
			switch strings.ToUpper(vals[i]) {
			case "T", "Y":
				vals[i] = "true"
			case "F", "N":
				vals[i] = "false"
			case "?":
				vals[i] = ""
			}
		case 'N', 'F':
			if strings.Trim(vals[i], "*") == "" { // overflow stars mean no value
				vals[i] = ""
			}
		}
	}
	return vals, d.buf[0] == '*', nil
}

func (d *dbfReader) text(b []byte) string {
	if d.dec == nil {
		if !utf8.Valid(b) {
			d.badText = true
		}
		return string(b)
	}
	s, err := d.dec.Bytes(b)
	if err != nil {
		return string(b)
	}
	return string(s)
}

// names returns the decoded field names.
func (d *dbfReader) names() []string {
	out := make([]string, len(d.fields))
	for i, f := range d.fields {
		out[i] = strings.TrimSpace(d.text([]byte(f.name)))
	}
	return out
}

// dbfEncoding decides how a .dbf's text is decoded: the .cpg when there is
// one, else the encoding given (not "auto"), else the language driver byte of
// the header or the text itself — and only when they agree on something
// unambiguous; otherwise it refuses and asks for --encoding.
//
// sample is the start of the .dbf's records. It returns the encoding's name
// and a warning to put in the report when the encoding was detected.
func dbfEncoding(cpg, given string, ldid byte, sample []byte) (string, string, error) {
	if c := strings.ToLower(strings.TrimSpace(cpg)); c != "" {
		name, ok := cpgNames[c]
		if !ok {
			if _, err := lookupEncoding(c); err != nil {
				return "", "", fmt.Errorf("the .cpg names the encoding %q, which is not known: give --encoding gbk or utf-8", cpg)
			}
			name = c
		}
		return name, "", nil
	}
	if g := strings.ToLower(strings.TrimSpace(given)); g != "" && g != "auto" {
		return g, "", nil
	}
	ascii := true
	for _, b := range sample {
		if b >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return "utf-8", "", nil
	}
	utf8OK := utf8.Valid(trimCutRune(sample))
	gbkOK := validGBK(sample)
	switch {
	case ldid == 0x4D || ldid == 0x7A: // code page 936 (GBK)
		if gbkOK {
			return "gbk", "the zip has no .cpg; the .dbf's header marks its text as code page 936, so it was read as GBK (give --encoding to override)", nil
		}
	case utf8OK && !gbkOK:
		return "utf-8", "the zip has no .cpg; the .dbf's text is valid UTF-8 and was read as such (give --encoding to override)", nil
	case gbkOK && !utf8OK:
		return "gbk", "the zip has no .cpg; the .dbf's text is not UTF-8 but is valid GBK, so it was read as GBK (give --encoding to override)", nil
	}
	return "", "", errors.New("the zip has no .cpg and the .dbf's encoding cannot be told apart with confidence (it could be UTF-8 or GBK): give --encoding gbk or --encoding utf-8, or add a .cpg file")
}

// cpgNames maps what ArcGIS and QGIS write into a .cpg to an encoding.
var cpgNames = map[string]string{
	"utf-8": "utf-8", "utf8": "utf-8", "65001": "utf-8",
	"gbk": "gbk", "936": "gbk", "cp936": "gbk", "ansi 936": "gbk", "gb2312": "gbk", "windows-936": "gbk",
	"gb18030": "gb18030", "54936": "gb18030",
}

// trimCutRune drops a UTF-8 sequence cut off at the end of b.
func trimCutRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// validGBK reports whether b is well-formed GBK (a double-byte character
// cut off at the end is allowed).
func validGBK(b []byte) bool {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c < 0x80 {
			continue
		}
		if c == 0x80 || c == 0xFF {
			return false
		}
		if i+1 >= len(b) {
			return true
		}
		t := b[i+1]
		if t < 0x40 || t == 0x7F || t == 0xFF {
			return false
		}
		i++
	}
	return true
}

// decoderFor returns the decoder of a named encoding (nil for UTF-8).
func decoderFor(name string) (*encoding.Decoder, error) {
	switch name {
	case "utf-8", "utf8", "":
		return nil, nil
	case "gbk":
		return simplifiedchinese.GBK.NewDecoder(), nil
	}
	enc, err := lookupEncoding(name)
	if err != nil {
		return nil, err
	}
	return enc.NewDecoder(), nil
}
