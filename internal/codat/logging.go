package codat

import (
	"context"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// LogSubsystem is the tflog subsystem of the client's log lines. Its level can be set on its own with
// TF_LOG_PROVIDER_CODAT_API.
const LogSubsystem = "codat_api"

// correlationHeader is read when an answer carries no error body with Codat's correlationId.
const correlationHeader = "X-Correlation-Id"

var rateLimitHeaders = map[string]string{
	"X-Rate-Limit-Limit":     "x_rate_limit_limit",
	"X-Rate-Limit-Remaining": "x_rate_limit_remaining",
	"X-Rate-Limit-Reset":     "x_rate_limit_reset",
}

// logContext adds the subsystem logger to ctx. No log line carries a header or a body, so the API key and secrets
// have no way in; masking them anyway guards against one slipping into an error text.
func (c *Client) logContext(ctx context.Context) context.Context {
	ctx = tflog.NewSubsystem(ctx, LogSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER", LogSubsystem), tflog.WithRootFields())
	secrets := c.secretList()
	ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, LogSubsystem, secrets...)
	return tflog.SubsystemMaskMessageStrings(ctx, LogSubsystem, secrets...)
}

func requestFields(req *http.Request, attempt int) map[string]any {
	fields := map[string]any{
		"http_method": req.Method,
		"http_path":   req.URL.EscapedPath(),
		"attempt":     attempt,
	}
	if req.URL.RawQuery != "" {
		fields["http_query"] = req.URL.RawQuery
	}
	if key := req.Header.Get("Idempotency-Key"); key != "" {
		fields["idempotency_key"] = key
	}
	return fields
}

func logAttemptStart(ctx context.Context, req *http.Request, attempt int) {
	tflog.SubsystemTrace(ctx, LogSubsystem, "Sending Codat API request", requestFields(req, attempt))
}

// logAttempt writes the one debug line of an attempt: its outcome, duration, correlation id and rate-limit state.
func logAttempt(ctx context.Context, req *http.Request, attempt int, took time.Duration, resp *http.Response, body []byte, err error) {
	fields := requestFields(req, attempt)
	fields["duration_ms"] = took.Milliseconds()
	if err != nil {
		fields["error"] = err.Error()
		tflog.SubsystemDebug(ctx, LogSubsystem, "Codat API request failed without a response", fields)
		return
	}
	fields["http_status"] = resp.StatusCode
	fields["response_bytes"] = len(body)
	if id := correlationID(resp, body); id != "" {
		fields["correlation_id"] = id
	}
	for header, field := range rateLimitHeaders {
		if v := resp.Header.Get(header); v != "" {
			fields[field] = v
		}
	}
	tflog.SubsystemDebug(ctx, LogSubsystem, "Codat API response", fields)
}

func correlationID(resp *http.Response, body []byte) string {
	if resp.StatusCode >= http.StatusBadRequest {
		if id := parseErrorBody(body).CorrelationID; id != "" {
			return id
		}
	}
	return resp.Header.Get(correlationHeader)
}

// logRetryWait records why and for how long the client waits before the next attempt.
func logRetryWait(ctx context.Context, wait time.Duration, attemptsMade, maxAttempts int, resp *http.Response) {
	fields := map[string]any{
		"wait_ms":      wait.Milliseconds(),
		"next_attempt": attemptsMade + 1,
		"max_attempts": maxAttempts,
	}
	if resp != nil {
		fields["http_status"] = resp.StatusCode
		if v := resp.Header.Get("Retry-After"); v != "" {
			fields["retry_after"] = v
		}
	}
	tflog.SubsystemDebug(ctx, LogSubsystem, "Retrying Codat API request", fields)
}
