package cli

import (
	"context"
	"errors"
)

func runCopy(ctx context.Context, env Env, args []string) error {
	return errors.New("copy is not available yet")
}
