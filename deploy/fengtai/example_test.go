package fengtai_test

import (
	"fmt"

	"minqing/deploy/fengtai"
	"minqing/layers"
)

// The deployment's catalog carries its vocabularies: a status is stored as
// a code and shown by its name.
func ExampleCatalog() {
	cat := fengtai.Catalog()
	fmt.Println(cat.Names(layers.Public))
	inc, _ := cat.Get("incidents", layers.Public)
	status, _ := inc.Field("status")
	zh, _ := status.ValueLabel("closed", "zh")
	en, _ := status.ValueLabel("closed", "en")
	fmt.Println(status.Enum[4], zh, en)
	// Output:
	// [communities demolitions greening incidents patches service_points streets]
	// closed 已关闭 Closed
}
