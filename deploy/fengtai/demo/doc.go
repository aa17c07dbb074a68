// Package demo generates the deterministic demo data of 丰台街道 (Fengtai
// Subdistrict, Beijing): every layer of the [fengtai.Catalog] catalog, built so
// that each figure of the seed article holds exactly.
//
// The seed's figures reproduced are: 25 communities in 5 patches, each patch
// led by a 片长; the 街巷长制 streets and lanes with 2800+ patrols, 600+
// problems found and solved and 7 upgraded back lanes; the 疏整促 record since
// 2018 (58 illegal structures totalling 18502 m², 12 street-vending hotspots,
// 73 "开墙打洞", 1 civil-defence basement, 4 ordinary basements, 82 group
// rentals, 18 unlicensed tutoring sites); the three pocket gardens of 福顺里,
// 游泳场北路 and 北大街; the one-stop service centre of 近园路阳光社区 and the
// upgraded 桥南冠京隆市场; and the 239 targets of 定向精准帮扶. Incidents (诉求)
// are synthetic: clustered around old compounds without property management,
// the market and construction sites, seasonal (heating in winter, leaks and
// drains in the rain season), and handled within Beijing's dispatch limits in
// most cases.
//
// The geometry is synthetic but placed where 丰台街道 is: a 5×5 lattice of
// communities over lon 116.270–116.305, lat 39.845–39.870 whose interior
// vertices are jittered and shared, so neighbouring communities share edges
// exactly and the communities tile the street's area with no gap or overlap.
//
// A [Generator] streams each layer as a [layers.FeatureReader]; the same
// [Options] give byte-identical data, and every layer but incidents is
// independent of the number of incidents. [Load] writes all layers into a
// [layers.Source]; [Check] reads them back and lists every seed figure that
// does not hold.
package demo
