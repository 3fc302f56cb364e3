package e2e_test

// codat_xero_integration driven through the terraform binary, for what terraform-plugin-testing cannot show: destroy
// warnings, configuration generated on import, and the TF_LOG=trace log.

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// Destroy without the opt-in attributes leaves the integration and its credentials in Codat, makes no write, and
// says so in a warning.
func TestAccXeroIntegrationResource_destroyWarns(t *testing.T) {
	t.Parallel()
	env := acctest.NewWithXeroApp(t)
	tf := acctest.NewCLI(t)
	tf.WriteConfig(env.ProviderConfig() + acctest.XeroStoredSecret(acctest.XeroSecret1))
	if run := tf.Apply(); !run.OK() {
		t.Fatal(run)
	}

	env.Sandbox.ResetCounts()
	run := tf.Destroy()
	if !run.OK() {
		t.Fatal(run)
	}
	if !acctest.ErrorRegexp(`Warning: Xero integration left in Codat`, `removed from the Terraform state only`,
		`set disable_on_destroy or delete_credentials_on_destroy to true`).MatchString(run.Output) {
		t.Errorf("destroy gave no warning that it left the integration:\n%s", run.Output)
	}
	if got := env.Sandbox.Counts(); !maps.Equal(got, acctest.XeroRefresh) {
		t.Errorf("destroy made requests %v, want only the refresh %v", got, acctest.XeroRefresh)
	}
	if err := env.CheckXeroIntegrationKept(true, acctest.XeroSecret1)(nil); err != nil {
		t.Error(err)
	}
	if objects := tf.State(); len(objects) != 0 {
		t.Errorf("state after destroy: %v", objects)
	}
}

// maskOf is the sandbox's mask of v in a style, written here from the styles' definitions.
func maskOf(style sandbox.MaskStyle, v string) string {
	switch style {
	case sandbox.MaskFixed:
		return "********" + v[len(v)-4:]
	case sandbox.MaskAsterisk:
		return strings.Repeat("*", len(v)-4) + v[len(v)-4:]
	}
	return strings.Repeat("X", len(v)-4) + v[len(v)-4:]
}

// setAttribute replaces the value of one attribute line in generated configuration, failing when there is none.
func setAttribute(t *testing.T, hcl, name, value string) string {
	t.Helper()
	line := regexp.MustCompile(`(?m)^(\s*` + name + `\s*=\s*).*$`)
	if !line.MatchString(hcl) {
		t.Fatalf("no %s in the configuration:\n%s", name, hcl)
	}
	return line.ReplaceAllString(hcl, "${1}"+value)
}

// Configuration generated on import holds the client id as Codat shows it, masked. Applied with a secret added as a
// user would (and verify_credentials = false, so that nothing else catches it), it must never send the mask to
// Codat as the client id: it stops at plan time, and with the real client id put in it stores the credentials
// once and converges.
func TestAccXeroIntegrationResource_generatedConfig(t *testing.T) {
	t.Parallel()
	for _, style := range []sandbox.MaskStyle{sandbox.MaskX, sandbox.MaskFixed} {
		t.Run(string(style), func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t, func(o *sandbox.Options) { o.CredentialMask = style })
			env.XeroSetUpInPortal(t)
			tf := acctest.NewCLI(t)
			tf.Setenv("TF_VAR_xero_client_secret=" + acctest.XeroSecret2)
			tf.WriteConfig(env.ProviderConfig() + `
import {
  to = codat_xero_integration.this
  id = "gbol"
}

variable "xero_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}
`)
			run := tf.Run("plan", "-input=false", "-no-color", "-generate-config-out=generated.tf")
			generatedPath := filepath.Join(tf.Dir, "generated.tf")
			raw, err := os.ReadFile(generatedPath)
			if err != nil {
				t.Fatalf("no generated configuration: %v\n%s", err, run)
			}
			generated := string(raw)
			mask := maskOf(style, acctest.XeroClientID)
			if !regexp.MustCompile(`client_id\s*=\s*"` + regexp.QuoteMeta(mask) + `"`).MatchString(generated) {
				t.Fatalf("generated configuration without the masked client id %q:\n%s", mask, generated)
			}
			// The generated configuration cannot hold a secret, and its masked client id is refused already here.
			if run.OK() || !acctest.ErrorRegexp(`Masked Xero credential`, `client_id has the form of a masked credential`).MatchString(run.Output) {
				t.Errorf("plan -generate-config-out did not refuse the masked client id:\n%s", run)
			}

			// The user adds the secret as the docs recommend and applies.
			edited := setAttribute(t, generated, "client_secret_wo", "var.xero_client_secret")
			edited = setAttribute(t, edited, "client_secret_wo_version", "1")
			edited = setAttribute(t, edited, "verify_credentials", "false")
			if err := os.WriteFile(generatedPath, []byte(edited), 0o600); err != nil {
				t.Fatal(err)
			}
			env.Sandbox.ResetCounts()
			run = tf.Apply()
			if run.OK() {
				t.Fatalf("the generated configuration applied with the masked client id:\n%s\nCodat received %v",
					run, env.Sandbox.CredentialWrites(sandbox.XeroPlatformKey))
			}
			if !acctest.ErrorRegexp(`Masked Xero credential`, `client_id has the form of a masked credential`).MatchString(run.Output) {
				t.Errorf("apply failed without naming the masked client id:\n%s", run)
			}
			if n := env.Sandbox.Count(sandbox.RoutePutCredentials); n != 0 {
				t.Errorf("%d credential writes reached Codat", n)
			}
			if err := env.ExpectXeroCredentials(acctest.XeroSecret1)(nil); err != nil {
				t.Error(err)
			}

			// With the real client id it stores the credentials once and then plans nothing.
			if err := os.WriteFile(generatedPath, []byte(setAttribute(t, edited, "client_id", fmt.Sprintf("%q", acctest.XeroClientID))), 0o600); err != nil {
				t.Fatal(err)
			}
			if run := tf.Apply(); !run.OK() {
				t.Fatal(run)
			}
			writes := env.Sandbox.CredentialWrites(sandbox.XeroPlatformKey)
			want := map[string]string{"clientId": acctest.XeroClientID, "clientSecret": acctest.XeroSecret2}
			if len(writes) != 1 || !maps.Equal(writes[0], want) {
				t.Errorf("Codat received the credential writes %v, want exactly %v", writes, want)
			}
			if err := env.ExpectXeroCredentials(acctest.XeroSecret2)(nil); err != nil {
				t.Error(err)
			}
			if empty, run := tf.PlanIsEmpty(); !empty {
				t.Errorf("plan after the apply is not empty:\n%s", run)
			}
		})
	}
}

