package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// headKey marks a HEAD request routed as a GET.
const headKey = "minqing.head"

// headAsGet answers HEAD wherever GET is served: before routing, a HEAD
// request is made a GET (echo routes by the request's method), and its
// response body is dropped; restoreHead makes it a HEAD again once routed,
// so that the handlers and net/http see what the client asked (no body, no
// made-up Content-Length). Handlers need no HEAD routes of their own.
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.Method != http.MethodHead {
			return next(c)
		}
		req.Method = http.MethodGet
		c.Set(headKey, true)
		res := c.Response()
		res.Writer = headWriter{res.Writer}
		return next(c)
	}
}

// restoreHead is the first middleware after routing: see headAsGet.
func restoreHead(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Get(headKey) == true {
			c.Request().Method = http.MethodHead
		}
		return next(c)
	}
}

// headWriter drops the body of a HEAD response.
type headWriter struct{ http.ResponseWriter }

func (headWriter) Write(p []byte) (int, error) { return len(p), nil }

// Unwrap lets http.ResponseController reach the connection.
func (w headWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// FlushError flushes the headers.
func (w headWriter) FlushError() error { return http.NewResponseController(w.ResponseWriter).Flush() }

// Flush implements http.Flusher.
func (w headWriter) Flush() { _ = w.FlushError() }
