package sandbox

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Webhook consumers: GET and POST /webhooks, DELETE /webhooks/{webhookId} (P list-webhook-consumers,
// create-webhook-consumer, delete-webhook-consumer; CODAT-FACTS §6 and C13). Codat has no operation
// that reads or updates one consumer. What the Portal alone can do (disable or re-enable a consumer,
// show its signing secret) tests do through Go methods.
const (
	// maxWebhookConsumers: "The number of webhook consumers you can create is limited to 50" (P
	// create-webhook-consumer), and webhookConsumers.results has maxItems 50.
	maxWebhookConsumers = 50
	// maxConsumerCompanyTags and maxConsumerCompanyTagLen: WebhookConsumer.companyTags has maxItems 10
	// and items of maxLength 128 (characters, as JSON Schema counts).
	maxConsumerCompanyTags   = 10
	maxConsumerCompanyTagLen = 128
)

// WebhookConsumer is a snapshot of a webhook consumer.
type WebhookConsumer struct {
	ID          string
	URL         string
	Disabled    bool
	EventTypes  []string
	CompanyTags []string
	// SigningSecret ("whsec_" and base64) signs every message to the consumer. Codat shows it only in
	// its Portal (D:using-the-api/webhooks/create-consumer.md "Verify webhook signature"), never through
	// the API.
	SigningSecret string
}

type webhookConsumer struct {
	WebhookConsumer
	// failingSince is when the first of an unbroken run of failed delivery attempts was made.
	failingSince time.Time
}

// webhookState is everything webhook-related. It has its own lock, taken after s.mu where both are
// held, so that the delivery worker never waits for an API operation and the hooks can run inside them.
type webhookState struct {
	mu        sync.Mutex
	consumers []*webhookConsumer // in creation order
	// The delivery queue and its worker (webhook_delivery.go).
	queue    []*webhookDelivery
	attempts []WebhookAttempt
	running  bool
	idle     chan struct{}
	// Status last seen of each connection and source account, and the connections ever linked, so that
	// the hooks know which change happened (webhook_events.go).
	connStatus    map[*connection]string
	everLinked    map[*connection]bool
	accountStatus map[*sourceAccount]string
}

type webhookConsumerJSON struct {
	ID         string   `json:"id"`
	URL        string   `json:"url"`
	Disabled   bool     `json:"disabled"`
	EventTypes []string `json:"eventTypes"`
	// CompanyTags is nullable; a consumer without tags is answered without them, as in Codat's examples.
	CompanyTags []string `json:"companyTags,omitempty"`
}

func (wc *webhookConsumer) json() webhookConsumerJSON {
	return webhookConsumerJSON{
		ID:          wc.ID,
		URL:         wc.URL,
		Disabled:    wc.Disabled,
		EventTypes:  slices.Clone(wc.EventTypes),
		CompanyTags: slices.Clone(wc.CompanyTags),
	}
}

func (wc *webhookConsumer) snapshot() WebhookConsumer {
	out := wc.WebhookConsumer
	out.EventTypes = slices.Clone(wc.EventTypes)
	out.CompanyTags = slices.Clone(wc.CompanyTags)
	return out
}

// findConsumer must be called with w.mu held.
func (w *webhookState) findConsumer(id string) (int, *webhookConsumer) {
	i := slices.IndexFunc(w.consumers, func(wc *webhookConsumer) bool { return wc.ID == id })
	if i < 0 {
		return -1, nil
	}
	return i, w.consumers[i]
}

// consumersAs gives the consumers in creation order, each as as makes it.
func consumersAs[T any](w *webhookState, as func(*webhookConsumer) T) []T {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]T, len(w.consumers))
	for i, wc := range w.consumers {
		out[i] = as(wc)
	}
	return out
}

func (s *Sandbox) listWebhookConsumers(*apiRequest) apiResponse {
	return jsonResponse(http.StatusOK, struct {
		Results []webhookConsumerJSON `json:"results"`
	}{consumersAs(&s.webhooks, (*webhookConsumer).json)})
}

