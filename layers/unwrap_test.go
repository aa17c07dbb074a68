package layers_test

import (
	"testing"
	"time"

	"minqing/layers"
)

// pooled is a fake store with an optional capability the deadline
// decorator does not pass on.
type pooled struct{ layers.Source }

func (pooled) PoolStats() (inUse, idle, waiting int64) { return 1, 2, 3 }

type poolStats interface {
	PoolStats() (inUse, idle, waiting int64)
}

// As finds a capability under the deadline decorator whether the caller
// holds the store whole or by one of the narrow interfaces; a store without
// it, decorated or not, has none.
func TestAsThroughDecoratorAndNarrowInterfaces(t *testing.T) {
	whole := layers.WithDeadline(pooled{}, time.Second)
	if _, ok := whole.(poolStats); ok {
		t.Fatal("the decorator passes the capability on itself: the test tests nothing")
	}
	holders := map[string]any{
		"Source":          whole,
		"FeatureStreamer": layers.FeatureStreamer(whole),
		"Counter":         layers.Counter(whole),
		"CellCounter":     layers.CellCounter(whole),
		"Writer":          layers.Writer(whole),
	}
	for name, h := range holders {
		p, ok := layers.As[poolStats](h)
		if !ok {
			t.Errorf("held as %s: capability not found", name)
			continue
		}
		if a, b, c := p.PoolStats(); a != 1 || b != 2 || c != 3 {
			t.Errorf("held as %s: found the wrong capability", name)
		}
	}
	if _, ok := layers.As[poolStats](layers.WithDeadline(&blockingSource{}, time.Second)); ok {
		t.Error("found a capability the store does not have")
	}
}
