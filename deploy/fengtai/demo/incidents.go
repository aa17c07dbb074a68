package demo

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"minqing/casework/intake"
	"minqing/deploy/fengtai"
	"minqing/layers"
)

// Dispatch limits of DB11/T 2021—2022.
const (
	LimitEmergency = time.Hour      // emergencies and safety
	LimitUtility   = 2 * time.Hour  // water, power, gas, heating
	LimitGeneral   = 24 * time.Hour // general requests
)

// DispatchLimit returns the time within which an incident of category must
// be dispatched (派单): one hour for emergencies and safety, two for water,
// power, gas and heating, a day for the rest.
func DispatchLimit(category string) time.Duration {
	switch category {
	case "水管爆裂", "疑似煤气异味", "地面塌陷", "污水井冒污水":
		return LimitEmergency
	case "水电气暖", "停电", "供暖":
		return LimitUtility
	}
	return LimitGeneral
}

// Where incidents of a category happen: around old compounds without
// property management, around the market, around construction sites, or
// anywhere.
const (
	atOld = iota
	atMarket
	atSite
	atAnywhere
)

// Daily profiles of the hour a call comes in.
const (
	dayHours  = iota // mostly daytime
	anyHours         // emergencies: flatter
	workHours        // construction: working hours
)

// categorySpec says how incidents of one category behave.
type categorySpec struct {
	name    string
	where   [4]float64 // weights of atOld, atMarket, atSite, atAnywhere
	hours   int
	slow    bool     // complex: resolution takes days to two weeks
	units   []string // "level:unit"; 物业 becomes 产权单位 where there is none
	details []string // "subcategory|description" (subcategory may be empty); {n} is a building number
}

// categories are the seed's incident categories and a few common others.
var categories = [...]categorySpec{
	{"水管爆裂", [4]float64{.55, 0, 0, .45}, anyHours, false,
		[]string{"街道:应急先锋队", "社区:物业", "科室:自来水公司"},
		[]string{"|{n}号楼自来水管爆裂，楼道积水", "|小区供水主管爆裂，多户停水", "|{n}号楼地下室水管爆裂，需紧急关阀"}},
	{"漏水", [4]float64{.5, 0, 0, .5}, dayHours, false,
		[]string{"社区:社区居委会", "社区:物业", "科室:自来水公司"},
		[]string{"上下水管道|{n}号楼五层公共厕所下水管道漏水，渗到楼下住户", "楼上漏水|楼上住户漏水至本户卫生间", "屋顶渗漏|{n}号楼屋顶防水老化，雨天渗漏"}},
	{"停电", [4]float64{.35, 0, 0, .65}, anyHours, false,
		[]string{"科室:供电公司", "社区:物业", "片区:片区工作组"},
		[]string{"|{n}号楼部分住户停电", "|电路老化跳闸，单元停电", "|楼道照明线路故障停电"}},
	{"雨箅子破损", [4]float64{.2, .1, 0, .7}, dayHours, false,
		[]string{"科室:城管科", "科室:排水集团"},
		[]string{"|路边雨箅子破损，存在安全隐患", "|雨箅子缺失，行人易踩空"}},
	{"地面塌陷", [4]float64{.3, 0, .2, .5}, anyHours, false,
		[]string{"街道:应急先锋队", "科室:排水集团", "科室:城建科"},
		[]string{"|小区路面出现塌陷坑", "|人行道地面下沉开裂"}},
	{"污水井冒污水", [4]float64{.5, .1, 0, .4}, anyHours, false,
		[]string{"科室:排水集团", "社区:物业", "街道:应急先锋队"},
		[]string{"|污水井冒污水，气味难闻", "|雨后污水井反水，漫到楼门口"}},
	{"疑似煤气异味", [4]float64{.55, 0, 0, .45}, anyHours, false,
		[]string{"街道:应急先锋队", "科室:燃气公司"},
		[]string{"|{n}号楼楼道内有疑似煤气的异味", "|单元内闻到燃气味，担心泄漏"}},
	{"施工扰民", [4]float64{0, 0, .85, .15}, workHours, true,
		[]string{"科室:城建科", "科室:综合执法队", "片区:片区工作组"},
		[]string{"噪音|工地施工噪音大，影响休息", "扬尘|施工车辆进出扬尘严重", "夜间施工|工地夜间施工扰民"}},
	{"邻里装修扰民", [4]float64{.2, 0, 0, .8}, dayHours, false,
		[]string{"社区:社区居委会", "社区:物业"},
		[]string{"|楼上装修噪音影响休息", "|邻居午休时间装修施工"}},
	{"违法建设", [4]float64{.45, 0, 0, .55}, dayHours, true,
		[]string{"科室:综合执法队", "科室:城管科", "街道:街道办事处"},
		[]string{"|楼下私搭乱建小房", "|屋顶违建彩钢板房", "|院内违建棚子占用通道"}},
	{"老旧小区环境治理", [4]float64{.8, 0, 0, .2}, dayHours, true,
		[]string{"社区:社区居委会", "科室:社区建设科", "片区:片区工作组"},
		[]string{"楼道堆物|{n}号楼楼道堆物杂乱", "小广告|楼门内外小广告多", "绿地杂物|小区绿地杂物未清理", "楼道照明|{n}号楼楼道照明损坏"}},
	{"水电气暖", [4]float64{.6, 0, 0, .4}, dayHours, false,
		[]string{"社区:物业", "社区:社区居委会", "科室:社区建设科"},
		[]string{"|下水堵塞需疏通", "|水暖管道漏气", "|燃气表故障"}},
	{"上门医疗", [4]float64{.45, 0, 0, .55}, dayHours, false,
		[]string{"社区:社区卫生服务站", "社区:社区居委会"},
		[]string{"|行动不便的老人需上门医疗服务", "|高龄老人需上门体检", "|独居老人需上门送药"}},
	{"供暖", [4]float64{.6, 0, 0, .4}, dayHours, false,
		[]string{"科室:热力公司", "社区:物业", "科室:社区建设科"},
		[]string{"温度不达标|室内温度不达标，暖气不热", "暖气不热|{n}号楼暖气片不热，需排气", "管道漏水|暖气管道漏水"}},
	{"停车管理", [4]float64{.45, .25, 0, .3}, dayHours, true,
		[]string{"社区:停车管理公司", "社区:社区居委会", "科室:城管科"},
		[]string{"私装地锁|私装地锁占用车位", "车辆乱停|小区内车辆乱停，堵塞消防通道", "车辆乱停|外来车辆长期占用车位"}},
	{"垃圾清运", [4]float64{.35, .35, 0, .3}, dayHours, false,
		[]string{"科室:环卫所", "社区:物业"},
		[]string{"生活垃圾|垃圾桶满溢未及时清运", "大件垃圾|大件垃圾堆放未清运", "建筑垃圾|装修渣土堆放未清运"}},
	{"占道经营", [4]float64{0, .75, 0, .25}, dayHours, false,
		[]string{"科室:城管科", "科室:综合执法队"},
		[]string{"|市场门口占道经营", "|流动摊贩占用人行道", "|店外摆卖占道"}},
}

