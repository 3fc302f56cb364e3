package sandbox

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Delivery of webhook messages, as Codat documents it:
//   - a POST of the JSON body to the consumer's URL, with the Standard Webhooks headers webhook-id (the
//     same for every attempt of a message), webhook-timestamp and webhook-signature ("v1," and the base64
//     HMAC-SHA256 of "id.timestamp.body" under the consumer's signing secret)
//     (D:using-the-api/webhooks/create-consumer.md "Verify webhook signature";
//     D:using-the-api/webhooks/troubleshooting.md "Idempotency"; D:blog/241004-new-webhook-event-types.md);
//   - success is a 2XX within 15 seconds; anything else, a redirect included (the documents name only 2XX
//     as success), is a failed attempt;
//   - failed messages are retried 5 seconds, 5 minutes, 30 minutes, 2, 5, 10 and 10 hours after each
//     failure; a consumer whose attempts all fail for 5 days is disabled (troubleshooting.md "Retry
//     policy", "Disabled endpoint").
//
// Messages are queued when their event happens and sent, in order, by one worker goroutine that runs while
// messages are due and then stops, so an idle sandbox holds no goroutine. Retries fall due by the sandbox's
// clock (Options.Now) and are sent the next time the worker runs: at the next event, when a consumer is
// re-enabled, or at FlushWebhooks. FlushWebhooks returns once every due message has been attempted, which
// is how tests wait for deliveries without timing.

// deliveryTimeout: a consumer "must return a 2XX (status code 200-299) response within 15 seconds"
// (D:using-the-api/webhooks/create-consumer.md).
const deliveryTimeout = 15 * time.Second

// retrySchedule is the wait before each retry after a failed attempt.
var retrySchedule = []time.Duration{
	5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour,
}

// disableAfter is how long a consumer's attempts may all fail before Codat disables it.
const disableAfter = 5 * 24 * time.Hour

type webhookDelivery struct {
	consumerID, messageID, eventType string
	body                             []byte
	due                              time.Time
	attempts                         int
}

// WebhookAttempt is one attempt to deliver a message to a consumer.
type WebhookAttempt struct {
	ConsumerID string
	// MessageID is the webhook-id header; EventType the message's eventType.
	MessageID, EventType string
	// Attempt counts from 1.
	Attempt int
	At      time.Time
	// StatusCode is the consumer's answer, 0 when there was none; Err says why there was none.
	StatusCode int
	Err        string
}

// Delivered reports whether the consumer accepted the message.
func (a WebhookAttempt) Delivered() bool { return a.StatusCode >= 200 && a.StatusCode < 300 }

// kickWebhooksLocked starts the delivery worker unless it runs (w.mu held).
func (s *Sandbox) kickWebhooksLocked() {
	w := &s.webhooks
	if w.running {
		return
	}
	w.running = true
	w.idle = make(chan struct{})
	go s.deliverWebhooks()
}

// deliverWebhooks sends due messages until none is left.
func (s *Sandbox) deliverWebhooks() {
	w := &s.webhooks
	for {
		w.mu.Lock()
		now := s.now()
		d, wc := w.nextDue(now)
		if d == nil {
			w.running = false
			close(w.idle)
			w.mu.Unlock()
			return
		}
		url, secret := wc.URL, wc.SigningSecret
		d.attempts++
		w.mu.Unlock()

		status, err := s.post(url, secret, d, now)

		w.mu.Lock()
		attempt := WebhookAttempt{ConsumerID: d.consumerID, MessageID: d.messageID, EventType: d.eventType,
			Attempt: d.attempts, At: now, StatusCode: status}
		if err != nil {
			attempt.Err = err.Error()
		}
		w.attempts = append(w.attempts, attempt)
		_, wc = w.findConsumer(d.consumerID)
		switch {
		case attempt.Delivered():
			w.dequeue(d)
			if wc != nil {
				wc.failingSince = time.Time{}
			}
		case d.attempts > len(retrySchedule):
			w.dequeue(d)
		default:
			d.due = now.Add(retrySchedule[d.attempts-1])
		}
		if wc != nil && !attempt.Delivered() {
			if wc.failingSince.IsZero() {
				wc.failingSince = now
			} else if now.Sub(wc.failingSince) >= disableAfter {
				wc.Disabled = true
			}
		}
		w.mu.Unlock()
	}
}

// nextDue returns the first queued message that is due and whose consumer is enabled (w.mu held). A message
// whose consumer is gone has already left the queue (removeConsumer).
func (w *webhookState) nextDue(now time.Time) (*webhookDelivery, *webhookConsumer) {
	for _, d := range w.queue {
		if d.due.After(now) {
			continue
		}
		if _, wc := w.findConsumer(d.consumerID); wc != nil && !wc.Disabled {
			return d, wc
		}
	}
	return nil, nil
}

func (w *webhookState) dequeue(d *webhookDelivery) {
	for i, q := range w.queue {
		if q == d {
			w.queue = append(w.queue[:i], w.queue[i+1:]...)
			return
		}
	}
}

// post makes one delivery attempt.
func (s *Sandbox) post(url, secret string, d *webhookDelivery, now time.Time) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), deliveryTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(d.body))
	if err != nil {
		return 0, err
	}
	timestamp := strconv.FormatInt(now.Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", d.messageID)
	req.Header.Set("webhook-timestamp", timestamp)
	req.Header.Set("webhook-signature", SignWebhook(secret, d.messageID, timestamp, d.body))
	resp, err := s.webhookClient().Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, nil
}

func (s *Sandbox) webhookClient() *http.Client {
	base := s.opts.WebhookClient
	if base == nil {
		base = http.DefaultClient
	}
	c := *base
	c.Timeout = deliveryTimeout
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// SignWebhook is the webhook-signature header of a message: "v1," and the base64 HMAC-SHA256 of
// "id.timestamp.body", keyed with the base64-decoded part of the signing secret after "whsec_".
func SignWebhook(secret, messageID, timestamp string, body []byte) string {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		key = []byte(secret)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(messageID + "." + timestamp + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// FlushWebhooks sends every webhook message that is due and returns when each has been attempted (or ctx is
// done). Messages whose retry is not yet due by the sandbox's clock wait; advance the clock and flush again.
func (s *Sandbox) FlushWebhooks(ctx context.Context) error {
	w := &s.webhooks
	w.mu.Lock()
	s.kickWebhooksLocked()
	idle := w.idle
	w.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// WebhookAttempts returns every delivery attempt so far, in the order they were made.
func (s *Sandbox) WebhookAttempts() []WebhookAttempt {
	w := &s.webhooks
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]WebhookAttempt(nil), w.attempts...)
}

// PendingWebhooks returns how many messages wait for a (first or further) attempt.
func (s *Sandbox) PendingWebhooks() int {
	w := &s.webhooks
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.queue)
}
