package importers

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Progress is how far an import has got.
type Progress struct {
	Rows    int64         // records read
	Bytes   int64         // input bytes read
	Size    int64         // input size if known, else 0
	Elapsed time.Duration // since the import started
	Done    bool          // the last call
}

// Percent is the share of the input read (0–100), or -1 if the size is unknown.
func (p Progress) Percent() float64 {
	if p.Size <= 0 {
		return -1
	}
	return min(100, 100*float64(p.Bytes)/float64(p.Size))
}

// RowsPerSecond is the average rate so far.
func (p Progress) RowsPerSecond() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Rows) / p.Elapsed.Seconds()
}

func (p Progress) line() string {
	s := fmt.Sprintf("%d rows, %.0f rows/s", p.Rows, p.RowsPerSecond())
	if pc := p.Percent(); pc >= 0 {
		s = fmt.Sprintf("%5.1f%%  %s", pc, s)
	}
	return s
}

// ProgressPrinter returns an Options.Progress that writes to w: on a
// terminal one line rewritten in place (\r) every call; otherwise a plain
// log line every interval (and at the end).
func ProgressPrinter(w io.Writer, tty bool, interval time.Duration) func(Progress) {
	var mu sync.Mutex
	var last time.Duration
	return func(p Progress) {
		mu.Lock()
		defer mu.Unlock()
		if tty {
			end := ""
			if p.Done {
				end = "\n"
			}
			fmt.Fprintf(w, "\r\x1b[Kimporting: %s%s", p.line(), end)
			return
		}
		if p.Done || p.Elapsed-last >= interval {
			last = p.Elapsed
			state := "importing"
			if p.Done {
				state = "read"
			}
			fmt.Fprintf(w, "%s: %s\n", state, p.line())
		}
	}
}