// categoryWeight is the expected share of category c on day d: heating in
// the heating season (15 Nov–15 Mar), leaks, drains and collapses in the rain
// season (Jun–Sep), construction from spring to autumn.
func categoryWeight(c int, d time.Time) float64 {
	m, day := d.Month(), d.Day()
	rain := m >= time.June && m <= time.September
	winter := m >= time.November || m <= time.March
	heating := (m == time.November && day >= 15) || m == time.December || m == time.January ||
		m == time.February || (m == time.March && day <= 15)
	pick := func(cond bool, yes, no float64) float64 {
		if cond {
			return yes
		}
		return no
	}
	switch categories[c].name {
	case "水管爆裂":
		return pick(rain, 3, 1.5)
	case "漏水":
		return pick(rain, 6, 3)
	case "停电":
		return pick(m == time.July || m == time.August, 4, 2)
	case "雨箅子破损":
		return pick(rain, 3, 0.4)
	case "地面塌陷":
		return pick(rain, 1.2, 0.2)
	case "污水井冒污水":
		return pick(rain, 4, 1)
	case "疑似煤气异味":
		return pick(winter, 2, 1)
	case "施工扰民":
		return pick(m >= time.March && m <= time.November, 5, 0.8)
	case "邻里装修扰民":
		return pick(m >= time.March && m <= time.October, 6, 3)
	case "违法建设":
		return 3
	case "老旧小区环境治理":
		return 7
	case "水电气暖":
		return pick(winter, 6, 1.5)
	case "上门医疗":
		return pick(winter, 4, 3)
	case "供暖":
		switch {
		case heating:
			return 12
		case m == time.November || m == time.March || m == time.October:
			return 2
		}
		return 0.05
	case "停车管理":
		return 7
	case "垃圾清运":
		return pick(m >= time.June && m <= time.August, 8, 6)
	case "占道经营":
		return pick(m >= time.April && m <= time.October, 6, 3)
	}
	return 1
}

