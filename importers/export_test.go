package importers

// NeedTool lets the external tests (package importers_test) find a PROJ tool
// as the internal ones do: failing under CI=true, skipping elsewhere.
var NeedTool = needTool
