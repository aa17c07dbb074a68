#!/usr/bin/env bash
# bench/gen-orders.sh N: N synthetic 12345 work orders of March 2026 over
# 丰台街道 as a UTF-8 CSV with Chinese headers (工单编号, 受理时间, 来电人,
# 联系电话, 经度, 纬度, …) on stdout, the same rows for the same N (fixed
# seed). Used by bench/import.sh and bench/intake-during-import.sh.
set -euo pipefail
awk -v n="$1" 'BEGIN {
  srand(20260305)
  split("水管漏水,停电,雨箅子破损,地面塌陷,污水井冒污水,燃气异味,施工噪音,装修扰民,违建,停水,暖气不热,乱停车,垃圾清运,占道经营", cat, ",")
  split("12345热线,12345,街道热线,网格员,微信", src, ",")
  split("张,王,李,赵,刘,陈,杨,黄", fam, ",")
  print "工单编号,受理时间,来电人,联系电话,诉求来源,问题分类,诉求内容,地址,经度,纬度,承办单位,办结时间,是否解决,是否满意"
  for (i = 1; i <= n; i++) {
    d = 1 + int(rand() * 28); h = int(rand() * 24); m = int(rand() * 60)
    c = cat[1 + int(rand() * 14)]
    lon = 116.270 + rand() * 0.035; lat = 39.845 + rand() * 0.025
    done = rand() < 0.7
    fin = done ? sprintf("2026/3/%d %d:%02d", d + 1 > 28 ? 28 : d + 1, h, m) : ""
    ok = done ? (rand() < 0.9 ? "是" : "否") : ""
    sat = done ? (rand() < 0.8 ? "满意" : "不满意") : ""
    printf "GD2026%08d,2026/3/%d %d:%02d,%s先生,138%08d,%s,%s,居民反映%s，请尽快处理,丰台街道%d号楼,%.6f,%.6f,街道城管科,%s,%s,%s\n",
      i, d, h, m, fam[1 + int(rand() * 8)], int(rand() * 1e8), src[1 + int(rand() * 5)], c, c, int(rand() * 200), lon, lat, fin, ok, sat
  }
}'
