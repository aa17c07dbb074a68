package intake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"minqing/deploy/fengtai"
	"minqing/layers/lifecycle"
)

// Duration is a time.Duration written in JSON as "1h", "90m" or "15d".
type Duration time.Duration

// UnmarshalJSON reads "1h30m" (Go syntax) or "15d" (days).
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is a string such as \"2h\" or \"15d\"")
	}
	v, err := parseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes days as "Nd", anything else in Go syntax.
func (d Duration) MarshalJSON() ([]byte, error) {
	v := time.Duration(d)
	if v > 0 && v%(24*time.Hour) == 0 {
		return json.Marshal(fmt.Sprintf("%dd", v/(24*time.Hour)))
	}
	return json.Marshal(v.String())
}

func parseDuration(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 {
			return 0, fmt.Errorf("duration %q: days must be a positive whole number such as \"15d\"", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	v, err := time.ParseDuration(s)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("duration %q must be positive, such as \"2h\", \"90m\" or \"15d\"", s)
	}
	return v, nil
}

// Deadline is how long a unit has, counted in calendar time from receipt.
type Deadline struct {
	Response   Duration `json:"response"`   // to contact the caller (响应)
	Resolution Duration `json:"resolution"` // to resolve (办结)
}

// Route is where a category goes by default and how urgent it is.
type Route struct {
	Unit    string `json:"unit"`    // "{community}" is replaced by the incident's community
	Level   string `json:"level"`   // 街道, 片区, 科室 or 社区
	Urgency string `json:"urgency"` // a key of Routing.Deadlines
}

// Routing is the routing table and the deadline rules.
type Routing struct {
	Deadlines  map[string]Deadline `json:"deadlines"`
	Categories map[string]Route    `json:"categories"`
	Default    Route               `json:"default"`
}

// Urgent is the urgency of an incident marked urgent at intake, whatever
// its category.
const Urgent = "urgent"

// Defaults is the built-in routing: the time limits of DB11/T 2021—2022
// (1 h for emergencies and safety — 水管爆裂, 地面塌陷, 疑似煤气异味,
// 污水井冒污水; 2 h for water, power, gas and heating — 停电, 水电气暖, 供暖;
// 24 h for general requests; feedback within 15 days), read as the time to
// contact the caller, the same grouping as the demo's dispatch limits
// (demo.DispatchLimit), and the street office's sections (科室) for the
// categories of the seed article.
func Defaults() *Routing {
	const (
		cg = "城市管理办公室"
		zf = "综合行政执法队"
		yj = "应急指挥中心"
		ms = "民生保障办公室"
		sq = "{community}社区居委会"
	)
	return &Routing{
		Deadlines: map[string]Deadline{
			Urgent:    {Response: Duration(time.Hour), Resolution: Duration(24 * time.Hour)},
			"utility": {Response: Duration(2 * time.Hour), Resolution: Duration(3 * 24 * time.Hour)},
			"general": {Response: Duration(24 * time.Hour), Resolution: Duration(15 * 24 * time.Hour)},
		},
		Categories: map[string]Route{
			"水管爆裂":     {cg, "科室", Urgent},
			"地面塌陷":     {yj, "街道", Urgent},
			"疑似煤气异味":   {yj, "街道", Urgent},
			"污水井冒污水":   {cg, "科室", Urgent},
			"漏水":       {cg, "科室", "general"},
			"停电":       {cg, "科室", "utility"},
			"水电气暖":     {cg, "科室", "utility"},
			"供暖":       {cg, "科室", "utility"},
			"雨箅子破损":    {cg, "科室", "general"},
			"施工扰民":     {zf, "科室", "general"},
			"违法建设":     {zf, "科室", "general"},
			"占道经营":     {zf, "科室", "general"},
			"垃圾清运":     {cg, "科室", "general"},
			"上门医疗":     {ms, "科室", "general"},
			"邻里装修扰民":   {sq, "社区", "general"},
			"老旧小区环境治理": {sq, "社区", "general"},
			"停车管理":     {sq, "社区", "general"},
		},
		Default: Route{Unit: sq, Level: "社区", Urgency: "general"},
	}
}

// Load reads a routing file (JSON). Categories it does not list take the
// built-in default route; deadlines it does not list keep the built-in ones.
func Load(path string) (*Routing, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("routing: %w", err)
	}
	r := Defaults()
	custom := &Routing{}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(custom); err != nil {
		return nil, fmt.Errorf("routing %s: %w", path, err)
	}
	for k, v := range custom.Deadlines {
		r.Deadlines[k] = v
	}
	if custom.Categories != nil {
		r.Categories = custom.Categories
	}
	if custom.Default != (Route{}) {
		r.Default = custom.Default
	}
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("routing %s: %w", path, err)
	}
	return r, nil
}

// Validate checks every route's level, category and urgency and every
// deadline's order.
func (r *Routing) Validate() error {
	for k, d := range r.Deadlines {
		if d.Response <= 0 || d.Resolution <= 0 {
			return fmt.Errorf("deadlines %q: response and resolution must both be given", k)
		}
		if d.Resolution < d.Response {
			return fmt.Errorf("deadlines %q: resolution (%s) is earlier than response (%s)", k, time.Duration(d.Resolution), time.Duration(d.Response))
		}
	}
	if _, ok := r.Deadlines[Urgent]; !ok {
		return fmt.Errorf("deadlines: %q must be defined (incidents marked urgent use it)", Urgent)
	}
	check := func(name string, rt Route) error {
		if rt.Unit == "" || !slices.Contains(lifecycle.Levels, rt.Level) {
			return fmt.Errorf("%s: a route names a unit and a level (街道, 片区, 科室 or 社区)", name)
		}
		if _, ok := r.Deadlines[rt.Urgency]; !ok {
			return fmt.Errorf("%s: urgency %q has no deadlines", name, rt.Urgency)
		}
		return nil
	}
	if err := check("default", r.Default); err != nil {
		return err
	}
	names := make([]string, 0, len(r.Categories))
	for c := range r.Categories {
		names = append(names, c)
	}
	sort.Strings(names)
	for _, c := range names {
		if !slices.Contains(fengtai.IncidentCategories, c) {
			return fmt.Errorf("categories: %q is not an incident category (%s)", c, strings.Join(fengtai.IncidentCategories, "、"))
		}
		if err := check("categories "+c, r.Categories[c]); err != nil {
			return err
		}
	}
	return nil
}

// RouteFor returns the default unit and level of a category, with
// "{community}" filled in.
func (r *Routing) RouteFor(category, community string) (unit, level string) {
	rt, ok := r.Categories[category]
	if !ok {
		rt = r.Default
	}
	if community == "" {
		community = "所属"
	}
	return strings.ReplaceAll(rt.Unit, "{community}", community), rt.Level
}

// UrgencyOf is the urgency of a category, or Urgent when marked so.
func (r *Routing) UrgencyOf(category string, urgent bool) string {
	if urgent {
		return Urgent
	}
	if rt, ok := r.Categories[category]; ok {
		return rt.Urgency
	}
	return r.Default.Urgency
}

// DueFor returns the response and resolution due times of an incident
// received at received: calendar time, not working hours — the hotlines run
// day and night and the time limits count from receipt.
func (r *Routing) DueFor(category string, urgent bool, received time.Time) lifecycle.Due {
	d := r.Deadlines[r.UrgencyOf(category, urgent)]
	resp := received.Add(time.Duration(d.Response))
	res := received.Add(time.Duration(d.Resolution))
	return lifecycle.Due{Response: &resp, Resolution: &res}
}
