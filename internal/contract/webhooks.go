package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// Webhooks validates the bodies of webhook messages against the webhooks Codat's OpenAPI files describe
// (the top-level "webhooks" of the Platform and Bank Feeds files: ConnectionWebhook,
// SourceAccountWebhook, ...), patched for the same quirks as the API traffic.
type Webhooks struct {
	schemas map[string]*openapi3.Schema // by event type
}

// LoadWebhooks reads the webhook descriptions of Codat's OpenAPI files under dir.
func LoadWebhooks(dir string) (*Webhooks, error) {
	w := &Webhooks{schemas: map[string]*openapi3.Schema{}}
	for _, name := range specFiles {
		tree, err := readSpec(dir, name)
		if err != nil {
			return nil, err
		}
		if err := patchDocument(tree); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		doc, err := buildSpec(tree)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for event, item := range doc.Webhooks {
			if _, seen := w.schemas[event]; seen || item.Post == nil || item.Post.RequestBody == nil {
				continue
			}
			if media := item.Post.RequestBody.Value.Content.Get("application/json"); media != nil && media.Schema != nil {
				w.schemas[event] = media.Schema.Value
			}
		}
	}
	return w, nil
}

// Check validates one message body of the event type.
func (w *Webhooks) Check(eventType string, body []byte) error {
	schema, ok := w.schemas[eventType]
	if !ok {
		return fmt.Errorf("no webhook %q in Codat's OpenAPI files", eventType)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var value any
	if err := dec.Decode(&value); err != nil {
		return fmt.Errorf("%s body is not JSON: %w", eventType, err)
	}
	value, err := jsonNumbersToFloat(value)
	if err != nil {
		return err
	}
	opts := []openapi3.SchemaValidationOption{openapi3.MultiErrors(), openapi3.WithStringFormatValidators(stringFormats())}
	if err := schema.VisitJSON(value, opts...); err != nil {
		return fmt.Errorf("%s body does not match Codat's schema: %s", eventType, strings.Join(schemaMessages(err), "; "))
	}
	return nil
}

// schemaMessages keeps each schema error to one line (schemaMessage).
func schemaMessages(err error) []string {
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		var out []string
		for _, sub := range multi {
			out = append(out, schemaMessages(sub)...)
		}
		return out
	}
	var schemaErr *openapi3.SchemaError
	if errors.As(err, &schemaErr) {
		return []string{schemaMessage(schemaErr)}
	}
	return []string{err.Error()}
}

// jsonNumbersToFloat converts decoded json.Numbers to float64, the number type kin-openapi validates.
func jsonNumbersToFloat(v any) (any, error) {
	switch x := v.(type) {
	case json.Number:
		return x.Float64()
	case map[string]any:
		for k, e := range x {
			c, err := jsonNumbersToFloat(e)
			if err != nil {
				return nil, err
			}
			x[k] = c
		}
	case []any:
		for i, e := range x {
			c, err := jsonNumbersToFloat(e)
			if err != nil {
				return nil, err
			}
			x[i] = c
		}
	}
	return v, nil
}

var sharedWebhooks struct {
	once sync.Once
	w    *Webhooks
	err  error
}

// WebhooksForTest returns the webhook descriptions, loaded once per process; the test is skipped, saying
// why, when Codat's OpenAPI files cannot be found.
func WebhooksForTest(t testing.TB) *Webhooks {
	t.Helper()
	dir, err := SpecDir()
	if err != nil {
		t.Skipf("webhook contract check skipped: %v", err)
	}
	sharedWebhooks.once.Do(func() { sharedWebhooks.w, sharedWebhooks.err = LoadWebhooks(dir) })
	if sharedWebhooks.err != nil {
		t.Fatalf("loading Codat's webhook descriptions: %v", sharedWebhooks.err)
	}
	return sharedWebhooks.w
}
