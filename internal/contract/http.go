package contract

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// exchange is one request under check, waiting for its response.
type exchange struct {
	c     *Checker
	input *openapi3filter.RequestValidationInput
}

// exempt reports whether an exchange is no part of Codat's API: the sandbox's own pages and fakes.
func (c *Checker) exempt(req *http.Request) bool {
	for _, prefix := range skippedPrefixes {
		if strings.HasPrefix(req.URL.Path, prefix) {
			return true
		}
	}
	return false
}

// begin checks a request whose body has been read into body, and returns the exchange whose
// response is to be checked, or nil when no operation matches.
func (c *Checker) begin(req *http.Request, body []byte) *exchange {
	method, path := req.Method, req.URL.Path
	probe := req.Clone(req.Context())
	probe.Body = io.NopCloser(bytes.NewReader(body))
	probe.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	probe.ContentLength = int64(len(body))
	var route *routers.Route
	var params map[string]string
	for _, router := range c.routers {
		r, p, err := router.FindRoute(probe)
		if err == nil {
			route, params = r, p
			break
		}
	}
	if route == nil {
		c.record(Violation{Method: method, Path: path, Phase: "route",
			Message: "no operation in Codat's OpenAPI files matches " + method + " " + path})
		return nil
	}

	x := &exchange{
		c: c,
		input: &openapi3filter.RequestValidationInput{
			Request:    probe,
			PathParams: params,
			Route:      route,
			Options:    c.options,
		},
	}
	c.count(method + " " + route.Path)
	if err := openapi3filter.ValidateRequest(req.Context(), x.input); err != nil {
		x.report("request", 0, err)
	}
	return x
}

// finish checks the response to the exchange's request.
func (x *exchange) finish(ctx context.Context, status int, header http.Header, body []byte) {
	if x.idempotencyConflict(status) {
		x.checkErrorMessage(status, header, body)
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: x.input,
		Status:                 status,
		Header:                 header,
		Options:                x.c.options,
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
		x.report("response", status, err)
	}
}

// idempotencyConflict recognises the answers of Codat's Idempotency-Key handling, which Codat
// documents outside its OpenAPI files: 409 while the first request with the key is in flight,
// 422 when the key is reused with a different body. Only an operation that does not list the
// status itself, only POST and PATCH, and only when the request carried a key.
func (x *exchange) idempotencyConflict(status int) bool {
	req := x.input.Request
	if status != http.StatusConflict && status != http.StatusUnprocessableEntity {
		return false
	}
	if (req.Method != http.MethodPost && req.Method != http.MethodPatch) || req.Header.Get("Idempotency-Key") == "" {
		return false
	}
	responses := x.input.Route.Operation.Responses
	return responses.Status(status) == nil && responses.Default() == nil && x.errorSchema() != nil
}

func (x *exchange) errorSchema() *openapi3.Schema {
	if c := x.input.Route.Spec.Components; c != nil {
		if s := c.Schemas["ErrorMessage"]; s != nil {
			return s.Value
		}
	}
	return nil
}

