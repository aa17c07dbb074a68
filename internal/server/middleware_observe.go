package server

import (
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"minqing/layers"
)

// observe is the outermost middleware. It installs the per-request stall
// deadlines (see stallWriter and stallBody), makes a response that depended
// on a token privately cacheable, and once the request is answered writes
// its access-log line and metrics: method, route template (never the raw
// URL, so no token and no query value is logged), status, bytes, duration.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		req, res := c.Request(), c.Response()
		method := req.Method
		var aborted abortKind
		w := newStallWriter(res.Writer, s.cfg.WriteStall, &aborted)
		res.Writer = w
		var body *stallBody
		if req.Body != nil && req.Body != http.NoBody && req.ContentLength != 0 {
			body = &stallBody{ReadCloser: req.Body, rc: w.rc, stall: s.cfg.ReadStall, aborted: &aborted}
			req.Body = body
		}
		res.Before(func() { privateCache(c) })

		if err := next(c); err != nil {
			c.Error(err)
		}

		w.extend(true) // the server's final flush gets a full stall period
		if body != nil {
			body.finish()
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		status := res.Status
		if aborted != abortNone {
			s.metrics.slowClient(aborted)
		}
		dur := time.Since(start)
		s.metrics.request(method, route, status, dur)
		s.log.Info("request", "method", method, "route", route, "status", status,
			"bytes", res.Size, "dur", dur.Round(time.Microsecond))
		return nil
	}
}

// privateCache turns the Cache-Control of a response that depended on a
// token (role staff or admin) into "private", so that no shared cache keeps
// it for other callers.
func privateCache(c echo.Context) {
	if roleOf(c) == layers.Public {
		return
	}
	h := c.Response().Header()
	cc := h.Get("Cache-Control")
	switch {
	case cc == "":
		h.Set("Cache-Control", "private")
	case strings.Contains(cc, "private") || strings.Contains(cc, "no-store"):
	case strings.Contains(cc, "public"):
		h.Set("Cache-Control", strings.Replace(cc, "public", "private", 1))
	default:
		h.Set("Cache-Control", "private, "+cc)
	}
	for _, v := range h.Values("Vary") {
		if strings.Contains(v, "Authorization") {
			return
		}
	}
	h.Add("Vary", "Authorization")
}

// abortKind says how a slow client was dropped.
type abortKind uint8

const (
	abortNone  abortKind = iota
	abortWrite           // it stopped reading the response
	abortRead            // it stopped sending the request body
)

// stallWriter moves the connection's write deadline to now+stall before
// each write and flush, so that a client that stops reading is dropped
// after stall while a slow one that keeps reading is served for as long as
// the response lasts (a global WriteTimeout would cut long streams).
type stallWriter struct {
	http.ResponseWriter
	rc      *http.ResponseController
	stall   time.Duration
	last    time.Time
	noConn  bool // the writer has no connection deadline (a test recorder)
	aborted *abortKind
}

func newStallWriter(w http.ResponseWriter, stall time.Duration, aborted *abortKind) *stallWriter {
	return &stallWriter{ResponseWriter: w, rc: http.NewResponseController(w), stall: stall, aborted: aborted}
}

// extend moves the write deadline to now+stall; to spare system calls, at
// most once per stall/8 unless force.
func (w *stallWriter) extend(force bool) {
	if w.noConn {
		return
	}
	now := time.Now()
	if !force && now.Sub(w.last) < w.stall/8 {
		return
	}
	w.last = now
	if err := w.rc.SetWriteDeadline(now.Add(w.stall)); errors.Is(err, http.ErrNotSupported) {
		w.noConn = true
	}
}

func (w *stallWriter) WriteHeader(code int) {
	w.extend(false)
	w.ResponseWriter.WriteHeader(code)
}

func (w *stallWriter) Write(p []byte) (int, error) {
	w.extend(false)
	n, err := w.ResponseWriter.Write(p)
	if err != nil && isTimeout(err) && *w.aborted == abortNone {
		*w.aborted = abortWrite
	}
	return n, err
}

// FlushError flushes, reporting a stalled client (http.ResponseController
// and echo's Response.Flush use it).
func (w *stallWriter) FlushError() error {
	w.extend(false)
	err := http.NewResponseController(w.ResponseWriter).Flush()
	if err != nil && isTimeout(err) && *w.aborted == abortNone {
		*w.aborted = abortWrite
	}
	return err
}

// Flush implements http.Flusher.
func (w *stallWriter) Flush() { _ = w.FlushError() }

// Unwrap lets http.ResponseController reach the connection.
func (w *stallWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// stallBody moves the connection's read deadline to now+stall before each
// read of the request body, so that an upload that stops is closed after
// stall while a slow one that keeps sending goes on. Once the body is read
// to its end the deadline is lifted (the server then watches the idle
// connection for the client going away, and a deadline there would cancel
// the request).
type stallBody struct {
	io.ReadCloser
	rc      *http.ResponseController
	stall   time.Duration
	eof     bool
	aborted *abortKind
}

func (b *stallBody) Read(p []byte) (int, error) {
	if !b.eof {
		_ = b.rc.SetReadDeadline(time.Now().Add(b.stall))
	}
	n, err := b.ReadCloser.Read(p)
	switch {
	case errors.Is(err, io.EOF) && !b.eof:
		b.eof = true
		_ = b.rc.SetReadDeadline(time.Time{})
	case err != nil && isTimeout(err) && *b.aborted == abortNone:
		*b.aborted = abortRead
	}
	return n, err
}

// finish runs when the handler is done: a body not read to its end keeps a
// deadline, so the server's draining of it cannot hang on a stalled client.
func (b *stallBody) finish() {
	if !b.eof {
		_ = b.rc.SetReadDeadline(time.Now().Add(b.stall))
	}
}

// isTimeout reports whether err is a connection deadline passing.
func isTimeout(err error) bool { return errors.Is(err, os.ErrDeadlineExceeded) }
