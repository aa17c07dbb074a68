// Package cli is the minqing command line: it parses flags and environment
// into option structs, builds the store and the server, and runs them. The
// main package only calls Run.
package cli
