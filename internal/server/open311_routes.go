package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// open311Base is where the Open311 GeoReport v2 endpoints live.
const open311Base = "/open311/v2"

// open311Routes registers Open311 GeoReport v2 under /open311/v2/, in JSON
// and XML (the format is the path's extension: open311_xml.go).
func (s *Server) open311Routes(e *echo.Echo) {
	for _, ext := range []string{".json", ".xml"} {
		e.GET(open311Base+"/discovery"+ext, s.open311(s.open311Discovery))
		e.GET(open311Base+"/services"+ext, s.open311(s.open311Services))
		e.GET(open311Base+"/requests"+ext, s.open311(s.open311Requests))
		e.POST(open311Base+"/requests"+ext, s.open311(s.open311Submit))
	}
	e.GET(open311Base+"/services/:file", s.open311(s.open311Service))
	e.GET(open311Base+"/requests/:file", s.open311(s.open311Request))
}

// open311Error is one error in GeoReport v2's error format.
type open311Error struct {
	Code        int    `json:"code" xml:"code"`
	Description string `json:"description" xml:"description"`
}

// open311 answers errors in GeoReport v2's format, [{code, description}],
// with the same status the rest of the API would give.
func (s *Server) open311(h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := h(c)
		if err == nil || c.Response().Committed {
			return err
		}
		status, body := s.classify(err)
		var oe *open311StatusError
		if errors.As(err, &oe) {
			status, body.Message = oe.status, oe.msg
		}
		if status >= 500 {
			s.log.Error("open311 request failed", "path", c.Request().URL.Path, "err", err)
		}
		if body.Param != "" && !strings.Contains(body.Message, body.Param) {
			body.Message = body.Param + ": " + body.Message
		}
		return open311Send(c, status, []open311Error{{Code: status, Description: body.Message}})
	}
}

// open311StatusError is an Open311 error with its own status.
type open311StatusError struct {
	status int
	msg    string
}

func (e *open311StatusError) Error() string { return e.msg }

func open311Fail(status int, msg string) error { return &open311StatusError{status: status, msg: msg} }

// open311File strips the format from a path parameter such as "123.json"
// or "123.xml"; other formats are not offered.
func open311File(c echo.Context) (string, error) {
	file := c.Param("file")
	for _, ext := range []string{".json", ".xml"} {
		if name, ok := strings.CutSuffix(file, ext); ok && name != "" {
			return name, nil
		}
	}
	return "", open311Fail(http.StatusNotFound, "JSON and XML are offered: ask for "+quote(file+".json")+" or "+quote(file+".xml"))
}