// hourWeights are the relative numbers of calls per hour of the day.
var hourWeights = [3][24]float64{
	dayHours:  {1, .6, .4, .3, .3, .5, 1.5, 3, 5, 7, 8, 7.5, 6, 6.5, 7, 7, 6.5, 6, 5.5, 5, 4.5, 3.5, 2.5, 1.5},
	anyHours:  {2.5, 2, 2, 2, 2, 2.5, 3.5, 5, 7, 8, 8.5, 8, 7, 7.5, 8, 8, 7.5, 7.5, 7.5, 7, 6.5, 5.5, 4.5, 3.5},
	workHours: {.2, .1, .1, .1, .1, .3, 2, 6, 9, 10, 10, 9, 7, 8, 9, 9, 8.5, 7, 4, 1, .6, .5, .4, .3},
}

// Sources, in the order of the deployment's vocabulary
// (fengtai.IncidentSources): 12345 brings the largest share.
var (
	sourcePrefix  = [...]string{"12345", "FTRX", "WG", "WX", "ZF", "WZ"}
	sourceWeights = [...]float64{55, 18, 15, 8, 4, 1}
)

// incidentReader streams the incidents day by day: it holds one day's
// incidents at a time, sorted by received_at.
type incidentReader struct {
	m       *model
	opts    Options
	r       *rand.Rand
	days    []dayPlan
	di      int
	buf     []*layers.Feature
	bi      int
	seq     map[string]int  // source prefix + year → last number
	dayW    []float64       // scratch: category weights of the day
	srcW    []float64       // scratch: source weights
	oldW    []float64       // weights of the old compounds
	siteW   []float64       // weights of the construction sites
	anyW    []float64       // weights of communities for background incidents
	where   []float64       // scratch
	unitBuf []float64       // scratch
	rv      *rand.Rand      // the 回访 answers' own stream
	routing *intake.Routing // due times
}

// dayPlan is one calendar day of the window (the first and last may be
// partial) and the number of incidents it receives.
type dayPlan struct {
	day        time.Time // midnight
	start, end time.Time // the part of the day inside the window
	n          int
}

func newIncidentReader(m *model, opts Options) *incidentReader {
	ir := &incidentReader{
		m: m, opts: opts, r: newRand(opts.Seed, "incidents"), seq: map[string]int{},
		rv: newRand(opts.Seed, "visits"), routing: intake.Defaults(),
		dayW: make([]float64, len(categories)), srcW: make([]float64, len(sourceWeights)),
		where: make([]float64, 4),
	}
	for _, a := range m.oldAnchors {
		ir.oldW = append(ir.oldW, a.weight)
	}
	for _, a := range m.sites {
		ir.siteW = append(ir.siteW, a.weight)
	}
	ir.anyW = m.residentialWeights(1)
	ir.plan()
	return ir
}

