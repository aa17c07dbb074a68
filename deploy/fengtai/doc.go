// Package fengtai is the 丰台街道 (Fengtai Subdistrict, Beijing) deployment
// of minqing: its catalog of layers ([Catalog]) and the vocabularies of
// those layers — the values each enum field takes, how each is shown
// (Chinese and English names, the colour on the map) and the other
// wordings imports accept for them.
//
// It is data, not mechanism: package layers defines what a catalog, a field
// and a vocabulary are, and nothing in layers, its stores or tiles imports
// this package. The command line, the demo and tests pick the deployment;
// the importers, the exports and the server's /layers read the vocabularies
// through the catalog's fields (layers.Field.Enum, Vocab and Synonyms), so
// this file set is their one source. A second street would be a sibling
// package under deploy/.
package fengtai
