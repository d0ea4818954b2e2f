package graph

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/app"
	"github.com/marquee-org/marquee/internal/store/storetest"
)

// TestJSONPOSTAnswersAsGqlgenDoes sends the same requests to the endpoint with jsonPOST and
// with gqlgen's transport.POST in its place, over one database, and requires the same status,
// content type and JSON (compared as values: jsonPOST does not escape <, > and &). Bodies
// jsonPOST refuses before GraphQL runs are typed its own way (TestRefusedBodiesAreTyped).
func TestJSONPOSTAnswersAsGqlgenDoes(t *testing.T) {
	s := storetest.SQLite(t)
	r := &Resolver{Services: app.OverStore(s, slog.New(slog.NewTextHandler(io.Discard, nil)))}
	o := HandlerOptions{ComplexityLimit: 1000}
	ours, theirs := newServer(r, o, jsonPOST{}), newServer(r, o, transport.POST{})

	cases := []struct{ name, accept, body string }{
		{"data", "", `{"query":"{ plans { code name maxStreams } }"}`},
		{"variables and an operation name", "application/json",
			`{"query":"query Q($id: ID!) { title(id: $id) { id name } }","operationName":"Q","variables":{"id":"424242"}}`},
		{"a resolver's error beside data", "", `{"query":"mutation { signup(input: {email: \"nope\", password: \"x\", name: \"\", country: \"ZZ\"}) { token } }"}`},
		{"a parse error", "", `{"query":"{ plans { "}`},
		{"a validation error", "", `{"query":"{ plans { nope } }"}`},
		{"a validation error, GraphQL media type", "application/graphql-response+json", `{"query":"{ nope }"}`},
		{"any media type", "*/*", `{"query":"{ plans { code } }"}`},
		{"nothing JSON accepted", "text/html", `{"query":"{ plans { code } }"}`},
		{"a missing variable", "", `{"query":"query Q($id: ID!) { title(id: $id) { id } }"}`},
		{"an unknown persisted query", "", `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"00ff"}}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			send := func(h http.Handler) *httptest.ResponseRecorder {
				req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(c.body))
				req.Header.Set("Content-Type", "application/json")
				if c.accept != "" {
					req.Header.Set("Accept", c.accept)
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				return w
			}
			want, got := send(theirs), send(ours)
			require.Equal(t, want.Code, got.Code)
			require.Equal(t, want.Header().Values("Content-Type"), got.Header().Values("Content-Type"))
			var wantBody, gotBody any
			require.NoError(t, json.Unmarshal(want.Body.Bytes(), &wantBody), want.Body.String())
			require.NoError(t, json.Unmarshal(got.Body.Bytes(), &gotBody), got.Body.String())
			require.Equal(t, wantBody, gotBody)
		})
	}
}

func TestWriteResponseKeepsDataAsEncoded(t *testing.T) {
	var b strings.Builder
	no := false
	writeResponse(&b, &graphql.Response{Data: json.RawMessage(`{"name":"Fast & <Furious>"}`), HasNext: &no})
	require.Equal(t, `{"data":{"name":"Fast & <Furious>"},"hasNext":false}`, b.String())
}

// TestRefusedBodiesAreTyped: a JSON body that is not exactly one request object within the
// size limit is answered with a typed error and a status, and never reaches the executor
// (a resolver error would carry data).
func TestRefusedBodiesAreTyped(t *testing.T) {
	s := storetest.SQLite(t)
	r := &Resolver{Services: app.OverStore(s, slog.New(slog.NewTextHandler(io.Discard, nil)))}
	h := NewHandler(r, HandlerOptions{ComplexityLimit: 1000})
	cases := []struct {
		name, body   string
		status       int
		field, about string
	}{
		{"not JSON", `{"query": `, http.StatusBadRequest, "", "cut short"},
		{"a syntax error", `{"query" "x"}`, http.StatusBadRequest, "", "not valid JSON"},
		{"not an object", `["{ plans { code } }"]`, http.StatusBadRequest, "", "must be a JSON object"},
		{"two objects", `{"query":"{ plans { code } }"}{"query":"{ plans { code } }"}`, http.StatusBadRequest, "", "exactly one"},
		{"an unknown field", `{"query":"{ plans { code } }","headers":{}}`, http.StatusBadRequest, "headers", "Unknown field"},
		{"variables of the wrong type", `{"query":"{ plans { code } }","variables":[1]}`, http.StatusBadRequest, "variables", "wrong type"},
		{"no query", `{"operationName":"Q"}`, http.StatusBadRequest, "query", "no query"},
		{"too large", `{"query":"{ plans { code } }","variables":{"pad":"` + strings.Repeat("a", MaxBodyBytes) + `"}}`, http.StatusRequestEntityTooLarge, "", "larger than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(c.body))
			req.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			require.Equal(t, c.status, w.Code, w.Body.String())
			var got struct {
				Data   json.RawMessage `json:"data"`
				Errors []struct {
					Message    string         `json:"message"`
					Extensions map[string]any `json:"extensions"`
				} `json:"errors"`
			}
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &got), w.Body.String())
			require.Nil(t, got.Data, "refused before execution")
			require.Len(t, got.Errors, 1)
			require.Equal(t, "BAD_USER_INPUT", got.Errors[0].Extensions["code"])
			require.Contains(t, got.Errors[0].Message, c.about)
			if c.field != "" {
				require.Equal(t, c.field, got.Errors[0].Extensions["field"])
			} else {
				require.NotContains(t, got.Errors[0].Extensions, "field")
			}
		})
	}
}
