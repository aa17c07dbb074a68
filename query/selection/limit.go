package selection

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"minqing/layers"
)

// Limit reads a page size: "" is def, a whole number from 1 up is taken,
// anything above max (even beyond int64) is lowered to max, as OGC API –
// Features asks; zero, negatives and non-numbers are refused.
func Limit(raw string, def, max int) (int, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) && !strings.HasPrefix(raw, "-") {
			return max, nil
		}
		return 0, layers.Invalid("limit", fmt.Sprintf("limit must be a whole number from 1 to %d, not %q", max, raw))
	}
	if n < 1 {
		return 0, layers.Invalid("limit", fmt.Sprintf("limit must be at least 1, not %d", n))
	}
	if n > int64(max) {
		return max, nil
	}
	return int(n), nil
}
