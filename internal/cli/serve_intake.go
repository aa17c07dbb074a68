package cli

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"minqing/casework/intake"
	"minqing/casework/rates"
	"minqing/deploy/fengtai"
)

// intakeConfig reads --routing, --open311-source and --rate-weights into
// the server's configuration.
func (o *serveOptions) intakeConfig() error {
	if o.routing != "" {
		r, err := intake.Load(o.routing)
		if err != nil {
			return err
		}
		o.cfg.Intake.Routing = r
	}
	if src := o.cfg.Intake.Open311Source; !slices.Contains(fengtai.IncidentSources, src) {
		return fmt.Errorf("--open311-source %q is not an incident source (%s)", src, strings.Join(fengtai.IncidentSources, ", "))
	}
	parts := strings.Split(o.weights, ",")
	if len(parts) != 3 {
		return fmt.Errorf("--rate-weights must be three numbers: 响应率,解决率,满意率 (e.g. 0.2,0.4,0.4)")
	}
	var v [3]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return fmt.Errorf("--rate-weights: %q is not a number", p)
		}
		v[i] = f
	}
	w := rates.Weights{Response: v[0], Resolution: v[1], Satisfaction: v[2]}
	if !w.Valid() {
		return fmt.Errorf("--rate-weights must be non-negative with a positive sum")
	}
	o.cfg.Intake.RateWeights = &w
	return nil
}
