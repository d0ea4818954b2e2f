package graph

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"entgo.io/contrib/entgql"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/graph/model"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/catalog"
)

// MaxDepth is how deeply an operation may nest fields.
const MaxDepth = 12

// MaxTokens bounds the size of an operation in GraphQL tokens, before it is validated.
// Validation compares same-named fields pairwise, so a body of repeated fields costs
// quadratic time: 5 000 copies of `plans{code}` (60 kB) take seconds, far more than the
// complexity limit (checked after validation) would suggest. The largest operation the app
// sends is under 100 tokens and the explorer's introspection query a few hundred.
const MaxTokens = 5000

// HandlerOptions configure the GraphQL endpoint.
type HandlerOptions struct {
	// Websocket accepts upgrades; it owns origin checks and read limits.
	Websocket       transport.WebsocketImplementation
	ComplexityLimit int
	// MaxUploadBytes bounds an uploaded file; 0 refuses every upload.
	MaxUploadBytes int64
	// Timeout bounds each query and mutation (not subscriptions or uploads); 0: no bound.
	Timeout time.Duration
	// Closing ends when the server shuts down; every websocket closes with it.
	Closing context.Context
}

// NewHandler builds the GraphQL endpoint: POST and GET (queries only) and multipart uploads
// over HTTP behind one guard, graphql-transport-ws over websockets, a parsed-query LRU,
// automatic persisted queries, a complexity limit, and the error presenter. It expects the
// viewer, if any, in the request's context (auth.Middleware).
func NewHandler(r *Resolver, o HandlerOptions) http.Handler {
	return guard(o.MaxUploadBytes, newServer(r, o, jsonPOST{}))
}

// newServer is the gqlgen server behind the guard, with the transport for JSON POST
// requests given.
func newServer(r *Resolver, o HandlerOptions, post graphql.Transport) *handler.Server {
	cfg := Config{Resolvers: r}
	setComplexity(&cfg.Complexity)
	srv := handler.New(NewExecutableSchema(cfg))

	srv.AddTransport(transport.Websocket{
		Implementation:        o.Websocket,
		InitFunc:              wsInit(r.Auth, o.Closing),
		CloseFunc:             wsClose,
		InitTimeout:           10 * time.Second,
		KeepAlivePingInterval: 15 * time.Second,
		PingPongInterval:      20 * time.Second,
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(post)
	srv.AddTransport(transport.MultipartForm{MaxUploadSize: o.MaxUploadBytes + multipartOverhead, MaxMemory: 32 << 20})

	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(MaxTokens)
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	srv.Use(extension.FixedComplexityLimit(o.ComplexityLimit))
	srv.Use(depthLimit{max: MaxDepth})
	srv.Use(plainText{})
	srv.Use(queriesOverGET{})

	if o.Timeout > 0 {
		srv.AroundOperations(operationTimeout(o.Timeout, r.Log))
	}
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		// One loader per operation batches the per-title lookups of everything it shows.
		// It keeps the operation's context (inside the deadline) for the titles it hands
		// out, whose per-viewer fields take none.
		return next(catalog.WithLoader(ctx, r.newLoader(ctx)))
	})
	srv.AroundOperations(keyScopes)
	srv.AroundFields(markInternal)
	srv.SetErrorPresenter(presentError(r.Log))
	srv.SetRecoverFunc(recoverPanic(r.Log))
	return srv
}

// operationTimeout runs each query and mutation under a deadline, so that no resolver runs
// unbounded: database calls made with its context are cancelled there. gqlgen answers an
// operation whose context ended before it ran with no response at all, which HTTP clients
// would read as a bare null; it gets a typed error instead. Subscriptions last as long as
// their socket, and uploads are bounded by size, so neither has a deadline.
func operationTimeout(d time.Duration, log *slog.Logger) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		oc := graphql.GetOperationContext(ctx)
		if oc.Operation == nil || oc.Operation.Operation == ast.Subscription || hasUpload(oc.Variables) {
			return next(ctx)
		}
		ctx, cancel := context.WithTimeout(ctx, d)
		h := next(ctx)
		// Transports call the handler until it returns nil (websockets) or once (HTTP, where
		// the request's end releases the timer).
		answered := false
		return func(ctx context.Context) *graphql.Response {
			res := h(ctx)
			timedOut := errors.Is(ctx.Err(), context.DeadlineExceeded)
			if timedOut && !answered {
				log.WarnContext(ctx, "graphql operation timed out", slog.String("operation", oc.OperationName), slog.Duration("limit", d))
			}
			if res != nil {
				answered = true
				return res
			}
			cancel()
			if answered || !timedOut {
				return nil
			}
			answered = true
			err := gqlerror.Errorf("The request took too long and was stopped. Please try again.")
			err.Extensions = map[string]any{"code": string(apperr.Internal)}
			return &graphql.Response{Errors: gqlerror.List{err}}
		}
	}
}

// hasUpload reports whether operation variables carry a file.
func hasUpload(v any) bool {
	switch v := v.(type) {
	case graphql.Upload, *graphql.Upload:
		return true
	case map[string]any:
		for _, x := range v {
			if hasUpload(x) {
				return true
			}
		}
	case []any:
		for _, x := range v {
			if hasUpload(x) {
				return true
			}
		}
	}
	return false
}

