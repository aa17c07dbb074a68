// Command minqing is the 民情图 map server of 丰台街道: tiles, GeoJSON,
// OGC API – Features, exports, hotspots and a web map over PostGIS or an
// embedded GeoPackage. Run "minqing help" for its commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"minqing/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}
