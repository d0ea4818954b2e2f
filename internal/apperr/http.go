package apperr

import (
	"encoding/json"
	"net/http"
)

// WriteHTTP answers a request that failed before GraphQL execution with a GraphQL-shaped
// error body, so clients parse every failure the same way.
func WriteHTTP(w http.ResponseWriter, status int, e *Error) {
	ext := map[string]any{"code": e.Code}
	if e.Field != "" {
		ext["field"] = e.Field
	}
	for k, v := range e.Extra {
		ext[k] = v
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{"message": e.Message, "extensions": ext}},
	})
}
