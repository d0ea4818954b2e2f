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
	switch {
	case len(args) > 0 && args[0] == "create":
		return userCreate(ctx, env, args)
	case len(args) > 0 && args[0] == "reset-password":
		return userResetPassword(ctx, env, args)
	}
	fmt.Fprintln(env.Stderr, "usage: marquee user create --email E --password P [--name N] [--admin] [--plan basic|standard|premium] [--country CC]")
	fmt.Fprintln(env.Stderr, "       marquee user reset-password --email E   (prints a one-time link to choose a new password)")
	return errUsage
}

// userResetPassword prints a reset link for an account, good once for 30 minutes, for an
// operator to hand over when mail does not reach the person. Links start with --public-url.
func userResetPassword(ctx context.Context, env Env, args []string) error {
	var email string
	c, err := parse("user reset-password", args[1:], env, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "the account's email (required)")
	})
	if err != nil {
		return err
	}
	log := c.Logger(env.Stderr)
	st, err := app.OpenStore(ctx, c, log)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := auth.NewService(st.Client, pubsub.NewLocal(), log, auth.Options{PublicURL: c.BaseURL()})
	link, err := svc.ResetLink(ctx, email)
	if ae, ok := apperr.As(err); ok {
		return fmt.Errorf("--email: %s", ae.Message)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, link)
	return nil
}

func userCreate(ctx context.Context, env Env, args []string) error {
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
		// The operator vouches for the address.
		Verified: true,
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
