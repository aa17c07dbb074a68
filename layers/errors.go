package layers

import "errors"

// Errors a Source or the catalog returns; the server maps them to HTTP statuses
// with errors.Is.
var (
	// ErrNotFound: no such layer (or not visible to the caller), or no such feature.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the request or the data is malformed.
	ErrInvalid = errors.New("invalid")
	// ErrUnavailable: the store cannot be reached.
	ErrUnavailable = errors.New("store unavailable")
	// ErrNoMVT: the store renders no Mapbox Vector Tiles itself (Source.Tile);
	// package tiles encodes its features instead.
	ErrNoMVT = errors.New("the store renders no vector tiles")
)

// InvalidError is a bad request naming the parameter or field at fault.
type InvalidError struct {
	Param   string // the query parameter or field, if any
	Message string // a sentence a person understands
}

func (e *InvalidError) Error() string { return e.Message }

// Is makes errors.Is(err, ErrInvalid) true for every InvalidError.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// Invalid returns an *InvalidError for param.
func Invalid(param, msg string) error { return &InvalidError{Param: param, Message: msg} }
