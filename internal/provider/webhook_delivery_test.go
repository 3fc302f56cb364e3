package provider_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/contract"
)

// codat_webhook_consumer end to end: Codat delivers events to the consumers it matches, and the docs' receiver
// takes them.

// eventReceiver is a consumer endpoint that records each message and hands it to the test.
type eventReceiver struct {
	*httptest.Server
	mu       sync.Mutex
	messages []webhookMessage
	arrived  chan webhookMessage
}

type webhookMessage struct {
	webhookID string
	body      []byte
	EventType string `json:"eventType"`
	Payload   struct {
		ReferenceCompany struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"referenceCompany"`
		Connection struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"connection"`
		ConnectionID  string `json:"connectionId"`
		SourceAccount struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"sourceAccount"`
	} `json:"payload"`
}

func newEventReceiver(t *testing.T) *eventReceiver {
	rc := &eventReceiver{arrived: make(chan webhookMessage, 100)}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		m := webhookMessage{webhookID: r.Header.Get("webhook-id"), body: body}
		if err := json.Unmarshal(body, &m); err != nil {
			t.Errorf("webhook body %s: %v", body, err)
		}
		rc.mu.Lock()
		rc.messages = append(rc.messages, m)
		rc.mu.Unlock()
		rc.arrived <- m
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(rc.Close)
	return rc
}

// wait returns the next n messages; deliveries have been flushed, so they are there already, and the bound
// only stops a broken test from hanging.
func (rc *eventReceiver) wait(t *testing.T, n int) []webhookMessage {
	t.Helper()
	timeout := time.After(time.Minute)
	var out []webhookMessage
	for len(out) < n {
		select {
		case m := <-rc.arrived:
			out = append(out, m)
		case <-timeout:
			t.Fatalf("received %d of %d webhook messages", len(out), n)
		}
	}
	return out
}

func (rc *eventReceiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.messages)
}

func summary(ms []webhookMessage) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.EventType+" "+m.Payload.ReferenceCompany.Name)
	}
	return out
}

func flushWebhooks(t *testing.T, env *acctest.Env) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := env.Sandbox.FlushWebhooks(ctx); err != nil {
		t.Fatalf("delivering webhooks: %v", err)
	}
}

// Consumers made with terraform receive the events of the SMB user's progress end to end: the customer
// authorises Xero through the link page's hook and connects a bank account, and each consumer gets what its
// event types and company tags select, in bodies that match Codat's webhook schemas.
func TestAccWebhookConsumer_deliversEvents(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	schemas := contract.WebhooksForTest(t)
	ukOnly, all, off := newEventReceiver(t), newEventReceiver(t), newEventReceiver(t)
	cfg := env.ProviderConfig() + `
variable "uk_url" {}
variable "all_url" {}
variable "off_url" {}

resource "codat_company" "uk" {
  name = "Bakery UK"
  tags = { region = "uk" }
}

resource "codat_company" "us" {
  name = "Bakery US"
  tags = { region = "us" }
}

resource "codat_connection" "uk" {
  company_id = codat_company.uk.id
}

resource "codat_connection" "us" {
  company_id = codat_company.us.id
}

` + acctest.Account{Resource: "uk", Parent: "uk", ID: "uk-current", Name: "Current", Type: "checking", Number: "12345678",
		SortCode: "040004", Currency: "GBP", Balance: "10"}.HCL() + `

resource "codat_webhook_consumer" "uk_progress" {
  url          = var.uk_url
  event_types  = ["connection.connected", "bankFeeds.sourceAccount.connected"]
  company_tags = ["region:uk"]
}

resource "codat_webhook_consumer" "all_connections" {
  url         = var.all_url
  event_types = ["connection.connected"]
}

resource "codat_webhook_consumer" "paused" {
  url         = var.off_url
  event_types = ["connection.connected", "bankFeeds.sourceAccount.connected"]
  disabled    = true
}
`
	vars := config.Variables{
		"uk_url":  config.StringVariable(ukOnly.URL + "/codat"),
		"all_url": config.StringVariable(all.URL + "/codat"),
		"off_url": config.StringVariable(off.URL + "/codat"),
	}
	acctest.Test(t, resource.TestCase{
		CheckDestroy: func(s *terraform.State) error {
			if err := checkNoWebhookConsumers(env)(s); err != nil {
				return err
			}
			return env.CheckEmpty()(s)
		},
		Steps: []resource.TestStep{
			{
				Config:          cfg,
				ConfigVariables: vars,
				Check: func(s *terraform.State) error {
					flushWebhooks(t, env)
					if n := len(env.Sandbox.WebhookAttempts()); n != 0 {
						return fmt.Errorf("%d deliveries before any customer did anything", n)
					}
					uk, us := s.RootModule().Resources["codat_connection.uk"].Primary, s.RootModule().Resources["codat_connection.us"].Primary
					// The SMB users authorise Xero; the UK customer connects their account on the mapping page.
					for _, c := range []*terraform.InstanceState{uk, us} {
						if err := env.Sandbox.AuthorizeConnection(c.Attributes["company_id"], c.ID); err != nil {
							return err
						}
					}
					if err := env.Sandbox.MapAccount(uk.Attributes["company_id"], uk.ID, "uk-current", "", time.Now()); err != nil {
						return err
					}
					flushWebhooks(t, env)

					got := ukOnly.wait(t, 2)
					if want := []string{"connection.connected Bakery UK", "bankFeeds.sourceAccount.connected Bakery UK"}; !slices.Equal(summary(got), want) {
						return fmt.Errorf("the region:uk consumer received %q, want %q", summary(got), want)
					}
					if got[0].Payload.Connection.ID != uk.ID || got[0].Payload.Connection.Status != "Linked" ||
						got[1].Payload.ConnectionID != uk.ID || got[1].Payload.SourceAccount.ID != "uk-current" || got[1].Payload.SourceAccount.Status != "connected" {
						return fmt.Errorf("payloads %s / %s", got[0].body, got[1].body)
					}
					everyone := all.wait(t, 2)
					if s := summary(everyone); !slices.Contains(s, "connection.connected Bakery UK") || !slices.Contains(s, "connection.connected Bakery US") {
						return fmt.Errorf("the consumer without tags received %q", s)
					}
					for _, m := range append(got, everyone...) {
						if err := schemas.Check(m.EventType, m.body); err != nil {
							return err
						}
						if !strings.HasPrefix(m.webhookID, "msg_") {
							return fmt.Errorf("webhook-id %q", m.webhookID)
						}
					}
					if ukOnly.count() != 2 || all.count() != 2 || off.count() != 0 {
						return fmt.Errorf("received %d, %d and %d (disabled) messages; want 2, 2 and 0", ukOnly.count(), all.count(), off.count())
					}
					return nil
				},
			},
			{
				Config:           cfg,
				ConfigVariables:  vars,
				ConfigPlanChecks: acctest.NoChange(),
			},
		},
	})
}

// The receiver shown in the docs (examples/resources/codat_webhook_consumer/receiver.py) really receives
// Codat's events.
func TestAccWebhookConsumer_docsReceiver(t *testing.T) {
	t.Parallel()
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed; the docs' receiver is a Python script")
	}
	env := acctest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "../../examples/resources/codat_webhook_consumer/receiver.py", "0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	lines := make(chan string, 10)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	next := func() string {
		t.Helper()
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("the receiver exited")
			}
			return l
		case <-time.After(time.Minute):
			t.Fatal("the receiver printed nothing within a minute")
		}
		return ""
	}
	port, ok := strings.CutPrefix(next(), "listening on port ")
	if !ok {
		t.Fatal("the receiver did not say its port")
	}
	acctest.Test(t, resource.TestCase{
		CheckDestroy: checkNoWebhookConsumers(env),
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + acctest.CompanyWithConnection("acme", "xero", "Acme Bakery Ltd") + fmt.Sprintf(`
resource "codat_webhook_consumer" "local" {
  url         = "http://127.0.0.1:%s/codat"
  event_types = ["connection.connected"]
}
`, port),
			Check: func(s *terraform.State) error {
				conn := s.RootModule().Resources["codat_connection.xero"].Primary
				if err := env.Sandbox.AuthorizeConnection(conn.Attributes["company_id"], conn.ID); err != nil {
					return err
				}
				flushWebhooks(t, env)
				id, body, _ := strings.Cut(next(), " ")
				var m webhookMessage
				if err := json.Unmarshal([]byte(body), &m); err != nil || m.EventType != "connection.connected" || m.Payload.Connection.ID != conn.ID || !strings.HasPrefix(id, "msg_") {
					return fmt.Errorf("the receiver printed %q %q (%v)", id, body, err)
				}
				if a := env.Sandbox.WebhookAttempts(); len(a) != 1 || !a[0].Delivered() {
					return fmt.Errorf("attempts %+v", a)
				}
				return nil
			},
		}},
	})
}
