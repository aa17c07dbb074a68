package importers

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// csvReader reads a CSV with a header row. The delimiter is a comma, or a
// tab when the header has tabs and no commas (Excel's "Unicode text").
type csvReader struct {
	cr     *csv.Reader
	br     *bufio.Reader // under bud: where an oversized row is skipped
	bud    *budget
	header []string
}

func newCSVReader(r io.Reader, maxRecord int64) (*csvReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	first, _ := br.Peek(64 << 10)
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	bud := newBudget(br, maxRecord)
	cr := csv.NewReader(bud)
	if bytes.IndexByte(first, '\t') >= 0 && bytes.IndexByte(first, ',') < 0 {
		cr.Comma = '\t'
	}
	cr.FieldsPerRecord = -1
	c := &csvReader{cr: cr, br: br, bud: bud}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("the file is empty: a CSV needs a header row naming its columns")
	}
	if err != nil {
		return nil, fmt.Errorf("header row: %w", err)
	}
	c.header = make([]string, len(header))
	for i, h := range header {
		c.header[i] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
	}
	return c, nil
}

// skipLine discards the input up to and including the next line break.
func (c *csvReader) skipLine() error {
	for {
		_, err := c.br.ReadSlice('\n')
		switch {
		case err == nil, errors.Is(err, io.EOF):
			return nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return err
		}
	}
}

func (c *csvReader) next() (*record, error) {
	for {
		c.bud.reset()
		row, err := c.cr.Read()
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		if isTooLarge(err) {
			// The row is set aside like any bad row: the rest of its line
			// is skipped and reading goes on at the next line (a row cut
			// inside a quoted value with line breaks then shows up as bad
			// rows after it, each named).
			line, _ := c.cr.FieldPos(0) // where the oversized row starts
			if serr := c.skipLine(); serr != nil {
				return nil, fmt.Errorf("row %d: %w", line, serr)
			}
			n := int64(line)
			return &record{n: n, raw: []string{}, errs: []Problem{{Row: n, Reason: err.Error()}}}, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return &record{n: int64(pe.StartLine), errs: []Problem{{
				Row: int64(pe.StartLine), Reason: fmt.Sprintf("the row is not valid CSV (line %d, column %d): %v", pe.Line, pe.Column, pe.Err),
			}}}, nil
		}
		if err != nil {
			return nil, err
		}
		line, _ := c.cr.FieldPos(0)
		empty := true
		for _, cell := range row {
			if strings.TrimSpace(cell) != "" {
				empty = false
				break
			}
		}
		if empty {
			continue
		}
		rec := &record{n: int64(line), raw: row, vals: make([]keyVal, 0, len(row))}
		for i, cell := range row {
			if i < len(c.header) {
				if c.header[i] != "" {
					rec.vals = append(rec.vals, keyVal{key: c.header[i], s: cell})
				}
				continue
			}
			if strings.TrimSpace(cell) != "" {
				rec.errs = append(rec.errs, Problem{Row: rec.n, Value: shorten(cell),
					Reason: fmt.Sprintf("the row has %d cells but the header has %d: is a comma inside an unquoted value?", len(row), len(c.header))})
				break
			}
		}
		return rec, nil
	}
}
