package graph

import (
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/auth"
)

// PreflightHeader must accompany multipart uploads authenticated by cookie: a custom
// header forces a CORS preflight, which a cross-site form post cannot pass.
const PreflightHeader = "GraphQL-Require-Preflight"

// multipartOverhead is room for the operations and map parts around an uploaded file.
const multipartOverhead = 1 << 20

// guard refuses, with a typed error and before any work, what the transports would otherwise
// answer with untyped text or should not answer at all: methods other than GET, POST and
// OPTIONS; mutations over GET; bodies that are neither JSON nor an upload; non-JSON posts
// riding on a cookie (cross-site request forgery); and uploads by anyone but an
// administrator, or declared larger than the limit, before their body is read: nobody else
// may make the server spool gigabytes to disk. JSON bodies are checked by jsonPOST, which
// reads them.
func guard(maxUpload int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			if websocketUpgrade(r) {
				break
			}
			if e, status := checkGET(r); e != nil {
				if status == http.StatusMethodNotAllowed {
					w.Header().Set("Allow", "POST")
				}
				apperr.WriteHTTP(w, status, e)
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), getKey{}, true))
		case http.MethodPost:
			mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
			cookieAuth := auth.HasCookie(r) && r.Header.Get("Authorization") == ""
			switch {
			case mt == contentJSON:
			case mt == "multipart/form-data" && (!cookieAuth || r.Header.Get(PreflightHeader) != ""):
				if e, status := checkUpload(r, maxUpload); e != nil {
					apperr.WriteHTTP(w, status, e)
					return
				}
			case cookieAuth:
				apperr.WriteHTTP(w, http.StatusForbidden, apperr.New(apperr.Forbidden,
					"Requests authenticated by cookie must send Content-Type: application/json (uploads: multipart with the %s header).", PreflightHeader))
				return
			default:
				apperr.WriteHTTP(w, http.StatusUnsupportedMediaType, apperr.New(apperr.BadUserInput,
					"Content-Type must be application/json (or multipart/form-data for uploads)."))
				return
			}
		case http.MethodOptions:
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			apperr.WriteHTTP(w, http.StatusMethodNotAllowed, apperr.New(apperr.BadUserInput, "Use POST (or GET for queries)."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func websocketUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// checkUpload lets only administrators upload, and only what the limit allows (the multipart
// transport also stops a body that runs past its declared length).
func checkUpload(r *http.Request, maxUpload int64) (*apperr.Error, int) {
	v := auth.FromContext(r.Context())
	switch {
	case v == nil:
		return apperr.New(apperr.Unauthenticated, "Log in as an administrator to upload."), http.StatusUnauthorized
	case !v.IsAdmin():
		return apperr.New(apperr.Forbidden, "Only administrators may upload videos."), http.StatusForbidden
	case r.ContentLength > maxUpload+multipartOverhead:
		return apperr.Input("file", "The file is larger than the %d MiB limit.", maxUpload>>20), http.StatusRequestEntityTooLarge
	}
	return nil, 0
}

// checkGET allows only queries over GET: a GET must never change anything.
func checkGET(r *http.Request) (*apperr.Error, int) {
	q := r.URL.Query()
	for _, name := range []string{"variables", "extensions"} {
		if v := q.Get(name); v != "" {
			var m map[string]any
			if err := json.Unmarshal([]byte(v), &m); err != nil {
				return apperr.Input(name, "%s must be a JSON object.", name), http.StatusBadRequest
			}
		}
	}
	query := q.Get("query")
	if query == "" {
		return nil, 0
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		// Let the executor report the syntax error with its location.
		return nil, 0
	}
	op := doc.Operations.ForName(q.Get("operationName"))
	if op == nil && len(doc.Operations) == 1 {
		op = doc.Operations[0]
	}
	if op != nil && op.Operation != ast.Query {
		return apperr.New(apperr.BadUserInput, "GET requests may only run queries; send %ss with POST.", op.Operation), http.StatusMethodNotAllowed
	}
	return nil, 0
}

// getKey marks a GET request's context.
type getKey struct{}

// queriesOverGET refuses mutations (and subscriptions) sent with GET, typed like every other
// error. checkGET refuses those it can read in the URL; this catches the ones it cannot,
// named by a persisted query's hash alone.
type queriesOverGET struct{}

var (
	_ graphql.HandlerExtension        = queriesOverGET{}
	_ graphql.OperationContextMutator = queriesOverGET{}
)

func (queriesOverGET) ExtensionName() string                   { return "QueriesOverGET" }
func (queriesOverGET) Validate(graphql.ExecutableSchema) error { return nil }
func (queriesOverGET) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if get, _ := ctx.Value(getKey{}).(bool); !get || oc.Operation == nil || oc.Operation.Operation == ast.Query {
		return nil
	}
	err := gqlerror.Errorf("GET requests may only run queries; send %ss with POST.", oc.Operation.Operation)
	err.Extensions = map[string]any{"code": string(apperr.BadUserInput)}
	return err
}
