package layers

// Unwrapper is a Source that decorates another (WithDeadline's): Unwrap
// returns the store underneath.
type Unwrapper interface {
	Unwrap() Source
}

// As finds, on src or on a store it decorates (through Unwrap), an optional
// capability T that a decorator does not pass on, such as a store's record
// of steps or its pool statistics. src may be a whole Source or any of the
// narrow interfaces a user holds it by (hotspot.Store, importers.Store...).
func As[T any](src any) (T, bool) {
	for range 8 {
		if t, ok := src.(T); ok {
			return t, true
		}
		u, ok := src.(Unwrapper)
		if !ok {
			break
		}
		src = u.Unwrap()
	}
	var zero T
	return zero, false
}