// createWebhookConsumer validates a webhookConsumerPrototype. The schema requires nothing, but a consumer
// without a URL cannot receive anything and "You must specify a least one event type per endpoint"
// (D:using-the-api/webhooks/create-consumer.md). Event types are not checked against the catalogue: the
// schema declares plain strings and Codat's own request examples use the legacy names (DataSyncCompleted),
// so a name that no event carries is stored and simply receives nothing. Company tags are kept as sent; the
// "tagKey:tagValue" format is advice in the schema's description, not a documented refusal.
func (s *Sandbox) createWebhookConsumer(r *apiRequest) apiResponse {
	return withBody(r, func(obj object, v *validator) apiResponse {
		rawURL, ok := required(obj, "url", v, object.str)
		if ok {
			if u, err := url.Parse(rawURL); err != nil || !u.IsAbs() || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
				v.fail("url", "Uri", "'url' must be an absolute http or https URL.")
			}
		}
		eventTypes, ok := stringArray(obj, "eventTypes", v)
		if ok && len(eventTypes) == 0 || !ok && !obj.present("eventTypes") {
			v.fail("eventTypes", "MinItems", "'eventTypes' must name at least one event type.")
		}
		for i, e := range eventTypes {
			if e == "" {
				v.fail(fmt.Sprintf("eventTypes[%d]", i), "NotEmpty", "Event types must not be empty.")
			}
		}
		companyTags, _ := stringArray(obj, "companyTags", v)
		if len(companyTags) > maxConsumerCompanyTags {
			v.fail("companyTags", "MaxItems", "A webhook consumer can have at most %d company tags; %d were given.", maxConsumerCompanyTags, len(companyTags))
		}
		for i, tag := range companyTags {
			if utf8.RuneCountInString(tag) > maxConsumerCompanyTagLen {
				v.fail(fmt.Sprintf("companyTags[%d]", i), "MaxLength", "Company tags must be at most %d characters long.", maxConsumerCompanyTagLen)
			}
		}
		disabled, _ := obj.boolean("disabled", v)
		if !v.ok() {
			return v.response()
		}

		w := &s.webhooks
		w.mu.Lock()
		defer w.mu.Unlock()
		if len(w.consumers) >= maxWebhookConsumers {
			// P create-webhook-consumer describes the limit but no status for it; of the statuses it lists,
			// 400 is the one that fits a request Codat refuses.
			return badRequest("The number of webhook consumers you can create is limited to %d. Delete an unused consumer first.", maxWebhookConsumers)
		}
		wc := &webhookConsumer{WebhookConsumer: WebhookConsumer{
			ID:            uuid.NewString(),
			URL:           rawURL,
			Disabled:      disabled,
			EventTypes:    eventTypes,
			CompanyTags:   companyTags,
			SigningSecret: newSigningSecret(),
		}}
		w.consumers = append(w.consumers, wc)
		return jsonResponse(http.StatusCreated, wc.json())
	})
}

func (s *Sandbox) deleteWebhookConsumer(r *apiRequest) apiResponse {
	w := &s.webhooks
	w.mu.Lock()
	defer w.mu.Unlock()
	id := r.param("webhookId")
	i, _ := w.findConsumer(id)
	if i < 0 {
		return notFound("Webhook consumer %s not found", id)
	}
	w.removeConsumer(i)
	return emptyResponse(http.StatusNoContent)
}

// removeConsumer deletes a consumer and, as Codat does, "any remaining delivery attempts which are
// scheduled" for it (D:using-the-api/webhooks/troubleshooting.md "Retry policy").
func (w *webhookState) removeConsumer(i int) {
	id := w.consumers[i].ID
	w.consumers = slices.Delete(w.consumers, i, i+1)
	w.queue = slices.DeleteFunc(w.queue, func(d *webhookDelivery) bool { return d.consumerID == id })
}

// stringArray reads a member that must be an array of strings; null or absent is (nil, false).
func stringArray(o object, key string, v *validator) ([]string, bool) {
	if !o.present(key) {
		return nil, false
	}
	var out []string
	if err := json.Unmarshal(o[key], &out); err != nil {
		v.fail(key, "Type", "'%s' must be an array of strings.", key)
		return nil, false
	}
	return out, true
}

func newSigningSecret() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// WebhookConsumers returns the webhook consumers in creation order, with their signing secrets.
func (s *Sandbox) WebhookConsumers() []WebhookConsumer {
	return consumersAs(&s.webhooks, (*webhookConsumer).snapshot)
}

// SetWebhookConsumerDisabled disables or re-enables a consumer, as its Portal page does (the API cannot).
// While a consumer is disabled nothing is sent to it; its scheduled retries wait until it is enabled again.
func (s *Sandbox) SetWebhookConsumerDisabled(id string, disabled bool) error {
	w := &s.webhooks
	w.mu.Lock()
	defer w.mu.Unlock()
	_, wc := w.findConsumer(id)
	if wc == nil {
		return fmt.Errorf("webhook consumer %s: %w", id, ErrNotFound)
	}
	wc.Disabled = disabled
	wc.failingSince = time.Time{}
	if !disabled {
		s.kickWebhooksLocked()
	}
	return nil
}

// DeleteWebhookConsumer deletes a consumer out of band, as in the Portal.
func (s *Sandbox) DeleteWebhookConsumer(id string) error {
	w := &s.webhooks
	w.mu.Lock()
	defer w.mu.Unlock()
	i, _ := w.findConsumer(id)
	if i < 0 {
		return fmt.Errorf("webhook consumer %s: %w", id, ErrNotFound)
	}
	w.removeConsumer(i)
	return nil
}
