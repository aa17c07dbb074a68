// Package selection is the grammar that selects features: bbox, datetime,
// properties, a CQL2 filter, overdue deadlines, equality on a layer's
// properties, and the check for unknown parameters. The HTTP server reads it
// from query strings (url.Values); the command line calls the typed parsers
// (BBox, Datetime, Properties, Filter, Where) from its flags, so that a script
// and the HTTP API accept exactly the same selections.
//
// It knows nothing of HTTP: it turns text into parts of a layers.Query and
// refuses bad input with a *layers.InvalidError naming the parameter at fault,
// which the server answers with a 400 and the command line words as a flag.
package selection
