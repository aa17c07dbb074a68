package sourcetest

import (
	"sync"
	"testing"

	"minqing/layers"
)

// testPublications: a key has no body until published; the first body
// published under it stays, whoever publishes after (also at once).
func testPublications(t *testing.T, src layers.Source, _ *layers.Catalog) {
	p, ok := layers.As[layers.Publications](src)
	if !ok {
		t.Fatal("the store keeps no publications")
	}
	c := ctx(t)
	if _, ok, err := p.Publication(c, "rates/2026-01"); err != nil || ok {
		t.Fatalf("before publishing: ok %v, err %v", ok, err)
	}
	var wg sync.WaitGroup
	got := make([][]byte, 8)
	errs := make([]error, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = p.Publish(c, "rates/2026-01", []byte{byte('a' + i)})
		}()
	}
	wg.Wait()
	stored, ok, err := p.Publication(c, "rates/2026-01")
	if err != nil || !ok || len(stored) != 1 {
		t.Fatalf("after publishing: %q %v %v", stored, ok, err)
	}
	for i := range got {
		if errs[i] != nil || string(got[i]) != string(stored) {
			t.Errorf("publisher %d got %q (%v), the store keeps %q", i, got[i], errs[i], stored)
		}
	}
	if again, err := p.Publish(c, "rates/2026-01", []byte("later")); err != nil || string(again) != string(stored) {
		t.Errorf("a later publish replaced the first: %q %v", again, err)
	}
	if other, err := p.Publish(c, "rates/2026-02", []byte("feb")); err != nil || string(other) != "feb" {
		t.Errorf("another key: %q %v", other, err)
	}
}
