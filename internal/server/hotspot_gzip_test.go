package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"minqing/layers"
	"minqing/stores/storetest"
)

// TestHotspotsGzip: /hotspots goes out gzip-compressed to a client that
// accepts it (a phone's browser), as the same bytes a client without gzip
// gets, and says that it varies with Accept-Encoding.
func TestHotspotsGzip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		loadHandGrid(t, src)
		s := newTestServer(t, src)
		staff := token(t, src, layers.Staff)
		for _, secret := range []string{staff, ""} {
			auth := map[string]string{}
			if secret != "" {
				auth["Authorization"] = "Bearer " + secret
			}
			plain := getWith(t, s, "/hotspots?res=9", auth)
			gz := map[string]string{"Accept-Encoding": "br, gzip;q=0.8"}
			for k, v := range auth {
				gz[k] = v
			}
			packed := getWith(t, s, "/hotspots?res=9", gz)
			if plain.Code != http.StatusOK || packed.Code != http.StatusOK {
				t.Fatalf("status %d and %d: %s", plain.Code, packed.Code, plain.Body)
			}
			if plain.Header().Get("Content-Encoding") != "" || packed.Header().Get("Content-Encoding") != "gzip" {
				t.Fatalf("Content-Encoding %q without gzip, %q with", plain.Header().Get("Content-Encoding"), packed.Header().Get("Content-Encoding"))
			}
			if !strings.Contains(strings.Join(packed.Header().Values("Vary"), ","), "Accept-Encoding") {
				t.Errorf("Vary = %v, want Accept-Encoding", packed.Header().Values("Vary"))
			}
			zr, err := gzip.NewReader(packed.Body)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(body, plain.Body.Bytes()) || len(body) == 0 {
				t.Fatalf("gzip body is %d bytes unpacked, plain %d; not the same", len(body), plain.Body.Len())
			}
			refused := map[string]string{"Accept-Encoding": "gzip;q=0"}
			for k, v := range auth {
				refused[k] = v
			}
			if r := getWith(t, s, "/hotspots?res=9", refused); r.Header().Get("Content-Encoding") != "" {
				t.Errorf("gzip;q=0 answered with Content-Encoding %q", r.Header().Get("Content-Encoding"))
			}
		}
	})
}