// plan splits the incidents over the days of the two-year window in
// proportion to each day's expected volume (seasonal, fewer at weekends),
// with counts summing exactly to opts.Incidents.
func (ir *incidentReader) plan() {
	end := ir.opts.AsOf
	start := end.AddDate(-2, 0, 0)
	var weights []float64
	total := 0.0
	for d := date(start.Year(), start.Month(), start.Day()); d.Before(end); d = d.AddDate(0, 0, 1) {
		next := d.AddDate(0, 0, 1)
		p := dayPlan{day: d, start: maxTime(d, start), end: minTime(next, end)}
		if !p.start.Before(p.end) {
			continue
		}
		w := 0.0
		for c := range categories {
			w += categoryWeight(c, d)
		}
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			w *= 0.8
		}
		w *= float64(p.end.Sub(p.start)) / float64(next.Sub(d))
		ir.days = append(ir.days, p)
		weights = append(weights, w)
		total += w
	}
	n := ir.opts.Incidents
	cum, given := 0.0, 0
	for i := range ir.days {
		cum += weights[i]
		upto := int(math.Round(float64(n) * cum / total))
		if i == len(ir.days)-1 {
			upto = n
		}
		ir.days[i].n = upto - given
		given = upto
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// Next returns the next incident, or io.EOF after the last.
func (ir *incidentReader) Next() (*layers.Feature, error) {
	for ir.bi >= len(ir.buf) {
		if ir.di >= len(ir.days) {
			return nil, io.EOF
		}
		ir.fill(ir.days[ir.di])
		ir.di++
	}
	f := ir.buf[ir.bi]
	ir.buf[ir.bi] = nil
	ir.bi++
	return f, nil
}

// fill generates the incidents of one day into the buffer, sorted by
// received_at, and numbers them.
func (ir *incidentReader) fill(p dayPlan) {
	ir.buf = ir.buf[:0]
	ir.bi = 0
	for c := range categories {
		ir.dayW[c] = categoryWeight(c, p.day)
	}
	for i := 0; i < p.n; i++ {
		ir.buf = append(ir.buf, ir.incident(p))
	}
	sort.SliceStable(ir.buf, func(i, j int) bool {
		return ir.buf[i].Props["received_at"].(time.Time).Before(ir.buf[j].Props["received_at"].(time.Time))
	})
	for _, f := range ir.buf {
		prefix := f.Props["external_id"].(string)
		year := f.Props["received_at"].(time.Time).Year()
		key := prefix + strconv.Itoa(year)
		ir.seq[key]++
		f.Props["external_id"] = fmt.Sprintf("%s-%d-%06d", prefix, year, ir.seq[key])
	}
}

// incident generates one incident received on day p.
func (ir *incidentReader) incident(p dayPlan) *layers.Feature {
	r, m := ir.r, ir.m
	ci := pick(r, ir.dayW)
	cat := &categories[ci]

	// when
	received := p.start
	for try := 0; try < 20; try++ {
		h := pick(r, hourWeights[cat.hours][:])
		t := p.day.Add(time.Duration(h)*time.Hour + time.Duration(r.IntN(3600))*time.Second)
		if !t.Before(p.start) && t.Before(p.end) {
			received = t
			break
		}
	}

	// where
	copy(ir.where, cat.where[:])
	mode := pick(r, ir.where)
	var pt orb.Point
	k := -1
	switch mode {
	case atOld:
		a := m.oldAnchors[pick(r, ir.oldW)]
		pt, k = m.aroundInside(r, a.p, a.sigma)
	case atMarket:
		pt, k = m.aroundInside(r, m.market, 70)
	case atSite:
		a := m.sites[pick(r, ir.siteW)]
		pt, k = m.aroundInside(r, a.p, a.sigma)
	default:
		k = pick(r, ir.anyW)
		pt = roundPoint(m.randomIn(r, k, 0.01))
		k = m.locate(pt)
	}
	if k < 0 { // cannot happen: every anchor is inside; stay safe anyway
		k = m.cell[2][2]
		pt = roundPoint(m.cellPoint(k, 0.5, 0.5))
	}
	comm := &m.comms[k]

	// what
	detail := cat.details[r.IntN(len(cat.details))]
	sub, desc, _ := strings.Cut(detail, "|")
	building := between(r, 1, 28)
	desc = strings.ReplaceAll(desc, "{n}", strconv.Itoa(building))
	address := fmt.Sprintf("%s%d号楼", comm.addr, building)
	if mode == atMarket {
		address = MarketName + "周边"
	} else if s, near := m.nearestStreet(pt); near && (mode == atAnywhere || cat.name == "占道经营" || cat.name == "雨箅子破损") {
		address = streetNumber(r, s) + "附近"
	}

	// who takes it
	for i := range ir.srcW {
		ir.srcW[i] = sourceWeights[i]
	}
	switch cat.name {
	case "占道经营", "垃圾清运", "违法建设", "雨箅子破损":
		ir.srcW[2] *= 3 // grid staff see these on patrol
	case "上门医疗":
		ir.srcW[4] *= 6 // found on home visits
	}
	si := pick(r, ir.srcW)
	lu := cat.units[r.IntN(len(cat.units))]
	level, unit, _ := strings.Cut(lu, ":")
	if unit == "物业" && !comm.pm {
		unit = "产权单位"
	}

	// how it went
	limit := DispatchLimit(cat.name)
	late := r.Float64() < 0.045
	var dispatchIn time.Duration
	switch {
	case late:
		dispatchIn = limit + time.Duration((0.05+2*r.Float64())*float64(limit))
	case limit == LimitGeneral && (received.Hour() < 7 || received.Hour() >= 22):
		// a night call waits for the morning shift
		morning := date(received.Year(), received.Month(), received.Day()).Add(8 * time.Hour)
		if received.Hour() >= 22 {
			morning = morning.AddDate(0, 0, 1)
		}
		dispatchIn = morning.Sub(received) + expDur(r, 40*time.Minute, 3*time.Hour)
	case limit == LimitGeneral:
		dispatchIn = expDur(r, 2*time.Hour, 20*time.Hour)
	case limit == LimitUtility:
		dispatchIn = expDur(r, 25*time.Minute, 110*time.Minute)
	default:
		dispatchIn = expDur(r, 12*time.Minute, 55*time.Minute)
	}
	dispatched := received.Add(dispatchIn.Truncate(time.Second))
	var respondIn, resolveIn time.Duration
	switch {
	case limit == LimitEmergency:
		respondIn = uniDur(r, 5*time.Minute, 45*time.Minute)
		resolveIn = uniDur(r, time.Hour, 12*time.Hour)
	case limit == LimitUtility:
		respondIn = uniDur(r, 15*time.Minute, 3*time.Hour)
		resolveIn = uniDur(r, 2*time.Hour, 36*time.Hour)
	case cat.slow:
		respondIn = uniDur(r, time.Hour, 48*time.Hour)
		resolveIn = uniDur(r, 2*24*time.Hour, 15*24*time.Hour)
	default:
		respondIn = uniDur(r, time.Hour, 48*time.Hour)
		resolveIn = uniDur(r, 12*time.Hour, 10*24*time.Hour)
	}
	if !late {
		// The unit contacts the caller (响应) within what is left of the
		// response deadline (the dispatch limit, counted from receipt): a
		// deterministic fraction taken from the drawn delay, so the random
		// sequence — and every other figure — stays as it was.
		frac := float64(respondIn%time.Hour) / float64(time.Hour)
		respondIn = time.Duration(float64(limit-dispatchIn) * (0.05 + 0.9*frac))
	}
	responded := dispatched.Add(respondIn.Truncate(time.Second))
	resolved := responded.Add(resolveIn.Truncate(time.Second))
	closed := resolved.Add(uniDur(r, 4*time.Hour, 3*24*time.Hour).Truncate(time.Second))
	fate := r.Float64()
	stuck := fate < 0.012             // never resolved
	unclosed := !stuck && fate < 0.08 // resolved, never closed (no rating)
	satisfiedP := 0.92
	if late {
		satisfiedP = 0.65
	}
	satisfied := r.Float64() < satisfiedP
	// 回访: whether the caller says it is resolved, from a stream of its own
	// (so the incidents' other draws are unchanged).
	visitResolved := ir.rv.Float64() < 0.98
	if !satisfied {
		visitResolved = ir.rv.Float64() < 0.55
	}
	due := ir.routing.DueFor(cat.name, false, received)

	asOf := ir.opts.AsOf
	props := map[string]any{
		"external_id":    sourcePrefix[si], // numbered once the day is sorted
		"source":         fengtai.IncidentSources[si],
		"category":       cat.name,
		"subcategory":    nil,
		"description":    desc,
		"address":        address,
		"community":      comm.name,
		"patch":          patchNames[comm.patch],
		"status":         "received",
		"received_at":    received,
		"dispatched_at":  nil,
		"responded_at":   nil,
		"resolved_at":    nil,
		"closed_at":      nil,
		"satisfied":      nil,
		"unit":           unit,
		"level":          level,
		"response_due":   *due.Response,
		"resolution_due": *due.Resolution,
	}
	if sub != "" {
		props["subcategory"] = sub
	}
	if !dispatched.After(asOf) {
		props["status"], props["dispatched_at"] = "dispatched", dispatched
		if !responded.After(asOf) {
			props["status"], props["responded_at"] = "in_progress", responded
			if !stuck && !resolved.After(asOf) {
				props["status"], props["resolved_at"] = "resolved", resolved
				if !unclosed && !closed.After(asOf) {
					props["status"], props["closed_at"], props["satisfied"] = "closed", closed, satisfied
					props["visit_resolved"] = visitResolved
				}
			}
		}
	}
	f := &layers.Feature{Geometry: pt, Props: props}
	contactP := 0.88
	if si >= 2 { // grid staff and home visits often leave no caller
		contactP = 0.4
	}
	if r.Float64() < contactP {
		f.Contact = &layers.Contact{Name: callerName(r), Phone: fmt.Sprintf("1380000%04d", r.IntN(10000))}
	}
	return f
}

// expDur returns an exponentially distributed duration with the given mean,
// at most max.
func expDur(r *rand.Rand, mean, max time.Duration) time.Duration {
	d := time.Duration(r.ExpFloat64() * float64(mean))
	if d > max {
		d = time.Duration(r.Float64() * float64(max))
	}
	return d + time.Minute
}

// uniDur returns a duration uniform on a logarithmic scale in [lo, hi].
func uniDur(r *rand.Rand, lo, hi time.Duration) time.Duration {
	l, h := math.Log(float64(lo)), math.Log(float64(hi))
	return time.Duration(math.Exp(l + (h-l)*r.Float64()))
}
