package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// headAsGet answers HEAD wherever GET is served: the request is routed and
// handled as a GET, with the same status and headers, and the body is
// dropped. Handlers need no HEAD routes of their own.
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.Method != http.MethodHead {
			return next(c)
		}
		get := req.WithContext(req.Context()) // a shallow copy: the server still sees HEAD
		get.Method = http.MethodGet
		c.SetRequest(get)
		res := c.Response()
		res.Writer = headWriter{res.Writer}
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
