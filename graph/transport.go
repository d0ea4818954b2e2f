package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/marquee-org/marquee/internal/apperr"
)

// MaxBodyBytes bounds every GraphQL request body except multipart uploads.
const MaxBodyBytes = 1 << 20

// jsonPOST serves GraphQL over POST with a JSON body. It is the one place a JSON body is
// read: it enforces the size limit, decodes strictly (one object, no unknown fields, a query
// or a persisted query's hash) and answers what it refuses with a typed error, before any
// GraphQL work. What it accepts it answers as gqlgen's transport.POST would (the same content
// negotiation, status codes and error messages), except for how it writes the response.
// gqlgen's hands the whole response to encoding/json, which scans and copies the
// already-encoded data once more to validate it; on a home feed that was a tenth of the
// GraphQL layer's CPU. jsonPOST writes the data as the executor encoded it. The one visible
// difference: encoding/json also escaped <, > and & inside the data as \u003c, \u003e and
// \u0026, which JSON does not require, and jsonPOST leaves them as they are.
type jsonPOST struct{}

// Supports takes the requests transport.POST takes: POST with a JSON body, no upgrade.
func (jsonPOST) Supports(r *http.Request) bool { return transport.POST{}.Supports(r) }

const (
	contentJSON        = "application/json"
	contentGraphQLJSON = "application/graphql-response+json"
)

func (jsonPOST) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	start := graphql.Now()
	params, e, status := readParams(w, r)
	if e != nil {
		apperr.WriteHTTP(w, status, e)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	contentType := responseContentType(r)
	w.Header().Add("Content-Type", contentType)
	oc, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		w.WriteHeader(errorStatus(contentType, errs))
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, oc), errs))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, oc)
	writeResponse(w, responses(ctx))
}

// readParams reads and decodes a JSON request body, refusing with the status to answer
// anything but one object of query, operationName, variables and extensions within the limit.
func readParams(w http.ResponseWriter, r *http.Request) (*graphql.RawParams, *apperr.Error, int) {
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
	dec.UseNumber()
	var p graphql.RawParams
	if err := dec.Decode(&p); err != nil {
		return nil, jsonError(err), http.StatusBadRequest
	}
	if dec.More() {
		return nil, apperr.New(apperr.BadUserInput, "The request body must hold exactly one JSON object."), http.StatusBadRequest
	}
	if strings.TrimSpace(p.Query) == "" && p.Extensions["persistedQuery"] == nil {
		return nil, apperr.Input("query", "The request has no query."), http.StatusBadRequest
	}
	return &p, nil, 0
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

// responseContentType picks the response's media type from the Accept header as
// transport.POST does: application/json unless only application/graphql-response+json (or
// nothing JSON at all) is accepted.
func responseContentType(r *http.Request) string {
	accept := r.Header.Get("Accept")
	if accept == "" {
		return contentJSON
	}
	for part := range strings.SplitSeq(accept, ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mediaType {
		case "*/*", "application/*", contentJSON:
			return contentJSON
		case contentGraphQLJSON:
			return contentGraphQLJSON
		}
	}
	return contentGraphQLJSON
}

// errorStatus is the status of a request that failed before it ran: 422 (or 400 under the
// GraphQL-over-HTTP media type) for a request gqlgen could not parse or validate.
func errorStatus(contentType string, errs gqlerror.List) int {
	if errcode.GetErrorKind(errs) != errcode.KindProtocol {
		return http.StatusOK
	}
	if contentType == contentGraphQLJSON {
		return http.StatusBadRequest
	}
	return http.StatusUnprocessableEntity
}

// writeResponse writes a graphql.Response as encoding/json would lay it out (the same fields,
// in the same order, the same ones left out when empty), with the data written as it is.
func writeResponse(w io.Writer, resp *graphql.Response) {
	sep := "{"
	part := func(name string, raw []byte) {
		_, _ = io.WriteString(w, sep+`"`+name+`":`)
		_, _ = w.Write(raw)
		sep = ","
	}
	if len(resp.Errors) > 0 {
		part("errors", encode(resp.Errors))
	}
	if len(resp.Data) == 0 {
		part("data", []byte("null"))
	} else {
		part("data", resp.Data)
	}
	if resp.Label != "" {
		part("label", encode(resp.Label))
	}
	if len(resp.Path) > 0 {
		part("path", encode(resp.Path))
	}
	if resp.HasNext != nil {
		part("hasNext", encode(*resp.HasNext))
	}
	if len(resp.Extensions) > 0 {
		part("extensions", encode(resp.Extensions))
	}
	_, _ = io.WriteString(w, "}")
}

// encode encodes one of the response's small parts. They are gqlgen's own types and maps
// built by our extensions, so encoding cannot fail; were it to, the part is null.
func encode(v any) []byte {
	out, err := json.Marshal(v)
	if err != nil {
		return []byte("null")
	}
	return out
}