// checkErrorMessage checks an idempotency conflict's body: Codat's ErrorMessage, as JSON.
func (x *exchange) checkErrorMessage(status int, header http.Header, body []byte) {
	contentType := header.Get("Content-Type")
	if mediaType, _, _ := mime.ParseMediaType(contentType); mediaType != "application/json" {
		x.report("response", status, fmt.Errorf("idempotency conflict: Content-Type %q, want application/json", contentType))
		return
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var value any
	if err := dec.Decode(&value); err != nil {
		x.report("response", status, fmt.Errorf("idempotency conflict: body is not JSON: %w", err))
		return
	}
	opts := slices.Concat(x.c.options.SchemaValidationOptions, []openapi3.SchemaValidationOption{
		openapi3.MultiErrors(), openapi3.VisitAsResponse(), openapi3.EnableJSONSchema2020(),
		openapi3.SetSchemaErrorMessageCustomizer(schemaMessage),
	})
	if err := x.errorSchema().VisitJSON(value, opts...); err != nil {
		x.report("response", status, &openapi3filter.ResponseError{
			Reason: "idempotency conflict: body doesn't match schema #/components/schemas/ErrorMessage", Err: err})
	}
}

func (x *exchange) report(phase string, status int, err error) {
	for _, msg := range messages(err) {
		x.c.record(Violation{
			Method:  x.input.Request.Method,
			Path:    x.input.Request.URL.Path,
			Route:   x.input.Route.Path,
			Status:  status,
			Phase:   phase,
			Message: msg,
		})
	}
}

// messages splits kin-openapi's multi-errors so that each problem is its own violation, each
// keeping the context (parameter, body, schema) of the error that held it.
func messages(err error) []string {
	var out []string
	switch e := err.(type) {
	case openapi3.MultiError:
		for _, sub := range e {
			out = append(out, messages(sub)...)
		}
		return out
	case *openapi3filter.RequestError:
		if out, ok := eachInContext(e, func(e *openapi3filter.RequestError) *error { return &e.Err }); ok {
			return out
		}
	case *openapi3filter.ResponseError:
		if out, ok := eachInContext(e, func(e *openapi3filter.ResponseError) *error { return &e.Err }); ok {
			return out
		}
	}
	return []string{err.Error()}
}

// eachInContext gives the messages of the multi-error that e holds at *inner(e), each as a copy of e holding that
// one problem instead; it reports false when e holds no multi-error.
func eachInContext[E any, P interface {
	*E
	error
}](e P, inner func(P) *error) ([]string, bool) {
	multi, ok := (*inner(e)).(openapi3.MultiError)
	if !ok {
		return nil, false
	}
	return eachMessage(multi, func(sub error) string {
		one := P(new(E))
		*one = *e
		*inner(one) = sub
		return one.Error()
	}), true
}

// eachMessage is one message per problem of multi, each the message of the error that held multi had it held that
// problem alone (wrap makes it).
func eachMessage(multi openapi3.MultiError, wrap func(error) string) []string {
	var out []string
	for _, m := range messages(multi) {
		out = append(out, wrap(errors.New(m)))
	}
	return out
}

// replayBody gives back bytes already read from a body, then the error that ended the read (or
// EOF), so a reader sees the same stream it would have seen without the check.
type replayBody struct {
	data   *bytes.Reader
	err    error
	closer io.Closer
}

func newReplayBody(data []byte, err error, closer io.Closer) *replayBody {
	return &replayBody{data: bytes.NewReader(data), err: err, closer: closer}
}

func (b *replayBody) Read(p []byte) (int, error) {
	n, err := b.data.Read(p)
	if err == io.EOF && b.err != nil {
		return n, b.err
	}
	return n, err
}

func (b *replayBody) Close() error { return b.closer.Close() }

// Wrap returns server-side middleware that checks every request before next handles it and every
// response next writes. The request body is read whole first and handed to next unchanged; the
// response reaches the client unchanged as it is written. A handler that hijacks the connection
// is not checked for a response. Paths of the sandbox's own pages (/link/, /xero/, /_sandbox/)
// pass unchecked.
func (c *Checker) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c.exempt(r) {
			next.ServeHTTP(w, r)
			return
		}
		var body []byte
		if r.Body != nil && r.Body != http.NoBody {
			var err error
			body, err = io.ReadAll(r.Body)
			r.Body = newReplayBody(body, err, r.Body)
			if err != nil {
				next.ServeHTTP(w, r)
				return
			}
		}
		x := c.begin(r, body)
		if x == nil {
			next.ServeHTTP(w, r)
			return
		}
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.hijacked {
			return
		}
		if rec.status == 0 {
			rec.status, rec.header = http.StatusOK, w.Header().Clone()
		}
		x.finish(r.Context(), rec.status, rec.header, rec.body.Bytes())
	})
}

// recorder passes everything through to the real writer and keeps a copy of the status, the
// headers as sent and the body.
type recorder struct {
	http.ResponseWriter
	status   int
	header   http.Header
	body     bytes.Buffer
	hijacked bool
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 && code >= 200 {
		r.status, r.header = code, r.ResponseWriter.Header().Clone()
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status, r.header = http.StatusOK, r.ResponseWriter.Header().Clone()
	}
	n, err := r.ResponseWriter.Write(p)
	r.body.Write(p[:n])
	return n, err
}

func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		if r.status == 0 {
			r.status, r.header = http.StatusOK, r.ResponseWriter.Header().Clone()
		}
		f.Flush()
	}
}

func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := r.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, fmt.Errorf("%T cannot hijack: %w", r.ResponseWriter, http.ErrNotSupported)
	}
	r.hijacked = true
	return h.Hijack()
}

// Unwrap lets http.ResponseController reach the real writer's other abilities.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// RoundTripper returns a client-side transport that checks every request before next sends it
// and every response next returns. Bodies are read whole and handed on unchanged, including a
// read error that cut them short (such a response is not checked).
func (c *Checker) RoundTripper(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &roundTripper{c: c, next: next}
}

type roundTripper struct {
	c    *Checker
	next http.RoundTripper
}

func (t *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.c.exempt(req) {
		return t.next.RoundTrip(req)
	}
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(req.Body)
		out := req.Clone(req.Context())
		out.Body = newReplayBody(body, err, req.Body)
		if err != nil {
			return t.next.RoundTrip(out)
		}
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		req = out
	}
	x := t.c.begin(req, body)
	resp, err := t.next.RoundTrip(req)
	if err != nil || x == nil {
		return resp, err
	}
	data, readErr := io.ReadAll(resp.Body)
	resp.Body = newReplayBody(data, readErr, resp.Body)
	if readErr == nil {
		x.finish(req.Context(), resp.StatusCode, resp.Header, data)
	}
	return resp, nil
}
