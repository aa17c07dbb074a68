package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"minqing/deploy/fengtai"
	"minqing/internal/auth"
	"minqing/layers"
)

func runToken(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "list" && args[0] != "revoke") {
		return usageError{"use 'minqing token add --role staff --name NAME', 'minqing token list' or 'minqing token revoke --id N'"}
	}
	sub := args[0]
	var sf storeFlags
	var role, name string
	var id int64
	fs := newFlags("token "+sub, env)
	sf.register(fs, env)
	if sub == "add" {
		fs.StringVar(&role, "role", "staff", "staff or admin")
		fs.StringVar(&name, "name", "", "who or what the token is for (required)")
	}
	if sub == "revoke" {
		fs.Int64Var(&id, "id", 0, "the token's id, as 'minqing token list' shows it (required)")
	}
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	cat := fengtai.Catalog()
	src, _, err := openStore(ctx, sf, cat)
	if err != nil {
		return err
	}
	defer src.Close()
	if sub == "revoke" {
		if id <= 0 {
			return usageError{"--id is required: see 'minqing token list'"}
		}
		if err := src.RevokeToken(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "token %d revoked\n", id)
		return nil
	}
	if sub == "list" {
		toks, err := src.Tokens(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 2, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tROLE\tCREATED")
		for _, t := range toks {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, t.CreatedAt.In(layers.Shanghai).Format("2006-01-02 15:04"))
		}
		return tw.Flush()
	}
	r, err := layers.ParseRole(role)
	if err != nil || r == layers.Public {
		return usageError{fmt.Sprintf("--role %q: use staff or admin", role)}
	}
	secret, err := auth.Add(ctx, src, name, r)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, secret)
	fmt.Fprintf(env.Stderr, "token for %q (%s) created; it is shown only this once — keep it safe\n", name, r)
	return nil
}
