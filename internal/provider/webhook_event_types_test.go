package provider

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/terraform-codat/terraform-provider-codat/internal/contract"
)

// Every webhook of Codat's current Platform and Bank Feeds API descriptions is an accepted event type (the
// `{dataType}` ones for each data type), and nothing is listed twice.
func TestWebhookEventTypesCoverCodatsDescriptions(t *testing.T) {
	dir, err := contract.SpecDir()
	if err != nil {
		t.Skipf("Codat's OpenAPI files: %v", err)
	}
	for _, name := range []string{"Codat-Platform.json", "Codat-Bank-Feeds.json"} {
		raw, err := os.ReadFile(filepath.Join(dir, "codat-docs", "static", "oas", name))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Webhooks map[string]json.RawMessage `json:"webhooks"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Webhooks) == 0 {
			t.Fatalf("%s describes no webhooks", name)
		}
		for event := range doc.Webhooks {
			names := []string{event}
			if suffix, ok := strings.CutPrefix(event, "{dataType}"); ok {
				names = nil
				for _, d := range writeDataTypes {
					names = append(names, d+suffix)
				}
			}
			for _, n := range names {
				if !slices.Contains(webhookEventTypes, n) {
					t.Errorf("%s (%s) is not an accepted event type", n, name)
				}
			}
		}
	}
	seen := map[string]bool{}
	for _, e := range webhookEventTypes {
		if seen[e] {
			t.Errorf("%s is listed twice", e)
		}
		seen[e] = true
	}
}