// echoSecret is a client secret with characters that URL, JSON and HTML escaping each change, so that every
// encoding of it differs from it.
const echoSecret = `xs+1/9fK=2m&Q<7>"v\Tz %41`

// echoedForms are the encodings of echoSecret that the provider produces (JSON to Codat; form-encoded inside HTTP
// Basic credentials to Xero, RFC 6749 section 2.3.1), written out here rather than taken from the code under test.
var echoedForms = map[string]string{
	"secret":                  echoSecret,
	"form-encoded secret":     url.QueryEscape(echoSecret),
	"base64 secret":           base64.StdEncoding.EncodeToString([]byte(echoSecret)),
	"JSON secret":             `xs+1/9fK=2m\u0026Q\u003c7\u003e\"v\\Tz %41`,
	"Go-quoted secret":        `xs+1/9fK=2m&Q<7>\"v\\Tz %41`, // as golang.org/x/oauth2 prints error_description
	"JSON body in JSON":       `xs+1/9fK=2m\\u0026Q\\u003c7\\u003e\\\"v\\\\Tz %41`,
	"Basic credentials":       base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(acctest.XeroClientID) + ":" + url.QueryEscape(echoSecret))),
	"decoded Basic":           url.QueryEscape(acctest.XeroClientID) + ":" + url.QueryEscape(echoSecret),
	"Basic of the raw secret": base64.StdEncoding.EncodeToString([]byte(acctest.XeroClientID + ":" + echoSecret)),
}

// echoRecorder keeps what an echoing server answered, to prove the echo happened.
type echoRecorder struct {
	mu   sync.Mutex
	sent []string
}

func (e *echoRecorder) add(s string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.sent = append(e.sent, s)
}

func (e *echoRecorder) all() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return strings.Join(e.sent, "\n")
}

// echoes is what a server might repeat of a secret it received: as is, and in the encodings above.
func echoes(secret string) []string {
	return []string{secret, url.QueryEscape(secret), base64.StdEncoding.EncodeToString([]byte(secret))}
}

