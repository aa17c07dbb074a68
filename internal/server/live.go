package server

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"minqing/query/selection"
)

// livePoll is how often the live hub reads the layers' versions while
// anyone listens; liveKeepAlive how often an idle stream gets a comment.
const (
	livePoll      = time.Second
	liveKeepAlive = 25 * time.Second
)

// liveHub reads the layers' versions once a second while at least one
// client listens on /live, and hands every change to each of them: a new
// or changed incident, by any client or process, reaches every open map and
// dashboard within about a second.
type liveHub struct {
	read func(context.Context) (map[string]int64, error)

	mu      sync.Mutex
	subs    map[chan map[string]int64]struct{}
	last    map[string]int64
	running bool

	done      chan struct{} // closed when the server shuts down: streams end
	closeOnce sync.Once
}

func newLiveHub(read func(context.Context) (map[string]int64, error)) *liveHub {
	return &liveHub{read: read, subs: map[chan map[string]int64]struct{}{}, done: make(chan struct{})}
}

// close ends every stream, so that a graceful shutdown does not wait for
// the open maps to go away.
func (h *liveHub) close() { h.closeOnce.Do(func() { close(h.done) }) }

// subscribe returns a channel of version maps (the current one first) and
// a function to leave.
func (h *liveHub) subscribe() (<-chan map[string]int64, func()) {
	ch := make(chan map[string]int64, 4)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	if h.last != nil {
		ch <- h.last
	}
	if !h.running {
		h.running = true
		go h.poll()
	}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs, ch)
		h.mu.Unlock()
	}
}

// poll runs while there are subscribers.
func (h *liveHub) poll() {
	t := time.NewTicker(livePoll)
	defer t.Stop()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		v, err := h.read(ctx)
		cancel()
		h.mu.Lock()
		if len(h.subs) == 0 {
			h.running = false
			h.last = nil
			h.mu.Unlock()
			return
		}
		if err == nil && !maps.Equal(v, h.last) {
			h.last = v
			for ch := range h.subs {
				select {
				case ch <- v:
				default: // a slow client misses an intermediate state, not the latest
					select {
					case <-ch:
					default:
					}
					ch <- v
				}
			}
		}
		h.mu.Unlock()
		<-t.C
	}
}

// liveRoutes registers the Server-Sent Events stream of version changes.
func (s *Server) liveRoutes(e *echo.Echo) {
	e.GET("/live", s.live)
}

// live streams "event: versions" with the layers' write counters whenever
// one changes (text/event-stream). Clients reload what they show of a
// layer whose counter moved. Versions say only that something changed, so
// the stream is public.
func (s *Server) live(c echo.Context) error {
	if err := selection.Check(c.QueryParams(), nil, roleOf(c)); err != nil {
		return err
	}
	w := c.Response()
	h := w.Header()
	h.Set(echo.HeaderContentType, "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	w.Flush()
	hub := s.ext.intake.live
	ch, leave := hub.subscribe()
	defer leave()
	keep := time.NewTicker(liveKeepAlive)
	defer keep.Stop()
	ctx := c.Request().Context()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-hub.done:
			return nil
		case v := <-ch:
			b, err := json.Marshal(v)
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintf(w, "event: versions\ndata: %s\n\n", b); err != nil {
				return nil
			}
			w.Flush()
		case <-keep.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return nil
			}
			w.Flush()
		}
	}
}
