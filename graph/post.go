package graph

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// jsonPOST serves GraphQL over POST with a JSON body, the way gqlgen's transport.POST does
// (the same content negotiation, status codes and error messages), except for how it writes
// the response. gqlgen's hands the whole response to encoding/json, which scans and copies the
// already-encoded data once more to validate it; on a home feed that was a tenth of the
// GraphQL layer's CPU. jsonPOST writes the data as the executor encoded it. The one visible
// difference: encoding/json also escaped <, > and & inside the data as \u003c, \u003e and
// \u0026, which JSON does not require, and jsonPOST leaves them as they are.
type jsonPOST struct{}

// Supports takes the requests transport.POST takes: POST with a JSON body, no upgrade.
func (jsonPOST) Supports(r *http.Request) bool { return transport.POST{}.Supports(r) }

const (
	contentJSON         = "application/json"
	contentGraphQLJSON  = "application/graphql-response+json"
	errUnreadableBody   = "could not read request body: %+v"
	errUndecodableBody  = "json request body could not be decoded: %+v body:%s"
	maxEchoedBodyLength = 1 << 10
)

func (jsonPOST) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	contentType := responseContentType(r)
	w.Header().Add("Content-Type", contentType)
	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf(errUnreadableBody, err)}))
		return
	}
	var params graphql.RawParams
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		if len(body) > maxEchoedBodyLength {
			body = body[:maxEchoedBodyLength]
		}
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf(errUndecodableBody, err, body)}))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	oc, errs := exec.CreateOperationContext(ctx, &params)
	if errs != nil {
		w.WriteHeader(errorStatus(contentType, errs))
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, oc), errs))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, oc)
	writeResponse(w, responses(ctx))
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
