package demo

import "math/rand/v2"

// Names of the seed's places, for callers that look features up by name.
const (
	// ServiceCentreName is the one-stop service centre in 近园路阳光社区.
	ServiceCentreName = `近园路阳光社区"一站式"便民服务中心`
	// MarketName is the upgraded market.
	MarketName = "桥南冠京隆市场"
	// OldCompound is the 1978 compound without property management that
	// became a "无地锁小区".
	OldCompound = "北大地西区"
)

// GreeningNames are the seed's three pocket gardens (街心花园).
func GreeningNames() []string {
	return []string{"福顺里街心花园", "游泳场北路街心花园", "北大街街心花园"}
}

// SeedCommunities are the communities the seed names.
func SeedCommunities() []string {
	return []string{"新华街北里", "北大地西区", "正阳北里", "北大街北里", "丰益花园", "近园路阳光社区", "新华街二里"}
}

// patchNames are the five 片区, led by a 处级 片长 each.
var patchNames = [...]string{"第一片区", "第二片区", "第三片区", "第四片区", "第五片区"}

// communitySpec is one community of the 5×5 lattice: its cell (row 0 is the
// south row, col 0 the west column), patch, address stem, year built and
// whether it has property management (物业).
type communitySpec struct {
	name     string
	addr     string // stem of building addresses: addr + "4号楼"
	row, col int
	patch    int // index into patchNames
	built    int
	pm       bool
}

// communitySpecs lays out the 25 communities, patch by patch:
//
//	row 4 (north)  1 1 2 2 2
//	row 3          1 1 3 2 2
//	row 2          1 4 3 3 5
//	row 1          4 4 3 5 5
//	row 0 (south)  4 4 3 5 5
var communitySpecs = [...]communitySpec{
	{"丰台北路", "丰台北路", 4, 0, 0, 1992, true},
	{"怡锦园", "怡锦园", 4, 1, 0, 2004, true},
	{"新华街北里", "新华街北里", 3, 0, 0, 1980, true},
	{"新华街二里", "新华街二里", 3, 1, 0, 1965, false},
	{"新华街一里", "新华街一里", 2, 0, 0, 1970, true},

	{"北大街北里", "北大街北里", 4, 2, 1, 1982, false},
	{"正阳北里", "正阳北里", 4, 3, 1, 1996, true},
	{"丰益花园", "丰益花园", 4, 4, 1, 2003, true},
	{"北大地", "北大地", 3, 3, 1, 1990, true},
	{"近园路阳光社区", "近园路阳光家园", 3, 4, 1, 2008, true},

	{"北大地西区", "北大地西区", 3, 2, 2, 1978, false},
	{"前泥洼", "前泥洼", 2, 2, 2, 1985, false},
	{"永善", "永善", 2, 3, 2, 1994, true},
	{"游泳场北路", "游泳场北路", 1, 2, 2, 1988, true},
	{"东大街", "东大街", 0, 2, 2, 1986, true},

	{"新华街南里", "新华街南里", 2, 1, 3, 1983, true},
	{"西安街", "西安街", 1, 0, 3, 1975, false},
	{"东幸福街", "东幸福街", 1, 1, 3, 1991, true},
	{"东安街头条", "东安街头条", 0, 0, 3, 1958, false},
	{"建国街", "建国街", 0, 1, 3, 1987, true},

	{"光彩路", "光彩路", 2, 4, 4, 1999, true},
	{"福顺里", "福顺里", 1, 3, 4, 1984, true},
	{"桥南", "桥南", 1, 4, 4, 1993, true},
	{"丰管路", "丰管路", 0, 3, 4, 1997, true},
	{"丰泽园", "丰泽园", 0, 4, 4, 2006, true},
}

// The streets (街) run along the interior lines of the lattice.
var (
	// eastWestStreets follow the lattice lines j = 1..4, south to north.
	eastWestStreets = [...]string{"东安街", "游泳场北路", "永善路", "丰台北路"}
	// northSouthStreets follow the lattice lines i = 1..4, west to east.
	northSouthStreets = [...]string{"新华街", "北大街", "正阳大街", "近园路"}
)

// surnames are common Chinese family names.
var surnames = [...]string{
	"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
	"何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "程", "曹", "袁",
	"邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶",
	"阎", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜", "范", "方", "石", "姚", "谭",
	"廖", "邹", "熊", "金", "陆", "郝", "孔", "白", "崔", "康", "毛", "邱", "秦", "江", "史", "顾",
}

// staffGiven are the characters of staff given names (secretaries, chiefs,
// stewards). They are disjoint from callerGiven, so that no caller's name is
// ever equal to a name published on the map.
var staffGiven = [...]string{
	"建", "国", "立", "军", "红", "华", "平", "明", "志", "强", "新", "春", "海", "伟", "敏", "丽",
	"秀", "英", "玉", "兰", "文", "静", "涛", "东", "斌", "刚", "杰", "霞", "燕", "梅", "云", "峰",
	"亮", "勇", "磊", "超", "洁", "宁", "凤", "桂",
}

// callerGiven are the characters of callers' given names (personal data,
// stored apart from the map).
var callerGiven = [...]string{
	"子", "涵", "梓", "轩", "浩", "然", "欣", "怡", "思", "雨", "宇", "泽", "佳", "琪", "俊", "博",
	"晨", "阳", "诗", "语", "嘉", "睿", "翔", "瑶", "婷", "鑫", "璐", "萱", "航", "恒", "润", "瀚",
	"铭", "昊", "骁", "淇", "朗", "珂", "蕾", "悦",
}

var cnDigits = [...]string{"一", "二", "三", "四", "五", "六", "七", "八", "九"}

// staffName returns a synthetic name of two or three characters.
func staffName(r *rand.Rand) string {
	s := surnames[r.IntN(len(surnames))] + staffGiven[r.IntN(len(staffGiven))]
	if r.IntN(3) > 0 {
		s += staffGiven[r.IntN(len(staffGiven))]
	}
	return s
}

// uniqueStaffNames returns n distinct staff names, none in taken; it adds
// them to taken.
func uniqueStaffNames(r *rand.Rand, n int, taken map[string]bool) []string {
	out := make([]string, 0, n)
	for len(out) < n {
		s := staffName(r)
		if taken[s] {
			continue
		}
		taken[s] = true
		out = append(out, s)
	}
	return out
}

// callerName returns a synthetic caller's name of three characters.
func callerName(r *rand.Rand) string {
	return surnames[r.IntN(len(surnames))] + callerGiven[r.IntN(len(callerGiven))] + callerGiven[r.IntN(len(callerGiven))]
}
