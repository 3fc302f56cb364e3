package provider_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// checkNoWebhookConsumers is a CheckDestroy: after destroy the sandbox holds no webhook consumer.
func checkNoWebhookConsumers(env *acctest.Env) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if cs := env.Sandbox.WebhookConsumers(); len(cs) != 0 {
			return fmt.Errorf("sandbox still holds %d webhook consumers after destroy: %+v", len(cs), cs)
		}
		return nil
	}
}

func onlyConsumer(t *testing.T, env *acctest.Env) sandbox.WebhookConsumer {
	t.Helper()
	cs := env.Sandbox.WebhookConsumers()
	if len(cs) != 1 {
		t.Fatalf("sandbox holds %d webhook consumers, want 1", len(cs))
	}
	return cs[0]
}

func consumerConfig(env *acctest.Env, body string) string {
	return env.ProviderConfig() + consumerBlock(body)
}

// consumerBlock is a codat_webhook_consumer "test" with the given attributes.
func consumerBlock(body string) string {
	return "resource \"codat_webhook_consumer\" \"test\" {\n" + body + "\n}\n"
}

// Create, an empty plan, import, drift (disabled in the Portal, deleted out of band), a replacing change and
// destroy.
func TestAccWebhookConsumerResource(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const addr = "codat_webhook_consumer.test"
	cfg := consumerConfig(env, `
  url          = "https://hooks.example.com/codat?team=onboarding"
  event_types  = ["connection.connected", "bankFeeds.sourceAccount.connected"]
  company_tags = ["region:uk", "tier:gold"]
`)
	var firstID string
	acctest.Test(t, resource.TestCase{
		CheckDestroy: checkNoWebhookConsumers(env),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: acctest.Attrs(addr, map[string]knownvalue.Check{
					"id":       knownvalue.StringRegexp(uuidPattern),
					"disabled": knownvalue.Bool(false),
					"event_types": knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("connection.connected"), knownvalue.StringExact("bankFeeds.sourceAccount.connected"),
					}),
					"company_tags": knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("region:uk"), knownvalue.StringExact("tier:gold"),
					}),
				}),
				Check: func(s *terraform.State) error {
					c := onlyConsumer(t, env)
					firstID = c.ID
					if s.RootModule().Resources[addr].Primary.ID != c.ID || c.URL != "https://hooks.example.com/codat?team=onboarding" ||
						c.Disabled || len(c.EventTypes) != 2 || len(c.CompanyTags) != 2 {
						return fmt.Errorf("sandbox holds %+v", c)
					}
					return nil
				},
			},
			{Config: cfg, ConfigPlanChecks: acctest.NoChange()},
			{ResourceName: addr, ImportState: true, ImportStateVerify: true},
			{
				// Disabled in the Portal: the configuration wants an enabled consumer, and only a new one can be.
				PreConfig: func() {
					if err := env.Sandbox.SetWebhookConsumerDisabled(firstID, true); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: func(*terraform.State) error {
					if c := onlyConsumer(t, env); c.ID == firstID || c.Disabled {
						return fmt.Errorf("not replaced by an enabled consumer: %+v", c)
					}
					return nil
				},
			},
			{
				PreConfig: func() {
					if err := env.Sandbox.DeleteWebhookConsumer(onlyConsumer(t, env).ID); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
			},
			{
				// No update exists: another event type, no tags and a disabled consumer replace it.
				Config: consumerConfig(env, `
  url         = "https://hooks.example.com/codat?team=onboarding"
  event_types = ["connection.connected"]
  disabled    = true
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: acctest.Attrs(addr, map[string]knownvalue.Check{
					"company_tags": knownvalue.SetSizeExact(0),
					"disabled":     knownvalue.Bool(true),
				}),
				Check: func(*terraform.State) error {
					if c := onlyConsumer(t, env); !c.Disabled || len(c.CompanyTags) != 0 || !slices.Equal(c.EventTypes, []string{"connection.connected"}) {
						return fmt.Errorf("sandbox holds %+v", c)
					}
					return nil
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateVerify: true},
		},
	})
}

// A create whose answer is lost is settled by listing the consumers: the one Codat made is adopted (not made
// twice); when Codat made none, the apply fails and the next one creates it.
func TestAccWebhookConsumerResource_lostCreateAnswer(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const addr = "codat_webhook_consumer.test"
	// One retry: every attempt of a create is cut, so fewer attempts keep the test short.
	cfg := env.ProviderConfig("max_retries = 1") + consumerBlock(`
  url         = "https://hooks.example.com/codat"
  event_types = ["connection.connected"]
`)
	acctest.Test(t, resource.TestCase{
		CheckDestroy: checkNoWebhookConsumers(env),
		Steps: []resource.TestStep{
			{
				// Both attempts are cut before Codat acts.
				PreConfig:   func() { env.Sandbox.InjectFault(sandbox.RouteCreateWebhookConsumer, sandbox.FaultDropBefore, 2) },
				Config:      cfg,
				ExpectError: acctest.ErrorRegexp(`Unable to create Codat webhook consumer`, `unknown outcome`, `did not create it: apply again`),
			},
			{
				// Every attempt is cut after Codat created the consumer (replayed for the same Idempotency-Key).
				PreConfig: func() {
					if n := len(env.Sandbox.WebhookConsumers()); n != 0 {
						t.Fatalf("%d consumers after the failed apply", n)
					}
					env.Sandbox.InjectFault(sandbox.RouteCreateWebhookConsumer, sandbox.FaultDropAfter, 2)
				},
				Config: cfg,
				Check: func(s *terraform.State) error {
					c := onlyConsumer(t, env)
					if id := s.RootModule().Resources[addr].Primary.ID; id != c.ID {
						return fmt.Errorf("state holds %s, Codat %s", id, c.ID)
					}
					return nil
				},
			},
			{Config: cfg, ConfigPlanChecks: acctest.NoChange()},
		},
	})
}

// Every documented rule fails at plan time with the attribute path, before any API call.
func TestAccWebhookConsumerResource_badInputFailsAtPlan(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	consumer := func(attrs string) string {
		if !strings.Contains(attrs, "event_types") {
			attrs += "\n  event_types = [\"connection.connected\"]"
		}
		if !strings.Contains(attrs, "url") {
			attrs += "\n  url = \"https://hooks.example.com/codat\""
		}
		return "resource \"codat_webhook_consumer\" \"bad\" {\n  " + attrs + "\n}\n"
	}
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = fmt.Sprintf("%q", fmt.Sprintf("k%d:v", i))
	}
	cases := map[string]badInput{
		"http to another host":    {consumer(`url = "http://hooks.example.com/codat"`), []string{`url`, `must use https://`}},
		"relative url":            {consumer(`url = "/codat"`), []string{`url`, `must be an absolute https:// URL`}},
		"no event type":           {consumer(`event_types = []`), []string{`event_types`, `at least 1`}},
		"misspelt event type":     {consumer(`event_types = ["connection.conected"]`), []string{`event_types`, `not an event type`, `did you mean "connection.connected"`}},
		"legacy rule type":        {consumer(`event_types = ["DataSyncCompleted"]`), []string{`event_types`, `legacy rule type`, `read.completed`}},
		"unknown write data type": {consumer(`event_types = ["widgets.write.successful"]`), []string{`event_types`, `not an event type`}},
		"eleven company tags":     {consumer(`company_tags = [` + strings.Join(eleven, ", ") + `]`), []string{`company_tags`, `at most 10`}},
		"company tag too long":    {consumer(`company_tags = ["k:` + strings.Repeat("é", 127) + `"]`), []string{`company_tags`, `at most 128`}},
		"company tag without key": {consumer(`company_tags = ["region"]`), []string{`company_tags`, `key:value`}},
		"company tag empty key":   {consumer(`company_tags = [":uk"]`), []string{`company_tags`, `key:value`}},
	}
	expectRefusedAtPlan(t, env, cases)
	// 128 characters pass, however many bytes they take.
	t.Run("company tag of 128 characters", func(t *testing.T) {
		acctest.UnitTest(t, resource.TestCase{
			Steps: []resource.TestStep{{Config: env.ProviderConfig() + consumer(`company_tags = ["k:`+strings.Repeat("é", 126)+`"]`),
				PlanOnly: true, ExpectNonEmptyPlan: true}},
		})
	})
	for _, id := range []string{"not-a-uuid", "8a210b68-6988-11ed-a1eb-0242ac120002/x"} {
		t.Run("import "+id, func(t *testing.T) {
			acctest.UnitTest(t, resource.TestCase{
				Steps: []resource.TestStep{{Config: env.ProviderConfig() + consumer(""), ResourceName: "codat_webhook_consumer.bad",
					ImportState: true, ImportStateId: id, ExpectError: acctest.ErrorRegexp(`Invalid import ID`)}},
			})
		})
	}
	if n := env.Sandbox.TotalCalls(); n != 0 {
		t.Errorf("invalid configurations made %d API calls: %v", n, env.Sandbox.Counts())
	}
}
