package importers

import (
	"testing"
	"time"

	"minqing/layers"
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := layers.ParseTime(s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}