type wsReleaseKey struct{}

// wsInit authenticates a websocket from its connection_init payload
// ({"authorization": "Bearer …"}, a session token or an API key) or, failing that, from the
// upgrade request's cookie, and ties the connection to its login session or key so that
// logout or revocation closes it.
func wsInit(svc *auth.Service, closing context.Context) transport.WebsocketInitFunc {
	return func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		ctx, stop := context.WithCancel(ctx)
		stopOnClose := context.AfterFunc(closing, stop)
		done := func() { stopOnClose(); stop() }
		if h := p.Authorization(); h != "" {
			scheme, token, ok := strings.Cut(h, " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") {
				done()
				return rejectWS(ctx), nil, errors.New("UNAUTHENTICATED: authorization must be \"Bearer <token>\"")
			}
			v, err := svc.AuthenticateBearer(ctx, strings.TrimSpace(token))
			if err != nil {
				done()
				return rejectWS(ctx), nil, errors.New("UNAUTHENTICATED: the session token or API key is invalid or has expired")
			}
			if _, ok := svc.AllowKey(v); !ok {
				done()
				return rejectWS(ctx), nil, errors.New("RATE_LIMITED: this API key has made too many requests")
			}
			ctx = auth.WithViewer(ctx, v)
		}
		v := auth.FromContext(ctx)
		if v == nil {
			return context.WithValue(ctx, wsReleaseKey{}, done), nil, nil
		}
		// A socket authenticated by its upgrade's cookie is tracked only now: a logout in
		// between revoked nothing here, so Track looks again once it is tracked.
		ctx, release := svc.Track(ctx, v)
		if release == nil {
			done()
			return rejectWS(ctx), nil, errors.New("UNAUTHENTICATED: the session has ended")
		}
		// A socket must not outlive its session's absolute expiry either.
		ctx, cancel := context.WithDeadline(ctx, v.ExpiresAt)
		ctx = transport.AppendCloseReason(ctx, "session ended")
		return context.WithValue(ctx, wsReleaseKey{}, func() { cancel(); release(); done() }), nil, nil
	}
}

func rejectWS(ctx context.Context) context.Context {
	// 4403 is graphql-transport-ws's "Forbidden" close code for a refused connection_init.
	return transport.WithWebsocketCloseCode(transport.AppendCloseReason(ctx, "unauthenticated"), 4403)
}

func wsClose(ctx context.Context, _ int) {
	if release, ok := ctx.Value(wsReleaseKey{}).(func()); ok {
		release()
	}
}

// connectionCost prices a Relay connection as its page size times the cost of one node,
// so `first: 100` over a heavy node costs what it will actually fetch.
func connectionCost(child int, first, last *int) int {
	n := 10
	switch {
	case first != nil:
		n = *first
	case last != nil:
		n = *last
	}
	if n < 1 {
		n = 1
	}
	return 1 + n*child
}

// episodesPerSeason is the list size assumed when pricing a season's episodes.
const episodesPerSeason = 25

func setComplexity(c *ComplexityRoot) {
	c.Season.Episodes = func(child int) int { return 1 + episodesPerSeason*child }
	// A feed has at most 12 rows (6 fixed, 6 genres); each row's titles are a page.
	c.Feed.Rows = func(child int) int { return 1 + 12*child }
	c.Category.Titles = func(child int, first *int, _ *entgql.Cursor[int]) int {
		return connectionCost(child, orDefault(first, defaultPage), nil)
	}
	c.Query.Categories = func(child int, first *int, _ *entgql.Cursor[int]) int {
		return connectionCost(child, orDefault(first, 30), nil)
	}
	c.Query.Search = func(child int, _ string, first *int, _ *entgql.Cursor[int], _ *model.SearchFilter) int {
		return connectionCost(child, orDefault(first, defaultPage), nil)
	}
	c.Title.Similar = func(child int, first *int) int {
		return connectionCost(child, orDefault(first, defaultSimilar), nil)
	}
	c.Query.Titles = func(child int, first *int, _ *entgql.Cursor[int], _ *time.Time) int {
		return connectionCost(child, orDefault(first, defaultPage), nil)
	}
	c.Query.Users = func(child int, first *int, _ *entgql.Cursor[int], _ *string) int {
		return connectionCost(child, orDefault(first, defaultPage), nil)
	}
	c.Query.WebhookDeliveries = func(child int, _ int, first *int, _ *entgql.Cursor[int]) int {
		return connectionCost(child, orDefault(first, defaultPage), nil)
	}
	// Each id fetches a node and everything selected under it.
	c.Query.Nodes = func(child int, ids []int) int { return 1 + max(len(ids), 1)*child }
	c.User.Payments = func(child int, _ *entgql.Cursor[int], first *int, _ *entgql.Cursor[int], last *int, _ *ent.PaymentOrder) int {
		return connectionCost(child, first, last)
	}
}

func orDefault(n *int, def int) *int {
	if n == nil {
		return &def
	}
	return n
}
