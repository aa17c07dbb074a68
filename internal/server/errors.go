package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"

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

// handleError is the one place typed errors become HTTP statuses. Failures
// (5xx, or a stream cut after it started) go to the aggregated outage log,
// never one line per request; a client's own cancel or stall is not one.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		if !errors.Is(err, context.Canceled) && !isTimeout(err) && !clientGone(err) {
			status, _ := s.classify(err)
			s.outages.add(failureKind(status, "response cut after it started"), err)
		}
		return
	}
	status, body := s.classify(err)
	if status >= 500 {
		s.outages.add(failureKind(status, "request failed"), err)
	}
	if status == http.StatusServiceUnavailable {
		c.Response().Header().Set("Retry-After", retryAfter)
	}
	if status == http.StatusNotFound && prefersHTML(c.Request().Header.Get("Accept")) {
		// A person typed or followed a wrong address: a page, not JSON.
		c.Response().Header().Set("Vary", "Accept")
		denyFraming(c.Response().Header())
		_ = c.HTML(status, notFoundPage)
		return
	}
	_ = c.JSON(status, body) // for HEAD, headAsGet drops the body

}

// notFoundPage is the 404 a browser gets: in both languages, with a way
// back to the map. API clients (any Accept not preferring HTML) get JSON.
const notFoundPage = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>找不到这个页面 · Page not found</title><link rel="stylesheet" href="/static/style.css"></head>
<body class="not-found"><main>
<h1>找不到这个页面</h1>
<p>地址可能输错了，或者这个页面已经不在了。</p>
<p><a href="/">返回丰台街道民情图</a></p>
<h2 lang="en">Page not found</h2>
<p lang="en">The address may be mistyped, or the page is gone. <a href="/">Back to the map</a>.</p>
</main></body>
</html>
`

// prefersHTML reports whether an Accept header ranks text/html above
// application/json (a browser's navigation does; fetch, curl and API
// clients do not).
func prefersHTML(accept string) bool {
	html, json := -1.0, -1.0
	for _, part := range strings.Split(accept, ",") {
		fields := strings.Split(part, ";")
		mt := strings.ToLower(strings.TrimSpace(fields[0]))
		q := 1.0
		for _, p := range fields[1:] {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		switch mt {
		case "text/html", "application/xhtml+xml":
			html = max(html, q)
		case "application/json", "application/geo+json", "application/problem+json":
			json = max(json, q)
		}
	}
	return html > 0 && html > json
}

// clientGone reports whether err is the client closing its connection
// while a response was being written: its choice, not a failure.
func clientGone(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, net.ErrClosed)
}

// retryAfter is the Retry-After of a 503, in seconds.
const retryAfter = "5"

// failureKind names a failure for the outage log: store outages apart.
func failureKind(status int, other string) string {
	if status == http.StatusServiceUnavailable {
		return "store unavailable"
	}
	return other
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
	case errors.Is(err, context.DeadlineExceeded):
		// The store deadline (Config.StoreTimeout) passed: the store is
		// overloaded or gone, which is the same to the client.
		return http.StatusServiceUnavailable, apiError{Code: "unavailable", Message: "the data store did not answer in time; try again shortly"}
	case errors.Is(err, context.Canceled):
		return 499, apiError{Code: "canceled", Message: "the request was canceled"}
	case isTimeout(err):
		return http.StatusRequestTimeout, apiError{Code: "request_timeout", Message: "the request body stopped arriving; send it again"}
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
