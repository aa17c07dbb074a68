package layers

import "fmt"

// Role is what a caller may see. Roles are ordered: an admin is also staff,
// staff also see everything public.
type Role int

// The roles, least privileged first.
const (
	Public Role = iota
	Staff
	Admin
)

// String returns the role's name as used in tokens and JSON.
func (r Role) String() string {
	switch r {
	case Public:
		return "public"
	case Staff:
		return "staff"
	case Admin:
		return "admin"
	}
	return fmt.Sprintf("role(%d)", int(r))
}

// ParseRole parses "public", "staff" or "admin".
func ParseRole(s string) (Role, error) {
	switch s {
	case "public":
		return Public, nil
	case "staff":
		return Staff, nil
	case "admin":
		return Admin, nil
	}
	return Public, fmt.Errorf("layers: unknown role %q (want public, staff or admin)", s)
}

// Can reports whether a caller with role r may see something that needs need.
func (r Role) Can(need Role) bool { return r >= need }
