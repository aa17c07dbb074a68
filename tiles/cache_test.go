package tiles_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"sync"
	"testing"

	"minqing/tiles"
)

func TestCacheVersions(t *testing.T) {
	c := tiles.NewCache(1 << 20)
	c.Put("incidents/15/1/2|public|", []int64{3}, []byte("tile v3"))
	if e, ok := c.Get("incidents/15/1/2|public|", []int64{3}); !ok || string(e.Body) != "tile v3" {
		t.Fatalf("same versions: %v %v", e, ok)
	}
	if _, ok := c.Get("incidents/15/1/2|public|", []int64{4}); ok {
		t.Fatal("a newer layer version hit the old tile")
	}
	if _, ok := c.Get("incidents/15/1/2|public|", []int64{3}); ok {
		t.Fatal("a stale entry was kept")
	}
	st := c.Stats()
	if st.Hits != 1 || st.Misses != 2 || st.Stale != 1 || st.Entries != 0 || st.Bytes != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	body := bytes.Repeat([]byte{1}, 1000)
	c := tiles.NewCache(4000) // room for three entries of ~1.3 kB
	for i := range 3 {
		c.Put(fmt.Sprint(i), nil, body)
	}
	c.Get("0", nil) // 1 is now the least recently used
	c.Put("3", nil, body)
	if _, ok := c.Get("1", nil); ok {
		t.Error("the least recently used entry survived")
	}
	for _, k := range []string{"0", "2", "3"} {
		if _, ok := c.Get(k, nil); !ok {
			t.Errorf("entry %s was evicted", k)
		}
	}
	if st := c.Stats(); st.Bytes > st.MaxBytes || st.Evicted != 1 {
		t.Errorf("stats %+v", st)
	}
	big := c.Put("big", nil, make([]byte, 5000))
	if _, ok := c.Get("big", nil); ok || big == nil {
		t.Error("a tile larger than the cache was kept (or not returned)")
	}
}

func TestCacheGzip(t *testing.T) {
	c := tiles.NewCache(1 << 20)
	body := bytes.Repeat([]byte("民情图"), 500)
	e := c.Put("k", nil, body)
	before := c.Stats().Bytes
	gz := c.Gzipped(e)
	if &c.Gzipped(e)[0] != &gz[0] {
		t.Error("gzip computed twice")
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Equal(plain, body) {
		t.Error("gzip does not round-trip")
	}
	if after := c.Stats().Bytes; after != before+int64(len(gz)) {
		t.Errorf("cache bytes %d → %d, want +%d for the gzipped copy", before, after, len(gz))
	}
}

func TestNilCache(t *testing.T) {
	var c *tiles.Cache = tiles.NewCache(0)
	e := c.Put("k", []int64{1}, []byte("x"))
	if _, ok := c.Get("k", []int64{1}); ok {
		t.Error("a nil cache hit")
	}
	if e.ETag != tiles.ETag([]byte("x")) || len(c.Gzipped(e)) == 0 {
		t.Error("a nil cache's entries lack ETag or gzip")
	}
	if c.Stats() != (tiles.CacheStats{}) {
		t.Error("a nil cache has stats")
	}
}

func TestETag(t *testing.T) {
	a, b := tiles.ETag([]byte("a")), tiles.ETag([]byte("b"))
	if a == b || a != tiles.ETag([]byte("a")) || a[0] != '"' || a[len(a)-1] != '"' {
		t.Errorf("ETags %s %s", a, b)
	}
}

func TestCacheConcurrent(t *testing.T) {
	c := tiles.NewCache(50_000)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				k := fmt.Sprint(i % 37)
				v := []int64{int64(i % 3)}
				if e, ok := c.Get(k, v); ok {
					c.Gzipped(e)
					continue
				}
				c.Put(k, v, bytes.Repeat([]byte{byte(g)}, 100+i))
			}
		}()
	}
	wg.Wait()
	if st := c.Stats(); st.Bytes > st.MaxBytes || st.Bytes < 0 {
		t.Errorf("stats %+v", st)
	}
}
