package server

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
	qrcode "github.com/skip2/go-qrcode"
)

// maxQRPath is the longest link (path, query and fragment) /qr.svg
// encodes: a phone's camera reads such a code (about version 25 at level
// M) from a screen, and the web map's links are far shorter.
const maxQRPath = 1024

// qrRoutes registers GET /qr.svg?u=/path?query#fragment: a QR code (SVG) of
// that link on this server's public address, for the web map's "QR"
// button, so a phone opens the same view. Only links on this server are
// encoded (u is a path, never another site), and the page needs no
// request off its origin.
func (s *Server) qrRoutes(e *echo.Echo) {
	e.GET("/qr.svg", s.qrSVG)
}

func (s *Server) qrSVG(c echo.Context) error {
	q := c.QueryParams()
	for k := range q {
		if k != "u" {
			return badRequest(k, fmt.Sprintf("/qr.svg takes only u (a link on this server); %s is not a parameter", k))
		}
	}
	if len(q["u"]) > 1 {
		return badRequest("u", "u is given more than once")
	}
	link, err := s.qrLink(c, c.QueryParam("u"))
	if err != nil {
		return err
	}
	code, err := qrcode.New(link, qrcode.Medium)
	if err != nil {
		return badRequest("u", "the link cannot be made into a QR code: "+err.Error())
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("X-Content-Type-Options", "nosniff")
	return c.Blob(http.StatusOK, "image/svg+xml", []byte(qrSVGDoc(code.Bitmap(), link)))
}

// qrLink checks u (a path on this server, with its query and fragment)
// and returns it as an absolute link on the server's public origin
// (Config.BaseURL, else the request's scheme and host).
func (s *Server) qrLink(c echo.Context, u string) (string, error) {
	switch {
	case u == "":
		return "", badRequest("u", "u is required: the link to encode, a path on this server such as /#z=13")
	case len(u) > maxQRPath:
		return "", badRequest("u", fmt.Sprintf("the link is %d bytes; a QR code here holds at most %d", len(u), maxQRPath))
	case !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") || strings.HasPrefix(u, "/\\"):
		return "", badRequest("u", "u must be a path on this server (starting with one /), not another site")
	}
	for _, r := range u {
		if r < 0x20 || r == 0x7f {
			return "", badRequest("u", "the link has a control character")
		}
	}
	if _, err := url.Parse(u); err != nil {
		return "", badRequest("u", "the link is not a valid URL path: "+err.Error())
	}
	base, err := url.Parse(s.tileBase(c))
	if err != nil || base.Host == "" {
		return "", badRequest("u", "the server's public address is unknown")
	}
	return base.Scheme + "://" + base.Host + u, nil
}

// qrSVGDoc draws a QR bitmap (quiet zone included) as one SVG path, one
// unit per module, each row's dark runs as rectangles; the link is its
// title for screen readers.
func qrSVGDoc(bits [][]bool, title string) string {
	n := len(bits)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img">`, n, n)
	fmt.Fprintf(&b, `<title>%s</title><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, html.EscapeString(title), n, n)
	for y, row := range bits {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			run := 0
			for x+run < len(row) && row[x+run] {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x, y, run, run)
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	b.WriteByte('\n')
	return b.String()
}
