package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"minqing/internal/auth"
	"minqing/layers"
)

// apiError is the JSON body of every error response.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Param   string `json:"param,omitempty"`
}

// badRequest is a 400 naming the parameter at fault.
func badRequest(param, msg string) error { return layers.Invalid(param, msg) }

// handleError is the one place typed errors become HTTP statuses.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		if !errors.Is(err, context.Canceled) {
			s.log.Warn("error after response started", "path", c.Request().URL.Path, "err", err)
		}
		return
	}
	status, body := s.classify(err)
	if status >= 500 {
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = c.JSON(status, body)
}

func (s *Server) classify(err error) (int, apiError) {
	var inv *layers.InvalidError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &inv):
		return http.StatusBadRequest, apiError{Code: "bad_request", Message: inv.Message, Param: inv.Param}
	case errors.Is(err, layers.ErrNotFound):
		return http.StatusNotFound, apiError{Code: "not_found", Message: notFoundMessage(err)}
	case errors.Is(err, auth.ErrBadToken):
		return http.StatusUnauthorized, apiError{Code: "unauthorized", Message: "the access token is unknown or revoked"}
	case errors.Is(err, layers.ErrUnavailable):
		return http.StatusServiceUnavailable, apiError{Code: "unavailable", Message: "the data store cannot be reached; try again shortly"}
	case errors.Is(err, context.Canceled):
		return 499, apiError{Code: "canceled", Message: "the request was canceled"}
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout, apiError{Code: "timeout", Message: "the request took too long"}
	case errors.As(err, &he):
		msg, _ := he.Message.(string)
		if msg == "" {
			msg = http.StatusText(he.Code)
		}
		if he.Code == http.StatusNotFound {
			msg = "no such page: see /layers for what this server offers"
		}
		return he.Code, apiError{Code: codeFor(he.Code), Message: msg}
	}
	return http.StatusInternalServerError, apiError{Code: "internal", Message: "something went wrong on the server; it has been logged"}
}

// notFoundError is a 404 with a message for people.
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string        { return e.msg }
func (e *notFoundError) Is(target error) bool { return target == layers.ErrNotFound }

// notFound returns a 404 error with msg.
func notFound(msg string) error { return &notFoundError{msg: msg} }

func notFoundMessage(err error) string {
	var nf *notFoundError
	if errors.As(err, &nf) {
		return nf.msg
	}
	return "not found"
}

func codeFor(status int) string {
	switch status {
	case http.StatusNotFound:
		return "not_found"
	case http.StatusMethodNotAllowed:
		return "method_not_allowed"
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusRequestEntityTooLarge:
		return "too_large"
	}
	if status >= 500 {
		return "internal"
	}
	return "bad_request"
}
