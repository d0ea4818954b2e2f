package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/marquee-org/marquee/ent/schema/plancode"
	"github.com/marquee-org/marquee/internal/app"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/billing"
	"github.com/marquee-org/marquee/internal/pubsub"
)

func userCmd(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(env.Stderr, "usage: marquee user create --email E --password P [--name N] [--admin] [--plan basic|standard|premium] [--country CC]")
		return errUsage
	}
	var email, password, name, planName, country string
	var admin bool
	c, err := parse("user create", args[1:], env, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "email address (required)")
		fs.StringVar(&password, "password", "", "password, 8 to 128 characters (required)")
		fs.StringVar(&name, "name", "", "display name (default: the email's local part)")
		fs.BoolVar(&admin, "admin", false, "grant administrator rights")
		fs.StringVar(&planName, "plan", "", "grant a membership without payment: basic, standard or premium")
		fs.StringVar(&country, "country", "US", "ISO country code")
	})
	if err != nil {
		return err
	}
	code := plancode.Code(strings.ToUpper(planName))
	if planName != "" && !code.Valid() {
		fmt.Fprintf(env.Stderr, "marquee user create: --plan: %q is not basic, standard or premium\n", planName)
		return errUsage
	}
	if name == "" {
		name, _, _ = strings.Cut(strings.TrimSpace(email), "@")
	}
	log := c.Logger(env.Stderr)
	st, err := app.OpenStore(ctx, c, log)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := auth.NewService(st.Client, pubsub.NewLocal(), log, auth.Options{})
	u, err := svc.CreateUser(ctx, auth.NewUser{
		SignupInput: auth.SignupInput{Email: email, Password: password, Name: name, Country: country},
		Admin:       admin,
	})
	if ae, ok := apperr.As(err); ok && ae.Field != "" {
		return fmt.Errorf("--%s: %s", ae.Field, ae.Message)
	}
	if err != nil {
		return userError(err)
	}
	if planName != "" {
		if _, err := billing.Grant(ctx, st.Client, u.ID, code, time.Now()); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stdout, "user=%d\n", u.ID)
	return nil
}
