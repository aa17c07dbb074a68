package server

import (
	"time"

	"minqing/casework/intake"
	"minqing/casework/rates"
	"minqing/layers"
)

// rateProperties are the incident fields the rates read.
var rateProperties = []string{"community", "patch", "unit", "category", "status", "received_at", "dispatched_at",
	"responded_at", "resolved_at", "visit_resolved", "satisfied", "response_due", "resolution_due"}

// rateIncident reads what the rates need of an incident feature, grouped by
// its field group ("" for none); deadlines it does not carry come from the
// routing rules.
func rateIncident(f *layers.Feature, group string, routing *intake.Routing) rates.Incident {
	str := func(k string) string { v, _ := f.Props[k].(string); return v }
	tm := func(k string) *time.Time {
		if v, ok := f.Props[k].(time.Time); ok {
			return &v
		}
		return nil
	}
	bl := func(k string) *bool {
		if v, ok := f.Props[k].(bool); ok {
			return &v
		}
		return nil
	}
	in := rates.Incident{Status: str("status"), DispatchedAt: tm("dispatched_at"),
		RespondedAt: tm("responded_at"), ResolvedAt: tm("resolved_at"), ResponseDue: tm("response_due"),
		ResolutionDue: tm("resolution_due"), VisitResolved: bl("visit_resolved"), Satisfied: bl("satisfied")}
	if group != "" {
		in.Group = str(group)
	}
	if r := tm("received_at"); r != nil {
		in.ReceivedAt = *r
	}
	if in.ResponseDue == nil || in.ResolutionDue == nil {
		d := routing.DueFor(str("category"), false, in.ReceivedAt)
		in.ResponseDue, in.ResolutionDue = d.Response, d.Resolution
	}
	return in
}
