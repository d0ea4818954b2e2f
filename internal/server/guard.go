package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/marquee-org/marquee/graph"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/auth"
)

// MaxBodyBytes bounds every GraphQL request body except multipart uploads.
const MaxBodyBytes = 1 << 20

// PreflightHeader must accompany multipart uploads authenticated by cookie: a custom
// header forces a CORS preflight, which a cross-site form post cannot pass.
const PreflightHeader = "GraphQL-Require-Preflight"

// gqlBody is the only shape accepted for a JSON GraphQL request.
type gqlBody struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
	Extensions    map[string]any `json:"extensions"`
}

// guardGraphQL rejects, with a typed error and before any work, what the GraphQL
// transports would otherwise answer with untyped text: bodies that are too large, not
// JSON, or carry unknown fields; mutations over GET; and non-JSON posts riding on a cookie
// (cross-site request forgery).
func guardGraphQL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			if websocketUpgrade(r) {
				next.ServeHTTP(w, r)
				return
			}
			if e, status := checkGET(r); e != nil {
				if status == http.StatusMethodNotAllowed {
					w.Header().Set("Allow", "POST")
				}
				apperr.WriteHTTP(w, status, e)
				return
			}
			r = r.WithContext(graph.OverGET(r.Context()))
		case http.MethodPost:
			mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
			cookieAuth := auth.HasCookie(r) && r.Header.Get("Authorization") == ""
			switch {
			case mt == "application/json":
				body, e, status := readJSONBody(w, r)
				if e != nil {
					apperr.WriteHTTP(w, status, e)
					return
				}
				r.Body = io.NopCloser(bytes.NewReader(body))
				r.ContentLength = int64(len(body))
			case mt == "multipart/form-data" && (!cookieAuth || r.Header.Get(PreflightHeader) != ""):
				// Uploads: the multipart transport enforces the upload size limit.
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

func readJSONBody(w http.ResponseWriter, r *http.Request) ([]byte, *apperr.Error, int) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, apperr.New(apperr.BadUserInput, "The request body is larger than %d bytes.", MaxBodyBytes), http.StatusRequestEntityTooLarge
	}
	if err != nil {
		return nil, apperr.New(apperr.BadUserInput, "The request body could not be read."), http.StatusBadRequest
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var b gqlBody
	if err := dec.Decode(&b); err != nil {
		return nil, jsonError(err), http.StatusBadRequest
	}
	if dec.More() {
		return nil, apperr.New(apperr.BadUserInput, "The request body must hold exactly one JSON object."), http.StatusBadRequest
	}
	if strings.TrimSpace(b.Query) == "" && b.Extensions["persistedQuery"] == nil {
		return nil, apperr.Input("query", "The request has no query."), http.StatusBadRequest
	}
	return body, nil, 0
}

// jsonError describes a decoding failure in terms of the request, never of Go types.
func jsonError(err error) *apperr.Error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return apperr.New(apperr.BadUserInput, "The request body is not valid JSON (error at byte %d).", syn.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return apperr.New(apperr.BadUserInput, "The request body must be a JSON object with query, operationName, variables and extensions.")
		}
		return apperr.Input(field, "%q has the wrong type.", field)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return apperr.Input(name, "Unknown field %q in the request body; expected query, operationName, variables, extensions.", name)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.New(apperr.BadUserInput, "The request body is empty or cut short.")
	default:
		return apperr.New(apperr.BadUserInput, "The request body is not valid JSON.")
	}
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

// multipartOverhead is room for the operations and map parts around an uploaded file.
const multipartOverhead = 1 << 20

// uploadsByAdmins refuses multipart requests (uploads) from anyone but administrators,
// and uploads declared larger than the limit, before the body is read: nobody else may
// make the server spool gigabytes to disk.
func uploadsByAdmins(maxUpload int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
				v := auth.FromContext(r.Context())
				if v == nil {
					apperr.WriteHTTP(w, http.StatusUnauthorized, apperr.New(apperr.Unauthenticated, "Log in as an administrator to upload."))
					return
				}
				if !v.IsAdmin() {
					apperr.WriteHTTP(w, http.StatusForbidden, apperr.New(apperr.Forbidden, "Only administrators may upload videos."))
					return
				}
				if r.ContentLength > maxUpload+multipartOverhead {
					apperr.WriteHTTP(w, http.StatusRequestEntityTooLarge, apperr.Input("file", "The file is larger than the %d MiB limit.", maxUpload>>20))
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}
