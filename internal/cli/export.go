package cli

import (
	"context"
	"errors"
)

func runExport(ctx context.Context, env Env, args []string) error {
	return errors.New("export is not available yet")
}
