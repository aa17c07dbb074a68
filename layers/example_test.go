package layers_test

import (
	"fmt"

	"minqing/deploy/fengtai"
	"minqing/layers"
)

// The catalog decides what a caller sees: the public gets the public layers
// and, of the incidents, only the public properties.
func Example() {
	cat := fengtai.Catalog()
	fmt.Println(cat.Names(layers.Public))
	if _, err := cat.Get("care_targets", layers.Public); err != nil {
		fmt.Println("care_targets for the public:", err)
	}
	inc, _ := cat.Get("incidents", layers.Public)
	for _, f := range inc.VisibleFields(layers.Public)[:4] {
		fmt.Println(f.Name, f.TitleZH)
	}
	// Output:
	// [communities demolitions greening incidents patches service_points streets]
	// care_targets for the public: not found
	// source 来源
	// category 问题分类
	// subcategory 子类
	// community 社区
}
