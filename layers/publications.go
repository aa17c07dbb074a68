package layers

import "context"

// Publications keeps what has been published once and must never change
// afterwards (package disclose's rate families of a settled month): the
// first body stored under a key stays. Both stores implement it.
type Publications interface {
	// Publication returns the body stored under key (ok false: none yet).
	Publication(ctx context.Context, key string) (body []byte, ok bool, err error)
	// Publish stores body under key unless a body is already there, and
	// returns the body that is stored: body, or the one that came first.
	Publish(ctx context.Context, key string, body []byte) ([]byte, error)
}
