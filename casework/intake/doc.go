// Package intake holds the rules of 接诉即办 intake: the routing table (which
// unit at which of the four levels a category goes to by default) and the
// deadline rules (how long a unit has to contact the caller and to resolve
// the problem), loaded from a JSON file (--routing) or the built-in
// defaults after DB11/T 2021—2022.
package intake
