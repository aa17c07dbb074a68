package lifecycle

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 6, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

// ev builds an event m minutes after t0.
func ev(m int, a Action, unit, level string) Event {
	return Event{At: t0.Add(time.Duration(m) * time.Minute), Who: "test", Action: a, Unit: unit, Level: level}
}

func visit(m int, resolved, satisfied *bool) Event {
	e := ev(m, Visit, "", "")
	e.Resolved, e.Satisfied = resolved, satisfied
	return e
}

func ret(m int, reason string) Event {
	e := ev(m, Return, "", "")
	e.Reason = reason
	return e
}

// prefixes leading to each status.
var (
	toDispatched = []Event{ev(1, Dispatch, "城管科", "科室")}
	toInProgress = append(clone(toDispatched), ev(2, Respond, "", ""))
	toResolved   = append(clone(toInProgress), ev(3, Resolve, "", ""))
	toClosed     = append(clone(toResolved), visit(4, yes(), yes()), ev(5, Close, "", ""))
)

func clone(e []Event) []Event { return append([]Event(nil), e...) }

func TestTransitions(t *testing.T) {
	prefixes := map[string][]Event{
		Received: nil, Dispatched: toDispatched, InProgress: toInProgress, Resolved: toResolved, Closed: toClosed,
	}
	next := map[Action]Event{
		Dispatch: ev(10, Dispatch, "新华街北里社区", "社区"),
		Whistle:  ev(10, Whistle, "城管执法队", "科室"),
		Report:   ev(10, Report, "城管科", "科室"),
		Respond:  ev(10, Respond, "", ""),
		Resolve:  ev(10, Resolve, "", ""),
		Visit:    visit(10, yes(), no()),
		Close:    ev(10, Close, "", ""),
		Reopen:   ev(10, Reopen, "", ""),
		Return:   ret(10, "不属于本单位职责"),
	}
	// want[status][action] is the status after the action, "" if refused.
	want := map[string]map[Action]string{
		Received:   {Dispatch: Dispatched},
		Dispatched: {Whistle: Dispatched, Report: InProgress, Respond: InProgress, Resolve: Resolved, Return: Received},
		InProgress: {Whistle: InProgress, Report: InProgress, Respond: InProgress, Resolve: Resolved, Return: Received},
		Resolved:   {Visit: Resolved, Close: Closed, Reopen: InProgress},
		Closed:     {Reopen: InProgress},
	}
	for status, prefix := range prefixes {
		s, err := Replay(t0, prefix)
		if err != nil {
			t.Fatalf("prefix to %s: %v", status, err)
		}
		if s.Status != status {
			t.Fatalf("prefix gives %s, want %s", s.Status, status)
		}
		for _, a := range Actions {
			t.Run(status+"/"+string(a), func(t *testing.T) {
				got, err := Apply(s, next[a])
				w := want[status][a]
				if w == "" {
					var ce *ConflictError
					if !errors.As(err, &ce) {
						t.Fatalf("want a conflict, got %v (status %s)", err, got.Status)
					}
					if !strings.Contains(ce.Message, string(a)) || got.Status != status {
						t.Errorf("refusal %q should name the action and keep the state", ce.Message)
					}
					return
				}
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if got.Status != w {
					t.Errorf("status %s, want %s", got.Status, w)
				}
			})
		}
	}
}

func TestReplayTimestamps(t *testing.T) {
	events := []Event{
		ev(10, Dispatch, "城管科", "科室"),
		ev(20, Whistle, "城管执法队", "科室"),
		ev(25, Report, "城管执法队", "科室"),
		ev(30, Respond, "", ""),
		ev(40, Respond, "", ""),
		ev(50, Resolve, "", ""),
		visit(60, no(), no()),
		ev(70, Reopen, "", ""),
		ret(80, "需产权单位处理"),
		ev(90, Dispatch, "北大地西区社区", "社区"),
		ev(100, Resolve, "", ""),
		visit(110, yes(), yes()),
		ev(120, Close, "", ""),
	}
	s, err := Replay(t0, events)
	if err != nil {
		t.Fatal(err)
	}
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	checks := []struct {
		name string
		got  any
		want any
	}{
		{"status", s.Status, Closed},
		{"dispatched_at is the first dispatch", *s.DispatchedAt, at(10)},
		{"responded_at is the first contact", *s.RespondedAt, at(30)},
		{"resolved_at is the last resolve", *s.ResolvedAt, at(100)},
		{"closed_at", *s.ClosedAt, at(120)},
		{"unit after re-dispatch", s.Unit, "北大地西区社区"},
		{"level", s.Level, "社区"},
		{"visit after reopen counts", *s.VisitResolved, true},
		{"satisfied", *s.Satisfied, true},
		{"events", s.Events, int64(13)},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestRefusals(t *testing.T) {
	tests := []struct {
		name   string
		prefix []Event
		e      Event
		want   string // a word of the sentence
		param  string // non-empty: an InvalidError on this param
	}{
		{"unknown action", nil, ev(1, "escalate", "", ""), "action must be one of", "action"},
		{"dispatch without level", nil, ev(1, Dispatch, "城管科", ""), "level", "unit"},
		{"bad level", nil, ev(1, Dispatch, "城管科", "区级"), "level must be", "level"},
		{"visit without answers", toResolved, ev(10, Visit, "", ""), "both answers", "resolved"},
		{"return without reason", toDispatched, ev(10, Return, "", ""), "reason", "reason"},
		{"satisfied on resolve", toInProgress, visitAs(10, Resolve), "only a return visit", "resolved"},
		{"time goes backwards", toDispatched, ev(0, Respond, "", ""), "before the incident's last step", ""},
		{"report by an uncalled unit", toDispatched, ev(10, Report, "园林科", "科室"), "neither dispatched nor whistled", ""},
		{"whistle the same unit twice", toDispatched, ev(10, Whistle, "城管科", "科室"), "already been called", ""},
		{"visit before resolve", toInProgress, visit(10, yes(), yes()), "resolve it first", ""},
		{"close while in progress", toInProgress, ev(10, Close, "", ""), "only a resolved incident", ""},
		{"return after resolve", toResolved, ret(10, "x"), "not yet resolved", ""},
		{"dispatch twice", toDispatched, ev(10, Dispatch, "城管科", "科室"), "return (退单) first", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Replay(t0, tc.prefix)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Apply(s, tc.e)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			var ie *InvalidError
			if tc.param != "" && (!errors.As(err, &ie) || ie.Param != tc.param) {
				t.Errorf("want an InvalidError on %q, got %#v", tc.param, err)
			}
			var ce *ConflictError
			if tc.param == "" && !errors.As(err, &ce) {
				t.Errorf("want a ConflictError, got %#v", err)
			}
		})
	}
}

func visitAs(m int, a Action) Event {
	e := ev(m, a, "", "")
	e.Satisfied = yes()
	return e
}
