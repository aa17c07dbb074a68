package cli

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"minqing/deploy/fengtai"
	"minqing/internal/pgtest"
	"minqing/layers"
	"minqing/layers/lifecycle"
)

// TestCopyKeepsRecords: copying a store carries every incident's record of
// steps, so the copied incidents can go on being handled.
func TestCopyKeepsRecords(t *testing.T) {
	file := demoGPKG(t)
	pg := pgtest.New(t)
	code, out, errs := run(t, nil, "copy", "--from", file, "--to", pg)
	if code != 0 || !strings.Contains(out, "incident_events") {
		t.Fatalf("copy: exit %d\n%s\n%s", code, out, errs)
	}
	ctx := context.Background()
	from := openSpec(t, file).(lifecycle.Store)
	into := openSpec(t, pg).(lifecycle.Store)
	l, _ := fengtai.Catalog().Lookup("incidents")
	var ids []int64
	if err := openSpec(t, file).Features(ctx, l, layers.Query{Role: layers.Admin, Properties: []string{}}, func(f *layers.Feature) error {
		ids = append(ids, f.ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	withRecord := 0
	for i := 0; i < len(ids); i += 37 {
		a, err := from.Events(ctx, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		b, err := into.Events(ctx, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		if len(a) == 0 && len(b) == 0 {
			continue
		}
		for j := range b {
			if j < len(a) {
				b[j].At = b[j].At.In(a[j].At.Location())
			}
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("incident %d: record %v copied as %v", ids[i], a, b)
		}
		if len(a) > 0 {
			withRecord++
		}
	}
	if withRecord == 0 {
		t.Error("no sampled incident had a record")
	}
}
