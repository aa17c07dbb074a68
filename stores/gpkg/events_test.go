package gpkg_test

import (
	"testing"

	"minqing/layers/lifecycle/lifecycletest"
	"minqing/stores/gpkg"
)

func TestLifecycle(t *testing.T) {
	lifecycletest.Run(t, func(t *testing.T) lifecycletest.Store { return open(t).(*gpkg.Store) })
}
