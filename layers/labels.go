package layers

// ValueLabel returns the display name in lang ("zh" or "en") of a stored
// machine value of a vocabulary field (incident status: closed → 已关闭), as
// the web map shows it, and whether the field has such names. Values that
// are already Chinese words (categories, kinds, sources) have none and are
// written as stored.
func ValueLabel(field, value, lang string) (string, bool) {
	if field != "status" {
		return "", false
	}
	var zh, en string
	switch value {
	case "received":
		zh, en = "已受理", "Received"
	case "dispatched":
		zh, en = "已派单", "Dispatched"
	case "in_progress":
		zh, en = "办理中", "In progress"
	case "resolved":
		zh, en = "已办结", "Resolved"
	case "closed":
		zh, en = "已关闭", "Closed"
	default:
		return "", false
	}
	if lang == "en" {
		return en, true
	}
	return zh, true
}

// BoolLabel is a yes/no value in lang: 是/否, or yes/no.
func BoolLabel(v bool, lang string) string {
	switch {
	case lang == "en" && v:
		return "yes"
	case lang == "en":
		return "no"
	case v:
		return "是"
	}
	return "否"
}