// A Xero token endpoint and a Codat error that echo the request, in every form the provider produces, reach
// neither the diagnostics nor the TF_LOG=trace log.
func TestAccXeroIntegrationResource_echoedSecretRedacted(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)

	// Xero's token endpoint refusing the client and repeating the request: the Authorization header as sent, its
	// decoded credentials, and the secret in them.
	var tokenEchoes echoRecorder
	token := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		auth := r.Header.Get("Authorization")
		decoded, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(auth, "Basic "))
		id, encodedSecret, _ := strings.Cut(string(decoded), ":")
		secret, _ := url.QueryUnescape(encodedSecret)
		rawID, _ := url.QueryUnescape(id)
		echo := fmt.Sprintf("request %s %s with %s (%s); client %s, secret %s; %s", r.Method, body, auth, decoded, rawID,
			strings.Join(echoes(secret), " "), base64.StdEncoding.EncodeToString([]byte(rawID+":"+secret)))
		raw, _ := json.Marshal(map[string]string{"error": "invalid_client", "error_description": echo})
		tokenEchoes.add(echo)
		tokenEchoes.add(strconv.Quote(echo)) // as golang.org/x/oauth2 shows it in its error
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write(raw)
	}))
	t.Cleanup(token.Close)

	// Codat answering the credentials PUT with an error that quotes the request body and the secret in it.
	var codatEchoes echoRecorder
	sandboxURL, err := url.Parse(env.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(sandboxURL)
	codatAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPut || r.URL.Path != "/integrations/credentials/gbol" {
			proxy.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		var creds map[string]string
		_ = json.Unmarshal(body, &creds)
		secret := creds["clientSecret"]
		message := fmt.Sprintf("Invalid credentials %s; secret %s", body, strings.Join(echoes(secret), " "))
		quoted, _ := json.Marshal(message)
		answer := fmt.Sprintf(`{"statusCode":400,"service":"PublicApi","error":%s,"correlationId":"echo-corr-1",`+
			`"validation":{"errors":[{"itemId":"clientSecret","message":%s,"validatorName":"Echo"}],"warnings":[]}}`, quoted, quoted)
		codatEchoes.add(answer)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(codatAPI.Close)

	tf := acctest.NewCLI(t)
	logFile := filepath.Join(filepath.Dir(tf.Dir), "trace.log")
	tf.Setenv("TF_LOG=TRACE", "TF_LOG_PATH="+logFile, "TF_VAR_xero_client_secret="+echoSecret)
	config := func(baseURL, tokenURL, verify string) string {
		return acctest.ProviderBlock(fmt.Sprintf("base_url = %q", baseURL), fmt.Sprintf("api_key = %q", env.APIKey),
			fmt.Sprintf("xero_token_url = %q", tokenURL), "max_retries = 0") + fmt.Sprintf(`
variable "xero_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "codat_xero_integration" "this" {
  client_id                = %q
  client_secret_wo         = var.xero_client_secret
  client_secret_wo_version = 1
  verify_credentials       = %s
}
`, acctest.XeroClientID, verify)
	}

	tf.WriteConfig(config(env.URL, token.URL, "true"))
	xeroRun := tf.Apply()
	if xeroRun.OK() || !acctest.ErrorRegexp(`Xero rejected the client id and secret`, `\[REDACTED\]`).MatchString(xeroRun.Output) {
		t.Fatalf("want Xero's refusal with the echo redacted:\n%s", xeroRun)
	}
	tf.WriteConfig(config(codatAPI.URL, token.URL, "false"))
	codatRun := tf.Apply()
	if codatRun.OK() || !acctest.ErrorRegexp(`Unable to store the Xero credentials in Codat`, `\[REDACTED\]`, `echo-corr-1`).MatchString(codatRun.Output) {
		t.Fatalf("want Codat's refusal with the echo redacted:\n%s", codatRun)
	}

	// Each form really was echoed, so finding none below means something.
	echoed := map[string]string{"the token endpoint": tokenEchoes.all(), "Codat": codatEchoes.all()}
	for name, form := range echoedForms {
		if !strings.Contains(echoed["the token endpoint"], form) && !strings.Contains(echoed["Codat"], form) {
			t.Errorf("no server echoed the %s (%q); the check below would prove nothing for it", name, form)
		}
	}
	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"[TRACE]", "Xero rejected the client id and secret", "echo-corr-1"} {
		if !strings.Contains(string(log), want) {
			t.Fatalf("the TF_LOG=trace log (%d bytes) lacks %q, so searching it proves nothing", len(log), want)
		}
	}
	texts := map[string]string{"Xero apply output": xeroRun.Output, "Codat apply output": codatRun.Output, "trace log": string(log)}
	for where, text := range texts {
		for name, form := range echoedForms {
			if i := strings.Index(text, form); i >= 0 {
				t.Errorf("the %s holds the %s: …%s…", where, name, text[max(0, i-120):min(len(text), i+len(form)+40)])
			}
		}
	}
	// What the code under test registers covers the forms written out above.
	registered := strings.Join(codat.ClientCredentialForms(acctest.XeroClientID, echoSecret), "\n")
	for name, form := range echoedForms {
		if !strings.Contains(registered, form) {
			t.Errorf("codat.ClientCredentialForms lacks the %s", name)
		}
	}
	if n := env.Sandbox.Count(sandbox.RoutePutCredentials); n != 0 {
		t.Errorf("%d credential writes reached the sandbox", n)
	}
}
