package selection

import (
	"fmt"
	"net/url"
	"time"

	"minqing/layers"
	"minqing/query/cql2"
)

// Overdue reads ?overdue=response|resolution (staff only, incidents only)
// into a CQL2 condition, ANDed with prev (any filter already given):
//
//   - response: the response deadline has passed, the caller has not been
//     contacted, and the incident is neither resolved nor closed;
//   - resolution: the resolution deadline has passed and the incident is
//     neither resolved nor closed.
//
// now is the moment the request is answered.
func Overdue(v url.Values, l *layers.Layer, role layers.Role, prev cql2.Expr, now time.Time) (cql2.Expr, error) {
	kind := v.Get("overdue")
	if !v.Has("overdue") {
		return prev, nil
	}
	if _, ok := l.Field("response_due"); !ok {
		return nil, layers.Invalid("overdue", fmt.Sprintf("layer %s has no deadlines, so overdue does not apply to it", l.Name))
	}
	if role < layers.Staff {
		return nil, layers.Invalid("overdue", "overdue needs a staff token: deadlines are staff-only")
	}
	ts := now.UTC().Format("2006-01-02T15:04:05Z")
	open := "status IN ('received', 'dispatched', 'in_progress')"
	var src string
	switch kind {
	case "response":
		src = fmt.Sprintf("response_due < TIMESTAMP('%s') AND responded_at IS NULL AND %s", ts, open)
	case "resolution":
		src = fmt.Sprintf("resolution_due < TIMESTAMP('%s') AND %s", ts, open)
	default:
		return nil, layers.Invalid("overdue", "overdue must be response or resolution")
	}
	e, err := cql2.Parse(src, l.CQLSchema(role))
	if err != nil {
		return nil, fmt.Errorf("selection: overdue filter: %w", err)
	}
	if prev == nil {
		return e, nil
	}
	return &cql2.And{Args: []cql2.Expr{prev, e}}, nil
}
