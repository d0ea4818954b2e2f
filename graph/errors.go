package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/marquee-org/marquee/internal/apperr"
)

// internalError marks a failure of ours: a resolver error that is not an apperr.Error, or
// a panic. Its text is logged, never shown.
type internalError struct{ err error }

func (e *internalError) Error() string { return e.err.Error() }
func (e *internalError) Unwrap() error { return e.err }

// markInternal wraps every resolver error that is not a domain error, so that the
// presenter can tell our faults from the client's.
func markInternal(ctx context.Context, next graphql.Resolver) (any, error) {
	res, err := next(ctx)
	if err != nil {
		if _, ok := apperr.As(err); !ok {
			var ie *internalError
			if !errors.As(err, &ie) {
				err = &internalError{err: err}
			}
		}
	}
	return res, err
}

// presentError maps every error to a contract code. Domain errors keep their message;
// resolver faults are logged and shown as INTERNAL, so no SQL, driver text or stack trace
// reaches a client; what remains was raised by the GraphQL layer about the request itself
// (parse, validation, argument coercion) and is shown as BAD_USER_INPUT.
func presentError(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		out := graphql.DefaultErrorPresenter(ctx, err)
		if ae, ok := apperr.As(err); ok {
			out.Message = ae.Message
			out.Extensions = extensions(ae)
			out.Err = nil
			return out
		}
		var ie *internalError
		if errors.As(err, &ie) {
			log.ErrorContext(ctx, "graphql resolver failed", slog.Any("err", ie.err), slog.String("path", out.Path.String()))
			out.Message = "Something went wrong on our side. Please try again."
			out.Extensions = map[string]any{"code": string(apperr.Internal)}
			out.Err = nil
			return out
		}
		{
			code, _ := out.Extensions["code"].(string)
			ext := map[string]any{"code": string(apperr.BadUserInput)}
			switch code {
			case string(apperr.ComplexityLimitExceeded), string(apperr.NotFound):
				ext["code"] = code
			case string(apperr.BadUserInput):
				if f, ok := out.Extensions["field"]; ok {
					ext["field"] = f
				}
			case "":
			default:
				// Keep gqlgen's finer code (e.g. PERSISTED_QUERY_NOT_FOUND) for clients that read it.
				ext["reason"] = code
			}
			if out.Err != nil {
				// An argument that failed to decode (a garbled id or cursor): the decoder's
				// words (strconv, base64, msgpack) are no message for a client.
				arg := lastKey(out.Path)
				out.Message = fmt.Sprintf("The value of %q is not valid here: send an id or cursor this API returned.", arg)
				ext["field"] = arg
			}
			out.Extensions = ext
			out.Err = nil
			return out
		}
	}
}

// extensions are the public extensions of a domain error: its code, the offending field
// and any extra ones.
func extensions(ae *apperr.Error) map[string]any {
	ext := map[string]any{"code": string(ae.Code)}
	if ae.Field != "" {
		ext["field"] = ae.Field
	}
	for k, v := range ae.Extra {
		ext[k] = v
	}
	return ext
}

// recoverPanic turns a resolver panic into an INTERNAL error and logs it with its value.
func recoverPanic(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "graphql resolver panicked", slog.String("panic", fmt.Sprint(p)))
		return &internalError{err: fmt.Errorf("panic: %v", p)}
	}
}

// lastKey is the name at the end of path: the argument an error is about.
func lastKey(path ast.Path) string {
	for i := len(path) - 1; i >= 0; i-- {
		if name, ok := path[i].(ast.PathName); ok {
			return string(name)
		}
	}
	return ""
}
