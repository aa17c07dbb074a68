package postgis_test

import (
	"testing"

	"minqing/layers/lifecycle/lifecycletest"
	"minqing/stores/postgis"
)

func TestLifecycle(t *testing.T) {
	lifecycletest.Run(t, func(t *testing.T) lifecycletest.Store { return open(t).(*postgis.Store) })
}
